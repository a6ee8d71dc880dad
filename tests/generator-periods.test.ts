/**
 * The generator's month-over-month history (scripts/sample-data/generator.ts: period, drift,
 * webVolumeFactor): 13 consecutive months of one shop from the same seed, each month's
 * expected.json re-derived here in DuckDB SQL from its files (the agreed process, as in
 * tests/generator.test.ts), the catalogue evolving a little from month to month, a planted web
 * volume drop, and the files of a call without `period` unchanged.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSample } from '../scripts/sample-data/generator';
import type {
	ExpectedFigures,
	GeneratedSample,
	SampleOptions,
} from '../scripts/sample-data/generator';

const NAMES = ['erp', 'liaison', 'web'] as const;
const SEED = 42;
const ROWS = 1513;
/** 2025-10 to 2026-10; the last month is generated with 60 % of its web rows. */
const PERIODS = Array.from({ length: 13 }, (_, k) => {
	const month = 2025 * 12 + 9 + k;
	return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
});
const DROPPED = PERIODS.length - 1;

const root = mkdtempSync(join(tmpdir(), 'generator-periods-'));
const dir = (name: string) => join(root, name);
const generate = (name: string, options: Partial<SampleOptions>) =>
	generateSample({ webRows: ROWS, seed: SEED, outDir: dir(name), formats: ['csv'], ...options });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** What the test reads back from each month's files. */
interface MonthFiles {
	sample: GeneratedSample;
	figures: ExpectedFigures;
	webRows: number;
	webSkus: Set<string>;
	/** product_id → id_web of the liaison rows with an id_web. */
	links: Map<string, string>;
	/** sku → ERP price of the merged rows. */
	prices: Map<string, number>;
	premium: Set<string>;
}

