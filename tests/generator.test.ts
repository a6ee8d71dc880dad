/**
 * The sample-data generator (scripts/sample-data/generator.ts): deterministic, BottleNeck-shaped,
 * with the real files' quirks, and its expected.json re-derived here independently in DuckDB
 * SQL over the files it wrote, by the rules of the agreed monthly process:
 * drop rows with an empty sku, one row per sku keeping the highest total_sales, inner joins with
 * id_web = sku compared as text, revenue = sum(price × total_sales) as DECIMAL, premium = z > 2
 * with the population standard deviation.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSample } from '../scripts/sample-data/generator';
import type { ExpectedFigures, GeneratedSample } from '../scripts/sample-data/generator';

// The real files' headers, written out again here (SOURCE.md) so the generator's own lists are checked.
const HEADERS = {
	erp: ['product_id', 'onsale_web', 'price', 'stock_quantity', 'stock_status'],
	liaison: ['product_id', 'id_web'],
	web: [
		'sku',
		'virtual',
		'downloadable',
		'rating_count',
		'average_rating',
		'total_sales',
		'tax_status',
		'tax_class',
		'post_author',
		'post_date',
		'post_date_gmt',
		'post_content',
		'post_title',
		'post_excerpt',
		'post_status',
		'comment_status',
		'ping_status',
		'post_password',
		'post_name',
		'post_modified',
		'post_modified_gmt',
		'post_content_filtered',
		'post_parent',
		'guid',
		'menu_order',
		'post_type',
		'post_mime_type',
		'comment_count',
	],
} as const;
type Name = keyof typeof HEADERS;
const NAMES: Name[] = ['erp', 'liaison', 'web'];
const REAL_DIR = resolve(__dirname, '../../shared/bottleneck');

const root = mkdtempSync(join(tmpdir(), 'generator-test-'));
const dir = (name: string) => join(root, name);
let small: GeneratedSample; // 1500 rows, seed 42, newer, xlsx + csv + parquet
let large: GeneratedSample; // 20000 rows, seed 7, newer, csv + parquet
let old: GeneratedSample; // 1500 rows, seed 42, 2020, csv + parquet
let french: GeneratedSample; // 1500 rows, seed 42, newer, French csv + parquet
let html: GeneratedSample; // as small, with htmlDescriptions
let htmlFrench: GeneratedSample; // as french, with htmlDescriptions
let instance: DuckDBInstance;
let db: DuckDBConnection;

before(async () => {
	small = await generateSample({
		webRows: 1500,
		seed: 42,
		outDir: dir('small'),
		formats: ['xlsx', 'csv', 'parquet'],
	});
	large = await generateSample({
		webRows: 20000,
		seed: 7,
		outDir: dir('large'),
		formats: ['csv', 'parquet'],
	});
	old = await generateSample({
		webRows: 1500,
		seed: 42,
		variant: '2020',
		outDir: dir('old'),
		formats: ['csv', 'parquet'],
	});
	french = await generateSample({
		webRows: 1500,
		seed: 42,
		outDir: dir('french'),
		formats: ['csv', 'parquet'],
		csvStyle: 'french',
	});
	html = await generateSample({
		webRows: 1500,
		seed: 42,
		outDir: dir('html'),
		formats: ['xlsx', 'csv', 'parquet'],
		htmlDescriptions: true,
	});
	htmlFrench = await generateSample({
		webRows: 1500,
		seed: 42,
		outDir: dir('html-french'),
		formats: ['csv'],
		csvStyle: 'french',
		htmlDescriptions: true,
	});
	instance = await DuckDBInstance.create(':memory:');
	db = await instance.connect();
});
after(() => {
	db?.closeSync();
	instance?.closeSync();
	rmSync(root, { recursive: true, force: true });
});

const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
	return (await db.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}
async function one(sql: string): Promise<Record<string, unknown>> {
	const [row] = await rows(sql);
	return row;
}

/** Loads one sample's three files into tables erp, liaison, web (file order kept in rowid). csv is read as text only. */
async function load(
	sample: GeneratedSample,
	format: 'csv' | 'parquet',
	style: 'standard' | 'french' = 'standard',
) {
	for (const name of NAMES) {
		const path = sample.files[name][format];
		assert.ok(path, `${name}.${format} was written`);
		const reader =
			format === 'parquet'
				? `read_parquet(${lit(path)})`
				: `read_csv(${lit(path)}, header = true, all_varchar = true, quote = '"', escape = '"', ` +
					(style === 'french' ? `delim = ';', encoding = 'latin-1')` : `delim = ',')`);
		await db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM ${reader}`);
	}
}

/** The agreed process, in SQL, on the loaded tables. */
async function figures(decimalComma = false): Promise<ExpectedFigures> {
	const price = decimalComma
		? `replace(CAST(price AS VARCHAR), ',', '.')`
		: `CAST(price AS VARCHAR)`;
	await db.run(`
		CREATE OR REPLACE TEMP VIEW e AS SELECT DISTINCT ON (product_id) CAST(product_id AS VARCHAR) AS product_id, CAST(${price} AS DECIMAL(18,2)) AS price FROM erp;
		CREATE OR REPLACE TEMP VIEW l AS SELECT DISTINCT ON (product_id) CAST(product_id AS VARCHAR) AS product_id, CAST(id_web AS VARCHAR) AS id_web FROM liaison;
		CREATE OR REPLACE TEMP VIEW w AS SELECT CAST(sku AS VARCHAR) AS sku, CAST(total_sales AS BIGINT) AS total_sales, rowid AS pos FROM web
			WHERE sku IS NOT NULL AND trim(CAST(sku AS VARCHAR)) <> '';
		CREATE OR REPLACE TEMP VIEW highest AS SELECT sku, total_sales FROM w QUALIFY row_number() OVER (PARTITION BY sku ORDER BY total_sales DESC) = 1;
		CREATE OR REPLACE TEMP VIEW first AS SELECT sku, total_sales FROM w QUALIFY row_number() OVER (PARTITION BY sku ORDER BY pos) = 1;
		CREATE OR REPLACE TEMP VIEW merged AS SELECT e.product_id, e.price, d.sku, d.total_sales FROM e JOIN l USING (product_id) JOIN highest d ON l.id_web = d.sku;
		CREATE OR REPLACE TEMP VIEW merged_first AS SELECT e.price, d.total_sales FROM e JOIN l USING (product_id) JOIN first d ON l.id_web = d.sku;
	`);
	const counts = await one(`SELECT
		(SELECT count(*) FROM e)::INTEGER AS erp_rows, (SELECT count(*) FROM l)::INTEGER AS liaison_rows,
		(SELECT count(*) FROM w)::INTEGER AS web_clean_rows, (SELECT count(*) FROM highest)::INTEGER AS web_dedup_rows,
		(SELECT count(*) FROM merged)::INTEGER AS merged_rows,
		(SELECT CAST(sum(price * total_sales) AS DECIMAL(38,2))::VARCHAR FROM merged) AS revenue_total,
		(SELECT CAST(sum(price * total_sales) AS DECIMAL(38,2))::VARCHAR FROM merged_first) AS revenue_keep_first`);
	const premium = await one(`
		WITH s AS (SELECT avg(CAST(price AS DOUBLE)) AS mean, stddev_pop(CAST(price AS DOUBLE)) AS std FROM merged)
		SELECT count(*) FILTER (WHERE (CAST(price AS DOUBLE) - mean) / std > 2)::INTEGER AS premium_count,
			count(*) FILTER (WHERE NOT (CAST(price AS DOUBLE) - mean) / std > 2)::INTEGER AS ordinary_count FROM merged, s`);
	const top =
		await rows(`SELECT sku, CAST(sum(price * total_sales) AS DECIMAL(38,2))::VARCHAR AS revenue FROM merged GROUP BY sku
		ORDER BY sum(price * total_sales) DESC LIMIT 2`);
	assert.notEqual(top[0].revenue, top[1].revenue, 'the top product is unique');
	return {
		erp_rows: counts.erp_rows as number,
		liaison_rows: counts.liaison_rows as number,
		web_clean_rows: counts.web_clean_rows as number,
		web_dedup_rows: counts.web_dedup_rows as number,
		merged_rows: counts.merged_rows as number,
		revenue_total: counts.revenue_total as string,
		premium_count: premium.premium_count as number,
		ordinary_count: premium.ordinary_count as number,
		revenue_keep_first: counts.revenue_keep_first as string,
		top_product: { sku: top[0].sku as string, revenue: top[0].revenue as string },
	};
}

const onDisk = (sample: GeneratedSample) =>
	JSON.parse(readFileSync(sample.expectedFile, 'utf8')) as ExpectedFigures;

describe('determinism', () => {
	test('the same seed gives byte-identical csv files and figures; another seed other ones', async () => {
		const again = await generateSample({
			webRows: 1500,
			seed: 42,
			outDir: dir('again'),
			formats: ['csv'],
		});
		const other = await generateSample({
			webRows: 1500,
			seed: 43,
			outDir: dir('other'),
			formats: ['csv'],
		});
		for (const name of NAMES)
			assert.ok(
				readFileSync(again.files[name].csv!).equals(readFileSync(small.files[name].csv!)),
				`${name}.csv is identical`,
			);
		assert.ok(
			readFileSync(dir('again/expected.json')).equals(readFileSync(dir('small/expected.json'))),
		);
		assert.ok(!readFileSync(other.files.web.csv!).equals(readFileSync(small.files.web.csv!)));
		assert.ok(!readFileSync(other.files.erp.csv!).equals(readFileSync(small.files.erp.csv!)));
		assert.notDeepEqual(other.expected, small.expected);
	});

	test('only the files asked for are written', async () => {
		const parquetOnly = await generateSample({
			webRows: 300,
			seed: 1,
			outDir: dir('parquet-only'),
			formats: ['parquet'],
		});
		assert.deepEqual(
			Object.values(parquetOnly.files).map((f) => Object.keys(f)),
			[['parquet'], ['parquet'], ['parquet']],
		);
		for (const name of NAMES)
			assert.ok(
				!existsSync(dir(`parquet-only/${name}.csv`)) &&
					!existsSync(dir(`parquet-only/${name}.xlsx`)),
			);
		await assert.rejects(
			generateSample({ webRows: 5, outDir: dir('bad'), formats: ['csv'] }),
			RangeError,
		);
	});
});

describe('shape', () => {
	test("csv, parquet and xlsx carry the real files' columns in their order", async () => {
		for (const name of NAMES) {
			assert.deepEqual(
				readFileSync(small.files[name].csv!, 'utf8').split('\n')[0].split(','),
				HEADERS[name],
				`${name}.csv`,
			);
			assert.deepEqual(
				readFileSync(french.files[name].csv!, 'latin1').split('\n')[0].split(';'),
				HEADERS[name],
				`French ${name}.csv`,
			);
			const described = await rows(
				`DESCRIBE SELECT * FROM read_parquet(${lit(small.files[name].parquet!)})`,
			);
			assert.deepEqual(
				described.map((c) => c.column_name),
				HEADERS[name],
				`${name}.parquet`,
			);
			const workbook = new ExcelJS.Workbook();
			await workbook.xlsx.readFile(small.files[name].xlsx!);
			assert.deepEqual(
				workbook.worksheets.map((s) => s.name),
				['Sheet1'],
			);
			assert.deepEqual(
				(workbook.worksheets[0].getRow(1).values as unknown[]).slice(1),
				HEADERS[name],
				`${name}.xlsx`,
			);
		}
		const types = Object.fromEntries(
			(await rows(`DESCRIBE SELECT * FROM read_parquet(${lit(small.files.web.parquet!)})`)).map(
				(c) => [c.column_name, c.column_type],
			),
		);
		assert.deepEqual(
			[types.sku, types.total_sales, types.post_date, types.post_modified_gmt, types.post_title],
			['VARCHAR', 'BIGINT', 'TIMESTAMP', 'TIMESTAMP', 'VARCHAR'],
		);
		const erpTypes = (
			await rows(`DESCRIBE SELECT * FROM read_parquet(${lit(small.files.erp.parquet!)})`)
		).map((c) => c.column_type);
		assert.deepEqual(erpTypes, ['BIGINT', 'BIGINT', 'DOUBLE', 'BIGINT', 'VARCHAR']);
		const liaisonTypes = (
			await rows(`DESCRIBE SELECT * FROM read_parquet(${lit(small.files.liaison.parquet!)})`)
		).map((c) => c.column_type);
		assert.deepEqual(liaisonTypes, ['BIGINT', 'VARCHAR']);
	});

	test(
		"the hard-coded headers are the real files' headers",
		{
			skip: existsSync(REAL_DIR)
				? false
				: `the real BottleNeck exports are not at ${REAL_DIR}: skipped`,
		},
		async () => {
			for (const name of NAMES) {
				const workbook = new ExcelJS.Workbook();
				await workbook.xlsx.readFile(join(REAL_DIR, `${name}.xlsx`));
				assert.deepEqual(
					(workbook.worksheets[0].getRow(1).values as unknown[]).slice(1),
					HEADERS[name],
					`real ${name}.xlsx`,
				);
			}
		},
	);

	test('sizes scale like the real month: P ≈ N / 2.12 skus, ~5.5 % blank rows, ~11 % empty and ~2.5 % unknown id_web', async () => {
		for (const sample of [small, large]) {
			const n = sample.shape.web_rows;
			await load(sample, 'parquet');
			const web = await one(`SELECT count(*)::INTEGER AS rows, count(DISTINCT sku)::INTEGER AS skus,
				count(*) FILTER (WHERE sku IS NULL AND post_type IS NULL)::INTEGER AS blank,
				count(*) FILTER (WHERE sku IS NULL AND post_type = 'product')::INTEGER AS no_sku FROM web`);
			assert.equal(web.rows, n);
			assert.ok(
				Math.abs((web.skus as number) - n / 2.12) / (n / 2.12) < 0.01,
				`skus ${web.skus} for ${n} rows`,
			);
			assert.ok(Math.abs((web.blank as number) / n - 0.055) < 0.002, `blank rows ${web.blank}`);
			assert.equal(web.no_sku, 2);
			const liaison =
				await one(`SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE id_web IS NULL)::INTEGER AS empty,
				count(*) FILTER (WHERE id_web IS NOT NULL AND id_web NOT IN (SELECT sku FROM web WHERE sku IS NOT NULL))::INTEGER AS absent,
				count(DISTINCT id_web)::INTEGER AS distinct_ids FROM liaison`);
			const erpRows = (await one(`SELECT count(*)::INTEGER AS n FROM erp`)).n as number;
			assert.equal(liaison.rows, erpRows, 'ERP rows = liaison rows');
			assert.ok(
				Math.abs((liaison.empty as number) / erpRows - 0.11) < 0.01,
				`empty id_web ${liaison.empty} of ${erpRows}`,
			);
			assert.ok(
				Math.abs((liaison.absent as number) / erpRows - 0.025) < 0.005,
				`id_web absent from web ${liaison.absent} of ${erpRows}`,
			);
			assert.equal(
				liaison.distinct_ids,
				(liaison.rows as number) - (liaison.empty as number),
				'non-empty id_web values are distinct',
			);
			const values = await one(
				`SELECT avg(CASE WHEN total_sales = 0 THEN 1 ELSE 0 END) AS zero_share FROM web WHERE post_type = 'product' AND sku IS NOT NULL`,
			);
			assert.ok(
				Math.abs((values.zero_share as number) - 0.45) < 0.06,
				`share of skus with no sale ${values.zero_share}`,
			);
			const premiumShare = sample.expected.premium_count / sample.expected.merged_rows;
			assert.ok(premiumShare > 0.025 && premiumShare < 0.06, `premium share ${premiumShare}`);
		}
	});
});

describe('quirks', () => {
	test('blank rows hold only virtual, downloadable and rating_count at 0; every sku is one product row and one attachment row', async () => {
		for (const sample of [large, old]) {
			await load(sample, 'parquet');
			const typed = await one(`SELECT count(*)::INTEGER AS n FROM web WHERE post_type IS NULL`);
			const blank = await one(`SELECT count(*)::INTEGER AS n FROM web
				WHERE virtual = 0 AND downloadable = 0 AND rating_count = 0 AND COLUMNS(* EXCLUDE (virtual, downloadable, rating_count)) IS NULL`);
			assert.equal(blank.n, sample.shape.blank_web_rows);
			assert.equal(typed.n, sample.shape.blank_web_rows);
			const pairs = await one(`SELECT count(*)::INTEGER AS bad FROM (
				SELECT sku, count(*) AS n, count(*) FILTER (WHERE post_type = 'product' AND tax_status = 'taxable') AS p,
					count(*) FILTER (WHERE post_type = 'attachment' AND tax_status IS NULL) AS a FROM web WHERE sku IS NOT NULL GROUP BY sku)
				WHERE NOT (n = 2 AND p = 1 AND a = 1)`);
			assert.equal(pairs.bad, 0);
		}
	});

	test('newer: conflicting duplicates, the lower attachment row first; 2020: none, with the same revenue', async () => {
		const conflicts = async () =>
			rows(`SELECT sku, p.total_sales::INTEGER AS product_sales, a.total_sales::INTEGER AS attachment_sales, p.rowid > a.rowid AS attachment_first
				FROM web p JOIN web a USING (sku) WHERE p.post_type = 'product' AND a.post_type = 'attachment' AND p.total_sales <> a.total_sales`);
		await load(small, 'parquet');
		const found = await conflicts();
		assert.ok(found.length >= 1, 'at least one conflicting pair');
		for (const c of found)
			assert.ok(
				(c.attachment_sales as number) < (c.product_sales as number) && c.attachment_first,
				JSON.stringify(c),
			);
		assert.deepEqual(found.map((c) => c.sku).sort(), [...small.shape.conflicting_skus].sort());
		assert.ok(Number(small.expected.revenue_keep_first) < Number(small.expected.revenue_total));
		await load(large, 'parquet');
		const many = (await conflicts()).length;
		assert.ok(
			many >= 0.003 * large.shape.skus && many <= 0.006 * large.shape.skus,
			`${many} conflicts for ${large.shape.skus} skus`,
		);

		await load(old, 'parquet');
		assert.deepEqual(await conflicts(), []);
		assert.equal(old.expected.revenue_keep_first, old.expected.revenue_total);
		const { revenue_keep_first: _a, ...newerFigures } = small.expected;
		const { revenue_keep_first: _b, ...oldFigures } = old.expected;
		assert.deepEqual(oldFigures, newerFigures, 'the two variants share every other figure');
	});

	test('text and integer skus, ERP anomalies kept off the merged rows', async () => {
		await load(large, 'parquet');
		const skus = await rows(
			`SELECT DISTINCT sku FROM web WHERE sku IS NOT NULL AND NOT regexp_full_match(sku, '[0-9]+')`,
		);
		const text = skus.map((r) => r.sku as string);
		assert.ok(text.includes('gift-card-25'), text.join());
		assert.ok(
			text.some((s) => /^\d{5,}-1$/.test(s)),
			text.join(),
		);
		assert.ok(text.length < 0.01 * large.shape.skus, 'mostly integers');
		const idWeb = await one(
			`SELECT count(*) FILTER (WHERE NOT regexp_full_match(id_web, '[0-9]+'))::INTEGER AS text FROM liaison`,
		);
		assert.equal(idWeb.text, text.length + large.shape.text_id_web_absent.length);
		const erp =
			await one(`SELECT count(*)::INTEGER AS n, count(DISTINCT product_id)::INTEGER AS ids,
			count(*) FILTER (WHERE price < 0)::INTEGER AS negative_price,
			count(*) FILTER (WHERE price < 0 AND product_id NOT IN (SELECT product_id FROM liaison WHERE id_web IS NULL))::INTEGER AS negative_price_with_id_web,
			count(*) FILTER (WHERE stock_quantity < 0)::INTEGER AS negative_stock,
			count(*) FILTER (WHERE stock_status NOT IN ('instock', 'outofstock'))::INTEGER AS bad_status FROM erp`);
		assert.equal(erp.ids, erp.n, 'product_id is unique');
		assert.ok(
			(erp.negative_price as number) >= 1 && erp.negative_price_with_id_web === 0,
			JSON.stringify(erp),
		);
		assert.ok((erp.negative_stock as number) >= 1 && erp.bad_status === 0, JSON.stringify(erp));
		const merged =
			await one(`SELECT count(*)::INTEGER AS n, min(e.price) AS min_price, min(e.onsale_web) AS min_onsale, min(e.stock_quantity) AS min_stock
			FROM erp e JOIN liaison l USING (product_id) JOIN (SELECT DISTINCT sku FROM web) w ON l.id_web = w.sku`);
		assert.equal(merged.n, large.expected.merged_rows);
		assert.ok(
			(merged.min_price as number) > 0 &&
				merged.min_onsale === 1n &&
				(merged.min_stock as bigint) < 0n,
			JSON.stringify(merged, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
		);
	});

	test('xlsx: numeric and text sku cells, dates as dates, the same values as the csv', async () => {
		const read = async (name: Name) => {
			const workbook = new ExcelJS.Workbook();
			await workbook.xlsx.readFile(small.files[name].xlsx!);
			const sheet = workbook.worksheets[0];
			const out: ExcelJS.Cell[][] = [];
			sheet.eachRow((row, n) => {
				if (n > 1) out.push(HEADERS[name].map((_, c) => row.getCell(c + 1)));
			});
			return out;
		};
		const web = await read('web');
		const skuTypes = new Set(web.map((r) => r[0].type));
		assert.ok(
			skuTypes.has(ExcelJS.ValueType.Number) &&
				skuTypes.has(ExcelJS.ValueType.String) &&
				skuTypes.has(ExcelJS.ValueType.Null),
			[...skuTypes].join(),
		);
		const dated = web.filter((r) => r[9].value !== null);
		assert.ok(
			dated.length > 0 &&
				dated.every(
					(r) =>
						r[9].value instanceof Date &&
						r[9].numFmt === 'yyyy-mm-dd hh:mm:ss' &&
						r[19].value instanceof Date,
				),
		);
		const liaison = await read('liaison');
		const idTypes = new Set(liaison.map((r) => r[1].type));
		assert.deepEqual(
			[...idTypes].sort(),
			[ExcelJS.ValueType.Null, ExcelJS.ValueType.Number, ExcelJS.ValueType.String].sort(),
		);

		// Every xlsx cell equals the csv field, dates as ISO 'YYYY-MM-DD HH:MM:SS'.
		const text = (cell: ExcelJS.Cell) => {
			const v = cell.value;
			if (v === null || v === undefined) return null;
			if (v instanceof Date) return v.toISOString().slice(0, 19).replace('T', ' ');
			return String(v);
		};
		for (const name of NAMES) {
			const xlsx = name === 'web' ? web : name === 'liaison' ? liaison : await read(name);
			await db.run(
				`CREATE OR REPLACE TABLE csv_rows AS SELECT * FROM read_csv(${lit(small.files[name].csv!)}, header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')`,
			);
			const csv = await rows(`SELECT * FROM csv_rows ORDER BY rowid`);
			assert.equal(xlsx.length, csv.length, name);
			xlsx.forEach((row, r) => {
				assert.deepEqual(
					row.map(text),
					HEADERS[name].map((c) => (csv[r][c] ?? null) as string | null),
					`${name} row ${r + 2}`,
				);
			});
		}
		assert.ok(
			(
				await rows(
					`SELECT post_date FROM read_csv(${lit(small.files.web.csv!)}, all_varchar = true) WHERE post_date IS NOT NULL`,
				)
			).every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.post_date as string)),
		);
	});

	test("French csv: latin-1 bytes, ';' and decimal commas; the standard csv is UTF-8 with latin-1 characters only", () => {
		const frenchBytes = readFileSync(french.files.web.csv!);
		const standardBytes = readFileSync(small.files.web.csv!);
		assert.ok(
			frenchBytes.includes(Buffer.from('Château', 'latin1')) &&
				!frenchBytes.includes(Buffer.from('Château', 'utf8')),
		);
		assert.ok(standardBytes.includes(Buffer.from('Château', 'utf8')));
		assert.ok(
			[...standardBytes.toString('utf8')].every((ch) => ch.charCodeAt(0) <= 0xff),
			'every character fits latin-1',
		);
		assert.ok(
			frenchBytes.equals(Buffer.from(new TextDecoder('latin1').decode(frenchBytes), 'latin1')),
		);
		const erp = readFileSync(french.files.erp.csv!, 'latin1');
		assert.match(erp, /^\d+;[01];-?\d+,\d{1,2};-?\d+;(instock|outofstock)$/m);
		assert.doesNotMatch(erp, /\d\.\d/);
	});
});

