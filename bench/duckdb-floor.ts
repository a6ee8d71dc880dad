/**
 * The floor of the benchmark: the monthly computation as one plain DuckDB SQL script through
 * @duckdb/node-api, outside n8n. Same inputs, same rules and same output files as the
 * workflows (the revenue list as CSV: DuckDB writes xlsx only through an extension that
 * downloads at run time).
 *
 *   node --import tsx bench/duckdb-floor.ts <input folder> <csv|parquet> <output folder>
 *
 * Prints `{"ms": …}`: the time from opening DuckDB to the last file written.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { quoteLiteral } from '../nodes/shared/sql';

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

async function main() {
	const [input, format, output] = process.argv.slice(2);
	if (!input || !['csv', 'parquet'].includes(format) || !output) {
		console.error('usage: node --import tsx bench/duckdb-floor.ts <input folder> <csv|parquet> <output folder>');
		process.exit(2);
	}
	const started = performance.now();
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	await connection.run(floorScript(input, format, output));
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