let months: MonthFiles[];
let fullLastMonth: GeneratedSample; // the last period with all its web rows
let instance: DuckDBInstance;
let db: DuckDBConnection;

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
	return (await db.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

/** Loads a month's csv files as text and re-derives its figures by the agreed process. */
async function readMonth(sample: GeneratedSample): Promise<MonthFiles> {
	for (const name of NAMES) {
		const reader = `read_csv(${lit(sample.files[name].csv!)}, header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')`;
		await db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM ${reader}`);
	}
	await db.run(`
		CREATE OR REPLACE TEMP VIEW e AS SELECT DISTINCT ON (product_id) product_id, CAST(price AS DECIMAL(18,2)) AS price FROM erp;
		CREATE OR REPLACE TEMP VIEW l AS SELECT DISTINCT ON (product_id) product_id, id_web FROM liaison;
		CREATE OR REPLACE TEMP VIEW w AS SELECT sku, CAST(total_sales AS BIGINT) AS total_sales, rowid AS pos FROM web WHERE sku IS NOT NULL AND trim(sku) <> '';
		CREATE OR REPLACE TEMP VIEW highest AS SELECT sku, total_sales FROM w QUALIFY row_number() OVER (PARTITION BY sku ORDER BY total_sales DESC) = 1;
		CREATE OR REPLACE TEMP VIEW first AS SELECT sku, total_sales FROM w QUALIFY row_number() OVER (PARTITION BY sku ORDER BY pos) = 1;
		CREATE OR REPLACE TEMP VIEW merged AS SELECT e.price, d.sku, d.total_sales FROM e JOIN l USING (product_id) JOIN highest d ON l.id_web = d.sku;
		CREATE OR REPLACE TEMP VIEW merged_first AS SELECT e.price, d.total_sales FROM e JOIN l USING (product_id) JOIN first d ON l.id_web = d.sku;
		CREATE OR REPLACE TEMP VIEW scored AS SELECT sku, price, (CAST(price AS DOUBLE) - avg(CAST(price AS DOUBLE)) OVER ()) / stddev_pop(CAST(price AS DOUBLE)) OVER () > 2 AS premium FROM merged;
	`);
	const [counts] = await rows(`SELECT
		(SELECT count(*) FROM e)::INTEGER AS erp_rows, (SELECT count(*) FROM l)::INTEGER AS liaison_rows,
		(SELECT count(*) FROM w)::INTEGER AS web_clean_rows, (SELECT count(*) FROM highest)::INTEGER AS web_dedup_rows,
		(SELECT count(*) FROM merged)::INTEGER AS merged_rows,
		(SELECT CAST(sum(price * total_sales) AS DECIMAL(38,2))::VARCHAR FROM merged) AS revenue_total,
		(SELECT count(*) FILTER (WHERE premium) FROM scored)::INTEGER AS premium_count,
		(SELECT count(*) FILTER (WHERE NOT premium) FROM scored)::INTEGER AS ordinary_count,
		(SELECT CAST(sum(price * total_sales) AS DECIMAL(38,2))::VARCHAR FROM merged_first) AS revenue_keep_first,
		(SELECT count(*) FROM web)::INTEGER AS web_rows`);
	const top = await rows(
		`SELECT sku, CAST(price * total_sales AS DECIMAL(38,2))::VARCHAR AS revenue FROM merged ORDER BY price * total_sales DESC LIMIT 2`,
	);
	assert.notEqual(top[0].revenue, top[1].revenue, 'the top product is unique');
	const { web_rows: webRows, ...figures } = counts;
	const scored = await rows(`SELECT sku, CAST(price AS DOUBLE) AS price, premium FROM scored`);
	const links = await rows(`SELECT product_id, id_web FROM liaison WHERE id_web IS NOT NULL`);
	const skus = await rows(`SELECT DISTINCT sku FROM w`);
	return {
		sample,
		figures: {
			...figures,
			top_product: { sku: top[0].sku, revenue: top[0].revenue },
		} as ExpectedFigures,
		webRows: webRows as number,
		webSkus: new Set(skus.map((r) => r.sku as string)),
		links: new Map(links.map((r) => [r.product_id as string, r.id_web as string])),
		prices: new Map(scored.map((r) => [r.sku as string, r.price as number])),
		premium: new Set(scored.filter((r) => r.premium).map((r) => r.sku as string)),
	};
}

/** Keys of `a` absent from `b`. */
const missing = <T>(a: Iterable<T>, b: { has(key: T): boolean }) =>
	[...a].filter((key) => !b.has(key));

before(async () => {
	instance = await DuckDBInstance.create(':memory:');
	db = await instance.connect();
	const started = performance.now();
	const samples: GeneratedSample[] = [];
	for (const [k, period] of PERIODS.entries())
		samples.push(
			await generate(period, { period, webVolumeFactor: k === DROPPED ? 0.6 : undefined }),
		);
	console.log(
		`# ${PERIODS.length} months of ${ROWS} web rows generated in ${((performance.now() - started) / 1000).toFixed(2)} s`,
	);
	fullLastMonth = await generate('full-last-month', { period: PERIODS[DROPPED] });
	months = [];
	for (const sample of samples) months.push(await readMonth(sample));
});
after(() => {
	db?.closeSync();
	instance?.closeSync();
	rmSync(root, { recursive: true, force: true });
});

