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
import { writeRevenueWorkbook as writeInBulk, type RevenueWorkbook, type SheetColumn } from '../nodes/shared/xlsx/write';
import { writeRevenueWorkbook as writeWithExcelJs } from '../tests/helpers/exceljs-revenue-workbook';

const WORDS = ['vin', 'rouge', 'blanc', 'domaine', 'château', 'cuvée', 'millésime', 'bouteille', 'tanins', 'fruité', 'notes', 'cerise', 'boisé', 'garde', 'appellation', 'terroir'];

/** `words(n, seed)`: n words picked by hash, about 7 characters each. */
function words(count: number, seed: number): string {
	return `array_to_string(list_transform(range(${count}), j -> ${`['${WORDS.join("', '")}']`}[CAST(1 + hash(i * ${seed} + j) % ${WORDS.length} AS BIGINT)]), ' ')`;
}

/** The merged table's shape: WooCommerce columns joined to the ERP's, then Revenue's three. */
const COLUMNS: Array<[name: string, sql: string, format?: SheetColumn['format']]> = [
	['product_id', 'CAST(i AS BIGINT)', 'integer'],
	['sku', `'SKU-' || i`],
	['id_web', 'CAST(100000 + i AS BIGINT)', 'integer'],
	['post_title', `'Vin ' || i || ' ' || ${words(5, 3)}`],
	['post_name', `'vin-' || i || '-' || replace(${words(4, 5)}, ' ', '-')`],
	['post_excerpt', words(42, 7)],
	['post_content', `'<p>' || ${words(40, 11)} || '</p>'`],
	['post_status', `'publish'`],
	['post_type', `CASE WHEN i % 2 = 0 THEN 'product' ELSE 'attachment' END`],
	['price', 'CAST(round(5 + (hash(i * 13) % 5500) / 100.0, 2) AS DECIMAL(18,2))', 'currency'],
	['regular_price', 'CAST(round(6 + (hash(i * 17) % 5500) / 100.0, 2) AS DECIMAL(18,2))'],
	['sale_price', 'CASE WHEN i % 5 = 0 THEN CAST(round(4 + (hash(i * 19) % 5000) / 100.0, 2) AS DECIMAL(18,2)) END'],
	['stock_quantity', 'CAST(hash(i * 23) % 500 AS INTEGER)', 'integer'],
	['stock_status', `CASE WHEN i % 9 = 0 THEN 'outofstock' ELSE 'instock' END`],
	['total_sales', 'CAST(hash(i * 29) % 40 AS INTEGER)', 'integer'],
	['tax_status', `'taxable'`],
	['tax_class', `CASE WHEN i % 3 = 0 THEN 'reduced-rate' END`],
	['weight', 'round((hash(i * 31) % 2000) / 1000.0, 3)'],
	['length', 'CAST(hash(i * 37) % 40 AS DOUBLE)'],
	['width', 'CAST(hash(i * 41) % 30 AS DOUBLE)'],
	['height', 'CAST(hash(i * 43) % 20 AS DOUBLE)'],
	['product_cat', `'Vins > ' || ${words(2, 47)}`],
	['product_tag', words(6, 53)],
	['images', `'https://shop.example/wp-content/uploads/' || i || '/' || replace(${words(36, 59)}, ' ', '-') || '.jpg'`],
	['post_date', `strftime(TIMESTAMP '2020-01-01' + INTERVAL (i % 1500) DAY, '%Y-%m-%d %H:%M:%S')`],
	['menu_order', 'CAST(i % 10 AS INTEGER)', 'integer'],
	['comment_count', 'CAST(hash(i * 61) % 5 AS INTEGER)', 'integer'],
	['rating_count', 'CAST(hash(i * 67) % 50 AS INTEGER)', 'integer'],
	['average_rating', 'round((hash(i * 71) % 500) / 100.0, 2)'],
	['virtual', 'CAST(0 AS INTEGER)', 'integer'],
	['downloadable', 'CAST(0 AS INTEGER)', 'integer'],
	['product_id_erp', 'CAST(i AS BIGINT)', 'integer'],
	['designation', `upper(${words(4, 73)})`],
	['family', `CASE WHEN i % 4 = 0 THEN 'ROUGE' WHEN i % 4 = 1 THEN 'BLANC' ELSE 'ROSE' END`],
	['revenue', 'CAST(round(5 + (hash(i * 13) % 5500) / 100.0, 2) AS DECIMAL(18,2)) * CAST(hash(i * 29) % 40 AS INTEGER)', 'currency'],
	['share', '(hash(i * 79) % 1000) / 1e7', 'percent'],
	['cumulative_share', 'i / 472000.0', 'percent'],
];

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
	const { values } = parseArgs({ options: { rows: { type: 'string', default: '472000' }, runs: { type: 'string', default: '1' } } });
	const rows = Number(values.rows);
	const session = await DuckSession.open();
	try {
		const relation = quoteIdentifier('report_rows');
		const select = COLUMNS.map(([name, sql]) => `${sql} AS ${quoteIdentifier(name)}`).join(', ');
		await session.run(`CREATE TEMP TABLE ${relation} AS SELECT ${select} FROM range(1, $1 + 1) t(i) ORDER BY i`, [rows]);
		const described = await session.rows(`DESCRIBE ${relation}`);
		const formats = new Map(COLUMNS.map(([name, , format]) => [name, format]));
		const columns: SheetColumn[] = described.map((row) => ({ name: String(row.column_name), type: String(row.column_type), format: formats.get(String(row.column_name)) }));
		const book = (path: string): RevenueWorkbook => ({
			path,
			relation,
			columns,
			currency: 'EUR',
			totals: ['revenue', 'total_sales'],
			summary: [['Period', 'May 2026'], ['Total revenue', 1234.5], ['Number of products', rows]],
			top: { label: 'Top 10 by revenue (post_title)', rows: [{ label: 'Vin 1', revenue: 99.5 }] },
		});
		console.log(`${rows} rows × ${columns.length} columns`);
		const results: Timing[] = [];
		for (let run = 0; run < Number(values.runs); run++) {
			const bulkPath = session.scratchPath(`bulk-${run}.xlsx`);
			results.push(await timed('bulk: DuckDB SQL + zlib + fflate Zip', () => writeInBulk(session, book(bulkPath)), bulkPath));
			const excelJsPath = session.scratchPath(`exceljs-${run}.xlsx`);
			results.push(await timed('ExcelJS WorkbookWriter', () => writeWithExcelJs(session, book(excelJsPath)), excelJsPath));
		}
		console.table(results);
		const total = (label: string, field: 'seconds' | 'cpuSeconds') => results.filter((r) => r.label === label).reduce((sum, r) => sum + r[field], 0);
		for (const field of ['seconds', 'cpuSeconds'] as const) {
			console.log(`ExcelJS / bulk, ${field}: ${(total('ExcelJS WorkbookWriter', field) / total('bulk: DuckDB SQL + zlib + fflate Zip', field)).toFixed(1)}×`);
		}
		console.log(`load average: ${loadavg().map((load) => load.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
	} finally {
		await session.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
