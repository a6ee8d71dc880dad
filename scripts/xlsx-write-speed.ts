/**
 * `npx tsx scripts/xlsx-write-speed.ts [--rows 472000] [--runs 1]`: the revenue workbook of a
 * merged-shaped table (37 columns: ints, DECIMAL prices, ~40-char titles, a few ~300-char
 * texts, DOUBLE shares, some NULLs) written by the former ExcelJS writer
 * (tests/helpers/exceljs-revenue-workbook.ts) and by the bulk writer (nodes/shared/xlsx/write.ts)
 * from the same DuckDB table, alternately; prints the wall and CPU time and the file size of
 * each, and the machine's load average (the CPU time is the fairer figure on a busy machine).
 */
import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckSession } from '../nodes/shared/duckdb';
import { quoteIdentifier } from '../nodes/shared/sql';
import { describeColumns } from '../nodes/shared/table/columns';
import {
	writeRevenueWorkbook as writeInBulk,
	type RevenueWorkbook,
	type SheetColumn,
} from '../nodes/shared/xlsx/write';
import { writeRevenueWorkbook as writeWithExcelJs } from '../tests/helpers/exceljs-revenue-workbook';

const WORDS = [
	'vin',
	'rouge',
	'blanc',
	'domaine',
	'château',
	'cuvée',
	'millésime',
	'bouteille',
	'tanins',
	'fruité',
	'notes',
	'cerise',
	'boisé',
	'garde',
	'appellation',
	'terroir',
];

/** `words(n, seed)`: n words picked by hash, about 7 characters each. */
function words(count: number, seed: number): string {
	return `array_to_string(list_transform(range(${count}), j -> ${`['${WORDS.join("', '")}']`}[CAST(1 + hash(i * ${seed} + j) % ${WORDS.length} AS BIGINT)]), ' ')`;
}

const PRICE = 'CAST(round(5 + (hash(i * 13) % 5500) / 100.0, 2) AS DECIMAL(18,2))';
const SALES = 'CAST(hash(i * 29) % 40 AS BIGINT)';
const POSTED = "TIMESTAMP '2020-01-01 09:30:00' + INTERVAL (i % 1500) DAY";

/**
 * The merged table Revenue reports on: the ERP's and liaison's columns, the WooCommerce
 * export's (WEB_COLUMNS in scripts/sample-data/generator.ts, typed as its Parquet is),
 * then Revenue's three; formats as Revenue gives them (money, shares, other integers).
 */
const COLUMNS: Array<[name: string, sql: string, format?: SheetColumn['format']]> = [
	['product_id', 'CAST(i AS BIGINT)', 'integer'],
	['onsale_web', 'CAST(1 AS BIGINT)', 'integer'],
	['price', PRICE, 'currency'],
	['stock_quantity', 'CAST(hash(i * 23) % 500 AS BIGINT)', 'integer'],
	['stock_status', `CASE WHEN i % 9 = 0 THEN 'outofstock' ELSE 'instock' END`],
	['id_web', `CAST(100000 + i AS VARCHAR)`],
	['sku', `CAST(100000 + i AS VARCHAR)`],
	['virtual', 'CAST(0 AS BIGINT)', 'integer'],
	['downloadable', 'CAST(0 AS BIGINT)', 'integer'],
	['rating_count', 'CAST(hash(i * 67) % 50 AS BIGINT)', 'integer'],
	['average_rating', 'round((hash(i * 71) % 500) / 100.0, 2)'],
	['total_sales', SALES, 'integer'],
	['tax_status', `'taxable'`],
	['tax_class', `CASE WHEN i % 3 = 0 THEN 'reduced-rate' END`],
	['post_author', 'CAST(1 + i % 3 AS BIGINT)', 'integer'],
	['post_date', POSTED],
	['post_date_gmt', `${POSTED} - INTERVAL 2 HOUR`],
	['post_content', `'<p class="description">' || ${words(38, 11)} || '</p>'`],
	['post_title', `'Vin ' || i || ' ' || ${words(4, 3)}`],
	['post_excerpt', words(42, 7)],
	['post_status', `'publish'`],
	['comment_status', `'open'`],
	['ping_status', `'closed'`],
	['post_password', 'CAST(NULL AS VARCHAR)'],
	['post_name', `'vin-' || i || '-' || replace(${words(4, 5)}, ' ', '-')`],
	['post_modified', `${POSTED} + INTERVAL 30 DAY`],
	['post_modified_gmt', `${POSTED} + INTERVAL 30 DAY - INTERVAL 2 HOUR`],
	['post_content_filtered', 'CAST(NULL AS VARCHAR)'],
	['post_parent', 'CAST(0 AS BIGINT)', 'integer'],
	['guid', `'https://shop.example/?post_type=product&#038;p=' || (100000 + i)`],
	['menu_order', 'CAST(0 AS BIGINT)', 'integer'],
	['post_type', `'product'`],
	['post_mime_type', 'CAST(NULL AS VARCHAR)'],
	['comment_count', 'CAST(hash(i * 61) % 5 AS BIGINT)', 'integer'],
	['revenue', `${PRICE} * ${SALES}`, 'currency'],
	['revenue_share', '(hash(i * 79) % 1000) / 1e7', 'percent'],
	['cumulative_share', 'i / $1', 'percent'],
];