describe('13 consecutive months of one shop', () => {
	test("each month's expected.json is what its files hold, named with its period", () => {
		for (const [k, month] of months.entries()) {
			const { period, ...figures } = month.sample.expected;
			assert.equal(period, PERIODS[k]);
			assert.deepEqual(figures, month.figures, PERIODS[k]);
			assert.deepEqual(
				JSON.parse(readFileSync(month.sample.expectedFile, 'utf8')),
				month.sample.expected,
				`${PERIODS[k]}: expected.json on disk`,
			);
			assert.equal(month.sample.shape.period, PERIODS[k]);
		}
	});

	test('from month to month a few products are listed and a few delisted; the others keep their product_id and sku', () => {
		for (let k = 1; k < months.length; k++) {
			const [before, now] = [months[k - 1], months[k]];
			const label = `${PERIODS[k - 1]} → ${PERIODS[k]}`;
			const listed = missing(now.links.keys(), before.links);
			const delisted = missing(before.links.keys(), now.links);
			for (const changed of [listed, delisted])
				assert.ok(
					changed.length >= 1 && changed.length <= 0.05 * now.links.size,
					`${label}: ${listed.length} listed, ${delisted.length} delisted of ${now.links.size}`,
				);
			assert.equal(listed.length, now.sample.shape.new_products, label);
			assert.equal(delisted.length, now.sample.shape.gone_products, label);
			for (const [productId, idWeb] of now.links)
				if (before.links.has(productId))
					assert.equal(
						idWeb,
						before.links.get(productId),
						`${label}: product ${productId}'s id_web`,
					);
			if (k === DROPPED) continue; // the month with the volume drop has fewer skus on the web
			const newSkus = missing(now.webSkus, before.webSkus);
			const goneSkus = missing(before.webSkus, now.webSkus);
			assert.ok(
				newSkus.length >= 1 &&
					goneSkus.length >= 1 &&
					newSkus.length + goneSkus.length <= 0.1 * now.webSkus.size,
				`${label}: ${newSkus.length} new skus, ${goneSkus.length} gone`,
			);
		}
	});

	test('prices drift by a few percent, and some products cross the premium threshold in or out', () => {
		let moved = 0;
		let crossings = 0;
		for (let k = 1; k < months.length; k++) {
			const [before, now] = [months[k - 1], months[k]];
			for (const [sku, price] of now.prices) {
				const previous = before.prices.get(sku);
				if (previous === undefined) continue;
				// Both prices are within ±3 % of the list price, each rounded to 10 cents (and, rarely, nudged 10 cents off a z-score of 2).
				assert.ok(
					Math.abs(price - previous) <= 0.062 * previous + 0.2,
					`${sku}: ${previous} → ${price}`,
				);
				if (price !== previous) moved++;
				if (before.premium.has(sku) !== now.premium.has(sku)) crossings++;
			}
		}
		assert.ok(moved > 0.5 * months[0].prices.size * (months.length - 1), `${moved} price moves`);
		assert.ok(crossings >= 1, 'a product that stays listed changes premium status at least once');
		const distinct = new Set(months.map((m) => [...m.premium].sort().join()));
		assert.ok(distinct.size > 1, 'the premium sets are not all the same');
		const sales = new Set(months.map((m) => m.sample.expected.revenue_total));
		assert.equal(sales.size, months.length, 'every month has its own revenue');
	});

	test("webVolumeFactor 0.6: the last month has ~60 % of the month before's web rows, the same ERP and liaison as without it", () => {
		const [before, dropped] = [months[DROPPED - 1], months[DROPPED]];
		const share = dropped.webRows / before.webRows;
		assert.ok(
			Math.abs(share - 0.6) <= 0.05,
			`web rows ${dropped.webRows} / ${before.webRows} = ${share}`,
		);
		assert.equal(dropped.sample.shape.web_rows, dropped.webRows);
		for (const name of ['erp', 'liaison'] as const)
			assert.ok(
				readFileSync(dropped.sample.files[name].csv!).equals(
					readFileSync(fullLastMonth.files[name].csv!),
				),
				`${name}.csv`,
			);
		const full = fullLastMonth.expected;
		assert.ok(
			dropped.sample.expected.merged_rows < 0.7 * full.merged_rows,
			`merged rows ${dropped.sample.expected.merged_rows} of ${full.merged_rows}`,
		);
		assert.ok(Number(dropped.sample.expected.revenue_total) < Number(full.revenue_total));
	});
});

