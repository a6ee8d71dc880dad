/**
 * The month-over-month comparison on real DuckDB: exact money to the cent, products that came,
 * went and changed premium, the top movers, row volumes, the same month a year before, and the
 * lines a person reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckSession } from '../nodes/shared/duckdb';
import { comparePeriods, type Side } from '../nodes/shared/history/compare';
import type { PeriodRun } from '../nodes/shared/history/types';
import { quoteIdentifier } from '../nodes/shared/sql';

/** product_key, label, revenue (exact text), premium. */
type Product = [string, string | null, string, boolean];

let session: DuckSession;
before(async () => {
	session = await DuckSession.open();
});
after(async () => {
	await session.close();
	assert.equal(DuckSession.openCount, 0);
});

let relations = 0;

/** A products relation with PRODUCT_COLUMNS, every value bound; price and quantity are not compared. */
async function products(rows: Product[], name = `products_${++relations}`): Promise<string> {
	const relation = quoteIdentifier(name);
	const columns =
		'product_key VARCHAR, label VARCHAR, price DECIMAL(18,2), quantity DOUBLE, revenue DECIMAL(38,2), premium BOOLEAN';
	if (!rows.length) {
		await session.run(`CREATE TEMP TABLE ${relation} (${columns})`);
		return relation;
	}
	const values = rows
		.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`)
		.join(', ');
	await session.run(
		`CREATE TEMP TABLE ${relation} AS SELECT CAST(k AS VARCHAR) AS product_key, CAST(l AS VARCHAR) AS label, CAST(1 AS DECIMAL(18,2)) AS price, ` +
			`CAST(1 AS DOUBLE) AS quantity, CAST(r AS DECIMAL(38,2)) AS revenue, CAST(p AS BOOLEAN) AS premium FROM (VALUES ${values}) AS t(k, l, r, p)`,
		rows.flat(),
	);
	return relation;
}

function run(period: string, figures: PeriodRun['figures'] = {}): PeriodRun {
	return { period, figures, checks: [], startedAt: `${period}-28T06:00:00Z`, durationMs: 1000 };
}

async function side(
	period: string,
	rows: Product[],
	figures: PeriodRun['figures'] = {},
): Promise<Side> {
	return { run: run(period, figures), products: await products(rows) };
}

/** The comparison table's rows in its order, money as exact text. */
async function tableRows(table: string) {
	return await session.jsonRows(
		`SELECT product_key, label, CAST(revenue AS VARCHAR) AS revenue, CAST(revenue_previous AS VARCHAR) AS revenue_previous, ` +
			`CAST(revenue_change AS VARCHAR) AS revenue_change, revenue_change_percent, status, premium, premium_previous, premium_change FROM ${table} ORDER BY rowid`,
	);
}

const comparisonTables = () =>
	session.count(
		`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'history_comparison_%'`,
	);

// Previous month: a 100.10, b 200.20 (premium), c 0.10, g 50.00 (premium, gone), z 0.00.
// This month: a 100.30, b 150.00 (premium), c 0.30 (now premium), n 1000.00 (new, premium), z 5.00.
const previousProducts: Product[] = [
	['a', 'Alpha', '100.10', false],
	['b', 'Beta', '200.20', true],
	['c', 'Gamma', '0.10', false],
	['g', 'Gone one', '50.00', true],
	['z', 'Zero', '0.00', false],
];
const currentProducts: Product[] = [
	['a', 'Alpha', '100.30', false],
	['b', 'Beta', '150.00', true],
	['c', 'Gamma', '0.30', true],
	['n', 'New one', '1000.00', true],
	['z', 'Zero', '5.00', false],
];
const currentFigures = {
	erp_rows: 1000,
	liaison_rows: 50,
	web_clean_rows: 700,
	revenue_total: '1255.60',
	premium_count: 3,
};
const previousFigures = {
	erp_rows: 800,
	liaison_rows: 50,
	merged_rows: 40,
	revenue_total: '350.40',
	premium_count: 2,
};

describe('comparePeriods', () => {
	test('the comparison table: one row per product of either month, exact changes, status and premium change, by change', async () => {
		const comparison = await comparePeriods(
			session,
			await side('2026-10', currentProducts),
			await side('2026-09', previousProducts),
			undefined,
		);
		assert.deepEqual(await tableRows(comparison.table), [
			{
				product_key: 'n',
				label: 'New one',
				revenue: '1000.00',
				revenue_previous: null,
				revenue_change: '1000.00',
				revenue_change_percent: null,
				status: 'new',
				premium: true,
				premium_previous: null,
				premium_change: 'in',
			},
			{
				product_key: 'z',
				label: 'Zero',
				revenue: '5.00',
				revenue_previous: '0.00',
				revenue_change: '5.00',
				revenue_change_percent: null,
				status: 'kept',
				premium: false,
				premium_previous: false,
				premium_change: null,
			},
			{
				product_key: 'a',
				label: 'Alpha',
				revenue: '100.30',
				revenue_previous: '100.10',
				revenue_change: '0.20',
				revenue_change_percent: (0.2 / 100.1) * 100,
				status: 'kept',
				premium: false,
				premium_previous: false,
				premium_change: null,
			},
			{
				product_key: 'c',
				label: 'Gamma',
				revenue: '0.30',
				revenue_previous: '0.10',
				revenue_change: '0.20',
				revenue_change_percent: 200,
				status: 'kept',
				premium: true,
				premium_previous: false,
				premium_change: 'in',
			},
			{
				product_key: 'g',
				label: 'Gone one',
				revenue: null,
				revenue_previous: '50.00',
				revenue_change: '-50.00',
				revenue_change_percent: -100,
				status: 'gone',
				premium: null,
				premium_previous: true,
				premium_change: 'out',
			},
			{
				product_key: 'b',
				label: 'Beta',
				revenue: '150.00',
				revenue_previous: '200.20',
				revenue_change: '-50.20',
				revenue_change_percent: (-50.2 / 200.2) * 100,
				status: 'kept',
				premium: true,
				premium_previous: true,
				premium_change: null,
			},
		]);
		const types = await session.rows(
			`SELECT column_name, column_type FROM (DESCRIBE ${comparison.table})`,
		);
		assert.deepEqual(Object.fromEntries(types.map((row) => [row.column_name, row.column_type])), {
			product_key: 'VARCHAR',
			label: 'VARCHAR',
			revenue: 'DECIMAL(38,2)',
			revenue_previous: 'DECIMAL(38,2)',
			revenue_change: 'DECIMAL(38,2)',
			revenue_change_percent: 'DOUBLE',
			status: 'VARCHAR',
			premium: 'BOOLEAN',
			premium_previous: 'BOOLEAN',
			premium_change: 'VARCHAR',
		});
		// A missing side counts as 0: the product changes add up to the change of the totals, to the cent.
		assert.equal(
			await session.value(`SELECT CAST(sum(revenue_change) AS VARCHAR) FROM ${comparison.table}`),
			comparison.summary.revenue_change,
		);
		assert.match(comparison.table, /^"history_comparison_[0-9a-f-]+"$/);
	});

	test('the summary: exact totals and change, percent to 1 decimal, premium in/out, new and gone, movers, volume', async () => {
		const { summary } = await comparePeriods(
			session,
			await side('2026-10', currentProducts, currentFigures),
			await side('2026-09', previousProducts, previousFigures),
			undefined,
		);
		assert.deepEqual(summary, {
			period: '2026-10',
			previous_period: '2026-09',
			revenue_total: '1255.60',
			revenue_total_previous: '350.40',
			revenue_change: '905.20',
			revenue_change_percent: 258.3,
			premium_in: ['c', 'n'],
			premium_out: ['g'],
			new_products: 1,
			gone_products: 1,
			top_risers: [
				{ product_key: 'n', label: 'New one', revenue_change: '1000.00' },
				{ product_key: 'z', label: 'Zero', revenue_change: '5.00' },
				{ product_key: 'a', label: 'Alpha', revenue_change: '0.20' },
			],
			top_fallers: [
				{ product_key: 'b', label: 'Beta', revenue_change: '-50.20' },
				{ product_key: 'g', label: 'Gone one', revenue_change: '-50.00' },
			],
			// web_clean_rows is only in this month, merged_rows only in the last: neither is compared.
			volume: {
				erp_rows: { rows: 1000, rows_previous: 800, change_percent: 25 },
				liaison_rows: { rows: 50, rows_previous: 50, change_percent: 0 },
			},
			year_ago: null,
		});
		assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'plain JSON');
	});

	test('the lines a person reads, rounded, with the currency on the total', async () => {
		const { lines } = await comparePeriods(
			session,
			await side('2026-10', currentProducts, currentFigures),
			await side('2026-09', previousProducts, previousFigures),
			undefined,
			{ currency: 'EUR' },
		);
		assert.deepEqual(lines, [
			'Revenue €1,255.60, +€905.20 (+258.3%) on 2026-09',
			'Top risers: New one +€1,000.00, Zero +€5.00, Alpha +€0.20',
			'Top fallers: Beta -€50.20, Gone one -€50.00',
			'Premium in: 2 (New one, Gamma), out: 1 (Gone one)',
			'Products: 1 new, 1 gone',
			'Rows: erp 1,000 (+25%), liaison 50 (0%)',
		]);
	});

	test('the lines in the reader’s locale: fr-FR and EUR', async () => {
		const { lines } = await comparePeriods(
			session,
			await side('2026-10', currentProducts, currentFigures),
			await side('2026-09', previousProducts, previousFigures),
			undefined,
			{ currency: 'EUR', locale: 'fr-FR' },
		);
		assert.equal(
			lines[0],
			'Revenue 1\u202f255,60\u00a0€, +905,20\u00a0€ (+258,3\u00a0%) on 2026-09',
		);
		assert.equal(lines[2], 'Top fallers: Beta -50,20\u00a0€, Gone one -50,00\u00a0€');
		await assert.rejects(
			comparePeriods(session, await side('2026-10', currentProducts), undefined, undefined, {
				locale: 'not a locale',
			}),
			/"not a locale" is not a locale tag/,
		);
	});

	test('money that breaks doubles stays exact: 0.10 + 0.20 against 0.30 is a change of 0.00, 0 %', async () => {
		const { table, summary, lines } = await comparePeriods(
			session,
			await side('2026-10', [
				['p1', 'One', '0.10', false],
				['p2', 'Two', '0.20', false],
			]),
			await side('2026-09', [['p1', 'One', '0.30', false]]),
			undefined,
		);
		assert.deepEqual(
			[
				summary.revenue_total,
				summary.revenue_total_previous,
				summary.revenue_change,
				summary.revenue_change_percent,
			],
			['0.30', '0.30', '0.00', 0],
		);
		assert.deepEqual(
			(await tableRows(table)).map((row) => [row.product_key, row.revenue_change]),
			[
				['p2', '0.20'],
				['p1', '-0.20'],
			],
		);
		assert.equal(lines[0], 'Revenue 0.30, 0.00 (0%) on 2026-09');
		// Sums of many cents: 0.01 × 10,000 against 0.03 × 1,000 is exactly 70.00.
		const many = (count: number, cents: string) =>
			Array.from({ length: count }, (_, i): Product => [`k${i}`, null, cents, false]);
		const exact = await comparePeriods(
			session,
			await side('2026-10', many(10_000, '0.01')),
			await side('2026-09', many(1000, '0.03')),
			undefined,
		);
		assert.deepEqual(
			[
				exact.summary.revenue_total,
				exact.summary.revenue_total_previous,
				exact.summary.revenue_change,
				exact.summary.revenue_change_percent,
			],
			['100.00', '30.00', '70.00', 233.3],
		);
		assert.deepEqual([exact.summary.new_products, exact.summary.gone_products], [9000, 0]);
	});

	test('a previous total of 0: no percentage, said without one', async () => {
		const { summary, lines } = await comparePeriods(
			session,
			await side('2026-10', [['a', 'A', '12.34', false]]),
			await side('2026-09', [['a', 'A', '0.00', false]]),
			undefined,
		);
		assert.deepEqual([summary.revenue_change, summary.revenue_change_percent], ['12.34', null]);
		assert.equal(lines[0], 'Revenue 12.34, +12.34 on 2026-09');
	});

	test('top: how many risers, fallers and premium labels are named', async () => {
		const current = await side('2026-10', currentProducts);
		const previous = await side('2026-09', previousProducts);
		const one = await comparePeriods(session, current, previous, undefined, { top: 1 });
		assert.deepEqual(
			one.summary.top_risers.map((product) => product.product_key),
			['n'],
		);
		assert.deepEqual(
			one.summary.top_fallers.map((product) => product.product_key),
			['b'],
		);
		assert.deepEqual(one.summary.premium_in, ['c', 'n'], 'every key, whatever the top');
		assert.ok(
			one.lines.includes('Premium in: 2 (New one and 1 more), out: 1 (Gone one)'),
			one.lines.join('\n'),
		);
		const none = await comparePeriods(session, current, previous, undefined, { top: 0 });
		assert.deepEqual([none.summary.top_risers, none.summary.top_fallers], [[], []]);
		assert.ok(!none.lines.some((line) => /^Top /.test(line)));
		assert.ok(none.lines.includes('Premium in: 2, out: 1'), none.lines.join('\n'));
		const all = await comparePeriods(session, current, previous, undefined, { top: 10 });
		assert.deepEqual(
			all.summary.top_risers.map((product) => product.product_key),
			['n', 'z', 'a', 'c'],
			'only products that rose, ties by key',
		);
		assert.deepEqual(
			all.summary.top_fallers.map((product) => product.product_key),
			['b', 'g'],
			'only products that fell, most first',
		);
		const tables = await comparisonTables();
		await assert.rejects(
			comparePeriods(session, current, previous, undefined, { top: -1 }),
			RangeError,
		);
		await assert.rejects(
			comparePeriods(session, current, previous, undefined, { top: 1.5 }),
			RangeError,
		);
		assert.equal(await comparisonTables(), tables);
	});

	test('the same month a year before: total, exact change and percent, and its line', async () => {
		const current = await side('2026-10', currentProducts);
		const { summary, lines } = await comparePeriods(
			session,
			current,
			await side('2026-09', previousProducts),
			await side('2025-10', [
				['a', 'Alpha', '600.00', false],
				['old', 'Old', '400.00', true],
			]),
			{ currency: 'EUR' },
		);
		assert.deepEqual(summary.year_ago, {
			period: '2025-10',
			revenue_total: '1000.00',
			revenue_change: '255.60',
			revenue_change_percent: 25.6,
		});
		assert.equal(lines.at(-1), 'Same month last year (2025-10): €1,000.00, now +€255.60 (+25.6%)');
		// Only the totals are compared: the year-ago products make no new, gone or premium change.
		assert.deepEqual(
			[summary.new_products, summary.gone_products, summary.premium_out],
			[1, 1, ['g']],
		);
		const without = await comparePeriods(
			session,
			current,
			await side('2026-09', previousProducts),
			undefined,
		);
		assert.equal(without.summary.year_ago, null);
		assert.ok(!without.lines.some((line) => line.startsWith('Same month last year')));
		const fell = await comparePeriods(
			session,
			current,
			undefined,
			await side('2025-10', [['a', 'Alpha', '2000.00', false]]),
		);
		assert.deepEqual(fell.summary.year_ago, {
			period: '2025-10',
			revenue_total: '2000.00',
			revenue_change: '-744.40',
			revenue_change_percent: -37.2,
		});
		assert.equal(
			fell.lines.at(-1),
			'Same month last year (2025-10): 2,000.00, now -744.40 (-37.2%)',
		);
	});

	test('no previous period: the table lists the current products with no comparison, the summary says nothing changed', async () => {
		const { table, summary, lines } = await comparePeriods(
			session,
			await side('2026-10', currentProducts, currentFigures),
			undefined,
			undefined,
			{ currency: 'EUR' },
		);
		const rows = await tableRows(table);
		assert.deepEqual(
			rows.map((row) => row.product_key),
			['n', 'b', 'a', 'z', 'c'],
			'by revenue',
		);
		assert.ok(
			rows.every(
				(row) =>
					row.status === null &&
					row.revenue_previous === null &&
					row.revenue_change === null &&
					row.revenue_change_percent === null &&
					row.premium_change === null,
			),
		);
		assert.deepEqual(
			rows.map((row) => row.premium),
			[true, true, false, false, true],
		);
		assert.deepEqual(summary, {
			period: '2026-10',
			previous_period: null,
			revenue_total: '1255.60',
			revenue_total_previous: null,
			revenue_change: null,
			revenue_change_percent: null,
			premium_in: [],
			premium_out: [],
			new_products: 0,
			gone_products: 0,
			top_risers: [],
			top_fallers: [],
			volume: {},
			year_ago: null,
		});
		assert.deepEqual(lines, ['Revenue €1,255.60; no earlier period recorded']);
	});

	test('empty months: totals of 0.00, nothing new or gone', async () => {
		const { table, summary, lines } = await comparePeriods(
			session,
			await side('2026-10', []),
			await side('2026-09', []),
			undefined,
		);
		assert.equal(await session.count(`SELECT count(*) FROM ${table}`), 0);
		assert.deepEqual(
			[
				summary.revenue_total,
				summary.revenue_total_previous,
				summary.revenue_change,
				summary.revenue_change_percent,
			],
			['0.00', '0.00', '0.00', null],
		);
		assert.deepEqual(lines, [
			'Revenue 0.00, 0.00 on 2026-09',
			'Premium in: 0, out: 0',
			'Products: 0 new, 0 gone',
		]);
	});

	test('labels with quotes and unicode, and relations with such names, pass as given', async () => {
		const key = `k'1"; DROP TABLE x; --`;
		const label = `Crème "brûlée" l'été 🍮 <b>&</b>`;
		const current = {
			run: run('2026-10'),
			products: await products(
				[
					[key, label, '10.00', true],
					['plain', null, '1.00', false],
				],
				`this month's "products" ✓`,
			),
		};
		const previous = {
			run: run('2026-09'),
			products: await products(
				[
					[key, 'old label', '4.00', false],
					['plain', 'Earlier label', '3.00', false],
					['nolabel', null, '1.00', false],
				],
				'last month',
			),
		};
		const { table, summary, lines } = await comparePeriods(session, current, previous, undefined);
		assert.deepEqual(
			(await tableRows(table)).map((row) => [row.product_key, row.label]),
			[
				[key, label],
				['nolabel', null],
				['plain', 'Earlier label'],
			],
		);
		assert.deepEqual(summary.top_risers, [{ product_key: key, label, revenue_change: '6.00' }]);
		assert.deepEqual(summary.premium_in, [key]);
		assert.ok(lines.includes(`Top risers: ${label} +6.00`), lines.join('\n'));
		assert.ok(
			lines.includes('Top fallers: Earlier label -2.00, nolabel -1.00'),
			'the label of the previous month, else the key',
		);
		assert.ok(lines.includes(`Premium in: 1 (${label}), out: 0`), lines.join('\n'));
	});

	test('a comparison that fails half-way leaves no table behind', async () => {
		const tables = await comparisonTables();
		const missing = { run: run('2025-10'), products: quoteIdentifier('no such table') };
		await assert.rejects(
			comparePeriods(
				session,
				await side('2026-10', currentProducts),
				await side('2026-09', previousProducts),
				missing,
			),
			/no such table/,
		);
		assert.equal(await comparisonTables(), tables);
	});

	test('runs in a confined session, as a node runs it', async () => {
		const confined = await DuckSession.open({ confined: true });
		try {
			await confined.run(
				`CREATE TEMP TABLE "now" AS SELECT 'a' AS product_key, 'A' AS label, 1.00::DECIMAL(18,2) AS price, 1.0 AS quantity, 3.10::DECIMAL(38,2) AS revenue, true AS premium`,
			);
			await confined.run(
				`CREATE TEMP TABLE "before" AS SELECT 'a' AS product_key, 'A' AS label, 1.00::DECIMAL(18,2) AS price, 1.0 AS quantity, 1.00::DECIMAL(38,2) AS revenue, false AS premium`,
			);
			const { summary } = await comparePeriods(
				confined,
				{ run: run('2026-10'), products: '"now"' },
				{ run: run('2026-09'), products: '"before"' },
				undefined,
			);
			assert.deepEqual(
				[summary.revenue_change, summary.revenue_change_percent, summary.premium_in],
				['2.10', 210, ['a']],
			);
		} finally {
			await confined.close();
		}
	});

	test('200,000 products a side: completes, and the counts are right', async () => {
		// This month: keys 0..199,999, revenue (i mod 1000 + 1) cents, premium every 10th.
		// Last month: keys 50,000..249,999, revenue (i mod 500 + 2) cents, premium every 7th.
		const size = 200_000;
		await session.run(
			`CREATE TEMP TABLE "big_now" AS SELECT CAST(i AS VARCHAR) AS product_key, 'Product ' || i AS label, CAST(1 AS DECIMAL(18,2)) AS price, 1.0 AS quantity, ` +
				`CAST((i % 1000 + 1) / 100 AS DECIMAL(38,2)) AS revenue, i % 10 = 0 AS premium FROM range(0, $1) AS t(i)`,
			[size],
		);
		await session.run(
			`CREATE TEMP TABLE "big_before" AS SELECT CAST(i AS VARCHAR) AS product_key, 'Product ' || i AS label, CAST(1 AS DECIMAL(18,2)) AS price, 1.0 AS quantity, ` +
				`CAST((i % 500 + 2) / 100 AS DECIMAL(38,2)) AS revenue, i % 7 = 0 AS premium FROM range(50000, 50000 + $1) AS t(i)`,
			[size],
		);
		const { table, summary } = await comparePeriods(
			session,
			{ run: run('2026-10'), products: '"big_now"' },
			{ run: run('2026-09'), products: '"big_before"' },
			undefined,
		);
		let [nowCents, beforeCents, premiumIn, premiumOut] = [0n, 0n, 0, 0];
		for (let i = 0; i < 250_000; i++) {
			const now = i < size;
			const before = i >= 50_000;
			if (now) nowCents += BigInt((i % 1000) + 1);
			if (before) beforeCents += BigInt((i % 500) + 2);
			const premiumNow = now && i % 10 === 0;
			const premiumBefore = before && i % 7 === 0;
			if (premiumNow && !premiumBefore) premiumIn++;
			if (premiumBefore && !premiumNow) premiumOut++;
		}
		const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
		assert.equal(await session.count(`SELECT count(*) FROM ${table}`), 250_000);
		assert.deepEqual([summary.new_products, summary.gone_products], [50_000, 50_000]);
		assert.deepEqual(
			[summary.revenue_total, summary.revenue_total_previous, summary.revenue_change],
			[money(nowCents), money(beforeCents), money(nowCents - beforeCents)],
		);
		assert.deepEqual(
			[summary.premium_in.length, summary.premium_out.length],
			[premiumIn, premiumOut],
		);
		assert.equal(summary.top_risers.length, 3);
		assert.equal(summary.top_fallers.length, 3);
	});
});