const BULK = 'bulk: DuckDB SQL + zlib + fflate Zip';
const EXCELJS = 'ExcelJS WorkbookWriter';

interface Timing {
	label: string;
	seconds: number;
	cpuSeconds: number;
	megabytes: number;
}

/** Wall time, and CPU time of the whole process (DuckDB's and zlib's threads included): the machine may be shared. */
async function timed(label: string, write: () => Promise<void>, path: string): Promise<Timing> {
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	await write();
	const cpu = process.cpuUsage(cpuBefore);
	return {
		label,
		seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
		cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
		megabytes: Number((statSync(path).size / 1e6).toFixed(1)),
	};
}

async function main() {
	const { values } = parseArgs({
		options: {
			rows: { type: 'string', default: '472000' },
			runs: { type: 'string', default: '1' },
		},
	});
	const rows = Number(values.rows);
	const session = await DuckSession.open();
	try {
		const relation = quoteIdentifier('report_rows');
		const select = COLUMNS.map(([name, sql]) => `${sql} AS ${quoteIdentifier(name)}`).join(', ');
		await session.run(
			`CREATE TEMP TABLE ${relation} AS SELECT ${select} FROM range(1, $1 + 1) t(i) ORDER BY i`,
			[rows],
		);
		const formats = new Map(COLUMNS.map(([name, , format]) => [name, format]));
		const columns: SheetColumn[] = (await describeColumns(session, relation)).map((column) => ({
			...column,
			format: formats.get(column.name),
		}));
		const book = (path: string): RevenueWorkbook => ({
			path,
			relation,
			columns,
			currency: 'EUR',
			totals: ['revenue', 'total_sales'],
			summary: [
				['Period', 'May 2026'],
				['Total revenue', 1234.5],
				['Number of products', rows],
			],
			top: { label: 'Top 10 by revenue (post_title)', rows: [{ label: 'Vin 1', revenue: 99.5 }] },
		});
		console.log(`${rows} rows × ${columns.length} columns`);
		const results: Timing[] = [];
		for (let run = 0; run < Number(values.runs); run++) {
			const bulkPath = session.scratchPath(`bulk-${run}.xlsx`);
			results.push(await timed(BULK, () => writeInBulk(session, book(bulkPath)), bulkPath));
			const excelJsPath = session.scratchPath(`exceljs-${run}.xlsx`);
			results.push(
				await timed(EXCELJS, () => writeWithExcelJs(session, book(excelJsPath)), excelJsPath),
			);
		}
		console.table(results);
		const total = (label: string, field: 'seconds' | 'cpuSeconds') =>
			results.filter((r) => r.label === label).reduce((sum, r) => sum + r[field], 0);
		for (const field of ['seconds', 'cpuSeconds'] as const) {
			console.log(
				`ExcelJS / bulk, ${field}: ${(total(EXCELJS, field) / total(BULK, field)).toFixed(1)}×`,
			);
		}
		console.log(
			`load average: ${loadavg()
				.map((load) => load.toFixed(1))
				.join(' ')} on ${availableParallelism()} cores`,
		);
	} finally {
		await session.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