describe('calls without period', () => {
	test('write byte for byte the files of the generator before periods existed', async () => {
		// sha256 of the csv files and expected.json written by the generator at c327c9b, before period, drift and webVolumeFactor.
		const cases: Array<[Partial<SampleOptions>, Record<string, string>]> = [
			[
				{},
				{
					erp: '72e692329a9b0041e55c6a414e2417b037bfedb44ff27fa78751af556899bf64',
					liaison: 'e2b2ecc58f2081061faf02b3de3473bf8f0d5fdf952efb6e50fe5078700340c5',
					web: '2fc85314ba7a0313635a52ce36636bb557b8810fddfb1c3874acc55b582d2f42',
					expected: '09b947f5a358b28cbe587ad656025b27f6574ff78f4d28838d8863704365200a',
				},
			],
			[
				{ webRows: 400, seed: 7, variant: '2020', csvStyle: 'french', htmlDescriptions: true },
				{
					erp: 'a87c3ca4144569ec6d758faec423bcdb06bf3e4e993a7ba058033ca1203c6afd',
					liaison: '59d1003bc0101478dbf36d9624a9bca172a01b8a4940cfa750c06633bbc32d80',
					web: 'c8e3e3627e34e6a9fa56cac142ea40bab40bf84f75d979c97d11c6fadfb075e9',
					expected: '767e1913318f1cbf9a0300091ed79d07d1e03b1391c874a26f3af32ae65001f9',
				},
			],
		];
		for (const [k, [options, hashes]] of cases.entries()) {
			const sample = await generate(`no-period-${k}`, options);
			assert.deepEqual(
				{
					...Object.fromEntries(NAMES.map((name) => [name, sha256(sample.files[name].csv!)])),
					expected: sha256(sample.expectedFile),
				},
				hashes,
				JSON.stringify(options),
			);
			assert.equal(sample.shape.period, undefined);
		}
	});

	test('month 0 (period = drift.baseline) is the month without period, named', async () => {
		const plain = await generate('month-0-plain', {});
		const named = await generate('month-0', { period: '2024-03', drift: { baseline: '2024-03' } });
		for (const name of NAMES)
			assert.ok(
				readFileSync(named.files[name].csv!).equals(readFileSync(plain.files[name].csv!)),
				`${name}.csv`,
			);
		assert.deepEqual(named.expected, { period: '2024-03', ...plain.expected });
		assert.deepEqual(
			[named.shape.months_since_baseline, named.shape.new_products, named.shape.gone_products],
			[0, 0, 0],
		);
	});
});

describe('determinism and options', () => {
	test('the same seed and period give the same bytes; another seed another month', async () => {
		const period = PERIODS[5];
		const again = await generate('again', { period });
		for (const name of NAMES)
			assert.ok(
				readFileSync(again.files[name].csv!).equals(
					readFileSync(months[5].sample.files[name].csv!),
				),
				`${name}.csv`,
			);
		const other = await generate('other-seed', { period, seed: SEED + 1 });
		assert.ok(!readFileSync(other.files.web.csv!).equals(readFileSync(again.files.web.csv!)));
	});

	test('drift knobs: no churn keeps the catalogue, and bad values are refused', async () => {
		const still = await generate('no-churn', {
			period: '2021-02',
			drift: { churn: 0, priceDrift: 0 },
		});
		const month0 = await generate('no-churn-0', { period: '2020-08' });
		assert.ok(
			readFileSync(still.files.liaison.csv!).equals(readFileSync(month0.files.liaison.csv!)),
			'the same products, the same links',
		);
		assert.ok(
			!readFileSync(still.files.web.csv!).equals(readFileSync(month0.files.web.csv!)),
			'yet other sales',
		);
		for (const options of [
			{ period: '2025-13' },
			{ period: '2019-12' },
			{ period: '2025-01', drift: { baseline: '2025-02' } },
			{ drift: { churn: 0.01 } },
			{ period: '2025-01', drift: { churn: 0.9 } },
			{ period: '2025-01', drift: { priceDrift: -0.1 } },
			{ webVolumeFactor: 0 },
			{ webVolumeFactor: 1.2 },
			{ webRows: 30, webVolumeFactor: 0.5 },
		] as Array<Partial<SampleOptions>>) {
			await assert.rejects(generate('refused', options), RangeError, JSON.stringify(options));
		}
	});
});
