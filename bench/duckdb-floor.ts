/**
 * The floors of the benchmark: the monthly computation as one plain DuckDB SQL script through
 * @duckdb/node-api, outside n8n, in two sizes of work.
 *
 * - `duckdb-same`: the same work as the shipped workflow — its cleaning, its joins with keys
 *   compared as text, exact revenue with share and cumulative share, the population z-score —
 *   and the same three lists with every merged column. What ours costs above it is n8n, the
 *   node boundaries and the ten checks.
 * - `duckdb`: the least work that finds the same figures: one dedup rule per export, plain
 *   joins, seven columns written.
 *
 * Both write the revenue list as CSV: DuckDB writes xlsx only through an extension that
 * downloads at run time (and reads xlsx only through one, so neither runs on xlsx exports).
 *
 *   node --import tsx bench/duckdb-floor.ts <duckdb|duckdb-same> <input folder> <csv|parquet> <output folder>
 *
 * Prints `{"ms": …}`: the time from opening DuckDB to the last file written.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { quoteLiteral } from '../nodes/shared/sql';

export type Floor = 'duckdb' | 'duckdb-same';
export const FLOORS: Floor[] = ['duckdb', 'duckdb-same'];

function reader(folder: string, name: string, format: string): string {
	const path = quoteLiteral(join(folder, `${name}.${format}`));
	if (format === 'parquet') return `read_parquet(${path})`;
	// Skus and id_web mix numbers and text: read them as text, as the nodes compare them.
	const textColumn = { web: 'sku', liaison: 'id_web' }[name];
	return `read_csv(${path}, header = true${textColumn ? `, types = {'${textColumn}': 'VARCHAR'}` : ''})`;
}

function target(folder: string, name: string): string {
	return quoteLiteral(join(folder, name));
}

/** The least work: 7 columns out, keys compared as read. */
export function floorScript(input: string, format: string, output: string): string {
	return `
		CREATE TABLE erp_raw AS FROM ${reader(input, 'erp', format)};
		CREATE TABLE liaison_raw AS FROM ${reader(input, 'liaison', format)};
		CREATE TABLE web_raw AS FROM ${reader(input, 'web', format)};
		CREATE TABLE erp AS FROM erp_raw QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY rowid) = 1;
		CREATE TABLE liaison AS FROM liaison_raw QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY rowid) = 1;
		CREATE TABLE web AS FROM web_raw WHERE nullif(trim(sku), '') IS NOT NULL
			QUALIFY row_number() OVER (PARTITION BY sku ORDER BY total_sales DESC, rowid) = 1;
		CREATE TABLE revenue AS
			SELECT erp.product_id, web.sku, web.post_title, erp.price, web.total_sales,
				CAST(round(CAST(erp.price AS DECIMAL(18, 2)) * web.total_sales, 2) AS DECIMAL(38, 2)) AS revenue
			FROM erp JOIN liaison USING (product_id) JOIN web ON liaison.id_web = web.sku
			ORDER BY revenue DESC;
		COPY revenue TO ${target(output, 'rapport_ca.csv')} (HEADER);
		CREATE TABLE scored AS
			SELECT revenue.*, (price - avg(price) OVER ()) / nullif(stddev_pop(price) OVER (), 0) AS z_score FROM revenue;
		COPY (FROM scored WHERE z_score > 2 ORDER BY z_score DESC) TO ${target(output, 'vins_premium.csv')} (HEADER);
		COPY (FROM scored WHERE z_score IS NULL OR z_score <= 2 ORDER BY z_score DESC) TO ${target(output, 'vins_ordinaires.csv')} (HEADER);
	`;
}

/**
 * The workflow's rules (workflows/bottleneck-monthly-report.json), step for step: ERP and
 * liaison keep the first row per product_id; web drops rows with a blank sku, then keeps the
 * highest total_sales per sku (ties: the first); inner joins with keys compared by their
 * written form (15298 = 15298.0 = " 15298"); revenue = round(price × total_sales, 2) in
 * DECIMAL, sorted, with share and cumulative share; premium = population z-score of price > 2.
 * Every table keeps file order where the nodes do, so ties come out in the same order.
 */