describe('expected.json re-derived in DuckDB SQL', () => {
	const cases: Array<[string, () => GeneratedSample, 'csv' | 'parquet', 'standard' | 'french']> = [
		['1500 rows, parquet', () => small, 'parquet', 'standard'],
		['1500 rows, csv', () => small, 'csv', 'standard'],
		['20000 rows, parquet', () => large, 'parquet', 'standard'],
		['20000 rows, csv', () => large, 'csv', 'standard'],
		['2020 variant, csv', () => old, 'csv', 'standard'],
		['French csv', () => french, 'csv', 'french'],
		['from French csv, parquet', () => french, 'parquet', 'standard'],
	];
	for (const [label, sample, format, style] of cases) {
		test(label, async () => {
			await load(sample(), format, style);
			const derived = await figures(style === 'french');
			assert.deepEqual(derived, sample().expected);
			assert.deepEqual(onDisk(sample()), sample().expected);
		});
	}

	test('the French and the standard files hold the same month', () => {
		assert.deepEqual(french.expected, small.expected);
	});
});

describe('htmlDescriptions', () => {
	const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
	/** A parquet's descriptions, in file order. */
	const descriptions = (path: string) =>
		rows(
			`SELECT post_content, post_excerpt FROM read_parquet(${lit(path)}, file_row_number = true) ORDER BY file_row_number`,
		);
	const count = (text: string, piece: string) => text.split(piece).length - 1;

	test('off by default: the files are byte for byte those of the generator before the option existed', async () => {
		// Hashes of the 1500-row seed-42 csv files and expected.json, taken before htmlDescriptions was added.
		assert.deepEqual(
			{
				erp: sha256(small.files.erp.csv!),
				liaison: sha256(small.files.liaison.csv!),
				web: sha256(small.files.web.csv!),
				expected: sha256(small.expectedFile),
			},
			{
				erp: 'afd6d487d1174e34f1f308b59714e785a51e658bc2dc63aa2077150eb2f65235',
				liaison: '228eb3c522e6ac7089bab2c51a15cc4adc006153c87ab843daae067392bc6414',
				web: '71983ca4559d37cc75315d280cb5cd6ba9a75a1f868f072307dd8a8b4a9132c8',
				expected: '20e5c00f9b6a3faaf3f1c66bb99aee4ccb3071456cac8070970664efa7db714b',
			},
		);
		const off = await generateSample({
			webRows: 1500,
			seed: 42,
			outDir: dir('html-off'),
			formats: ['csv'],
			htmlDescriptions: false,
		});
		for (const name of NAMES)
			assert.ok(
				readFileSync(off.files[name].csv!).equals(readFileSync(small.files[name].csv!)),
				`${name}.csv with htmlDescriptions: false`,
			);
		const content = await one(
			`SELECT count(post_content)::INTEGER AS n, max(length(post_excerpt))::INTEGER AS longest FROM read_parquet(${lit(small.files.web.parquet!)})`,
		);
		assert.ok(content.n === 0 && (content.longest as number) < 500, JSON.stringify(content));
	});

	test('product rows carry long HTML in post_content (500–3000 characters) and post_excerpt (500–1500); other rows none', async () => {
		const web = lit(html.files.web.parquet!);
		const placed =
			await one(`SELECT count(*) FILTER (WHERE post_type = 'product' AND (post_content IS NULL OR post_excerpt IS NULL))::INTEGER AS missing,
			count(*) FILTER (WHERE post_type IS DISTINCT FROM 'product' AND (post_content IS NOT NULL OR post_excerpt IS NOT NULL))::INTEGER AS stray,
			count(post_content)::INTEGER AS n FROM read_parquet(${web})`);
		assert.deepEqual(placed, {
			missing: 0,
			stray: 0,
			n: html.shape.skus + html.shape.product_rows_without_sku,
		});
		const lengths =
			await one(`SELECT min(length(post_content))::INTEGER AS content_min, median(length(post_content))::INTEGER AS content_median,
			max(length(post_content))::INTEGER AS content_max, max(strlen(post_content))::INTEGER AS content_max_bytes,
			min(length(post_excerpt))::INTEGER AS excerpt_min, median(length(post_excerpt))::INTEGER AS excerpt_median,
			max(length(post_excerpt))::INTEGER AS excerpt_max FROM read_parquet(${web})`);
		const l = lengths as Record<string, number>;
		assert.ok(
			l.content_min >= 500 &&
				l.content_median >= 1200 &&
				l.content_max <= 3000 &&
				l.content_max_bytes <= 3 * 1024,
			JSON.stringify(l),
		);
		assert.ok(
			l.excerpt_min >= 500 && l.excerpt_median >= 700 && l.excerpt_max <= 1500,
			JSON.stringify(l),
		);

		const texts = (await descriptions(html.files.web.parquet!))
			.flatMap((r) => [r.post_content, r.post_excerpt])
			.filter((t): t is string => t !== null);
		for (const t of texts) {
			// What stresses a CSV writer and reader in every cell: newlines, double quotes, both delimiters.
			assert.ok(t.includes('\n') && t.includes('"') && t.includes(';') && t.includes(','), t);
			assert.ok(t.startsWith('<p><strong>') && !/\s$/.test(t), t);
			assert.ok(
				count(t, '<p>') >= 1 &&
					count(t, '<p>') === count(t, '</p>') &&
					count(t, '<ul') === count(t, '</ul>'),
				`balanced tags: ${t}`,
			);
			assert.ok(
				[...t].every((ch) => ch.charCodeAt(0) <= 0xff),
				'every character fits latin-1, for the French csv',
			);
		}
		const all = texts.join('');
		for (const piece of [
			'<br />\n',
			'<ul class="caracteristiques">',
			'<li>',
			'<h3>',
			'<blockquote>',
			'<span style="font-weight: 400;">',
			'[caption ',
			'<a href="',
			'&nbsp;',
			'&amp;',
			'&#8217;',
			'é',
			'«',
			'\n\n',
		]) {
			assert.ok(all.includes(piece), piece);
		}
		assert.ok(
			new Set(texts).size > 0.99 * texts.length,
			'descriptions differ from product to product',
		);
	});

	test('csv (standard and French), parquet and xlsx hold the same descriptions, row for row', async () => {
		const expected = await descriptions(html.files.web.parquet!);
		assert.equal(expected.length, 1500);
		const readers = {
			csv: `read_csv(${lit(html.files.web.csv!)}, header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')`,
			'csv, sniffed': `read_csv(${lit(html.files.web.csv!)}, all_varchar = true)`,
			'French csv': `read_csv(${lit(htmlFrench.files.web.csv!)}, header = true, all_varchar = true, quote = '"', escape = '"', delim = ';', encoding = 'latin-1')`,
		};
		for (const [label, reader] of Object.entries(readers)) {
			await db.run(`CREATE OR REPLACE TABLE csv_rows AS SELECT * FROM ${reader}`);
			const csv = await rows(`SELECT post_content, post_excerpt FROM csv_rows ORDER BY rowid`);
			assert.equal(csv.length, expected.length, `${label}: row count`);
			csv.forEach((row, r) => assert.deepEqual(row, expected[r], `${label} row ${r + 2}`));
		}

		// The sheet's XML is read directly: ExcelJS's reader decodes the entities of 'str' cells twice,
		// so a description's literal '&amp;' would come back as '&' (a reader quirk, not in the file).
		const sheet = strFromU8(
			unzipSync(readFileSync(html.files.web.xlsx!), {
				filter: (f) => f.name === 'xl/worksheets/sheet1.xml',
			})['xl/worksheets/sheet1.xml'],
		);
		const unescape = (xml: string) =>
			xml.replace(
				/&(lt|gt|quot|apos|amp);/g,
				(_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
			);
		const xlsx = [...sheet.matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/gs)]
			.slice(1)
			.map(([, , cells]) => {
				const value = (column: string) => {
					const match = new RegExp(`<c r="${column}\\d+" t="str"><v>([^<]*)</v></c>`).exec(cells);
					return match ? unescape(match[1]) : null;
				};
				return { post_content: value('L'), post_excerpt: value('N') };
			});
		assert.equal(xlsx.length, expected.length, 'xlsx: row count');
		xlsx.forEach((row, r) => assert.deepEqual(row, expected[r], `xlsx row ${r + 2}`));
	});

	test('the same figures, and every other column the same, as without the option; the same seed gives the same bytes', async () => {
		assert.deepEqual(html.expected, small.expected);
		assert.ok(readFileSync(html.expectedFile).equals(readFileSync(small.expectedFile)));
		await load(html, 'csv');
		assert.deepEqual(await figures(), small.expected, 'figures re-derived from the csv');
		await load(htmlFrench, 'csv', 'french');
		assert.deepEqual(await figures(true), small.expected, 'figures re-derived from the French csv');
		const others = (path: string) =>
			`SELECT * EXCLUDE (post_content, post_excerpt) FROM read_parquet(${lit(path)}, file_row_number = true)`;
		const differing = await one(
			`SELECT (SELECT count(*) FROM (${others(html.files.web.parquet!)} EXCEPT ALL ${others(small.files.web.parquet!)}))::INTEGER AS n`,
		);
		assert.equal(
			differing.n,
			0,
			'rows (with their position) that differ outside post_content and post_excerpt',
		);
		for (const name of ['erp', 'liaison'] as const)
			assert.ok(
				readFileSync(html.files[name].csv!).equals(readFileSync(small.files[name].csv!)),
				`${name}.csv`,
			);

		const again = await generateSample({
			webRows: 1500,
			seed: 42,
			outDir: dir('html-again'),
			formats: ['csv'],
			htmlDescriptions: true,
		});
		assert.ok(readFileSync(again.files.web.csv!).equals(readFileSync(html.files.web.csv!)));
		const other = await generateSample({
			webRows: 1500,
			seed: 43,
			outDir: dir('html-other'),
			formats: ['parquet'],
			htmlDescriptions: true,
		});
		const [a, b] = [
			await descriptions(html.files.web.parquet!),
			await descriptions(other.files.web.parquet!),
		];
		assert.notDeepEqual(
			a.filter((r) => r.post_content),
			b.filter((r) => r.post_content),
		);
	});
});