export function sameWorkScript(input: string, format: string, output: string): string {
	const money = (column: string) => `try_cast(${column} AS DECIMAL(18, 4))`;
	const total = 'CAST(sum(revenue) OVER () AS DOUBLE)';
	const price = 'try_cast(price AS DOUBLE)';
	// File order as a column: DuckDB 1.5 fails an internal assertion on QUALIFY … ORDER BY rowid.
	const keepOne = (table: string, key: string, order: string, where = 'true') =>
		`SELECT * EXCLUDE (file_row) FROM (SELECT *, rowid AS file_row FROM ${table} WHERE ${where}) QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${order}) = 1 ORDER BY file_row`;
	const joinKey = (column: string) =>
		`regexp_replace(trim(CAST(${column} AS VARCHAR)), '^(-?[0-9]+)\\.0+$', '\\1')`;
	return `
		CREATE TABLE erp_raw AS FROM ${reader(input, 'erp', format)};
		CREATE TABLE liaison_raw AS FROM ${reader(input, 'liaison', format)};
		CREATE TABLE web_raw AS FROM ${reader(input, 'web', format)};
		CREATE TABLE erp AS ${keepOne('erp_raw', 'product_id', 'file_row')};
		CREATE TABLE liaison AS ${keepOne('liaison_raw', 'product_id', 'file_row')};
		CREATE TABLE web AS ${keepOne('web_raw', 'sku', 'total_sales DESC NULLS LAST, file_row', "nullif(trim(sku), '') IS NOT NULL")};
		CREATE TABLE merged AS
			SELECT erp.*, liaison.* EXCLUDE (product_id), web.*
			FROM erp JOIN liaison ON ${joinKey('erp.product_id')} = ${joinKey('liaison.product_id')}
			JOIN web ON ${joinKey('liaison.id_web')} = ${joinKey('web.sku')}
			ORDER BY erp.rowid, liaison.rowid, web.rowid;
		CREATE TABLE revenue AS
			SELECT * EXCLUDE (line_order), CAST(revenue AS DOUBLE) / nullif(${total}, 0) AS revenue_share,
				CASE WHEN revenue IS NOT NULL THEN
					CAST(sum(revenue) OVER (ORDER BY revenue DESC NULLS LAST, line_order ROWS UNBOUNDED PRECEDING) AS DOUBLE) / nullif(${total}, 0)
				END AS cumulative_share
			FROM (SELECT *, CAST(round(${money('price')} * ${money('total_sales')}, 2) AS DECIMAL(18, 2)) AS revenue, rowid AS line_order FROM merged)
			ORDER BY revenue DESC NULLS LAST, line_order;
		COPY (FROM revenue ORDER BY rowid) TO ${target(output, 'rapport_ca.csv')} (HEADER);
		CREATE TABLE scored AS
			SELECT *, (${price} - avg(${price}) OVER ()) / nullif(stddev_pop(${price}) OVER (), 0) AS premium_score FROM revenue ORDER BY rowid;
		COPY (FROM scored WHERE coalesce(premium_score > 2, false) ORDER BY rowid) TO ${target(output, 'vins_premium.csv')} (HEADER);
		COPY (FROM scored WHERE NOT coalesce(premium_score > 2, false) ORDER BY rowid) TO ${target(output, 'vins_ordinaires.csv')} (HEADER);
	`;
}

export const FLOOR_SCRIPTS: Record<
	Floor,
	(input: string, format: string, output: string) => string
> = { duckdb: floorScript, 'duckdb-same': sameWorkScript };

async function main() {
	const [floor, input, format, output] = process.argv.slice(2);
	if (
		!FLOORS.includes(floor as Floor) ||
		!input ||
		!['csv', 'parquet'].includes(format) ||
		!output
	) {
		console.error(
			'usage: node --import tsx bench/duckdb-floor.ts <duckdb|duckdb-same> <input folder> <csv|parquet> <output folder>',
		);
		process.exit(2);
	}
	const started = performance.now();
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	await connection.run(FLOOR_SCRIPTS[floor as Floor](input, format, output));
	connection.closeSync();
	instance.closeSync();
	console.log(JSON.stringify({ ms: Math.round(performance.now() - started) }));
}

if (require.main === module) {
	main().catch((error) => {
		console.error((error as Error).message);
		process.exit(1);
	});
}
