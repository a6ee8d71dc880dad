import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { binaryPath } from './helpers/engine';
import { json, runNode } from './helpers/small';

const score = (rows: IDataObject[], parameters: IDataObject = {}) => runNode('premiumScore', { outputMode: 'table', ...parameters }, [rows]);
const stats = (result: Awaited<ReturnType<typeof score>>) => (json(result, 0)[0] as any).statistics;
const prices = (...values: Array<number | string | null>): IDataObject[] => values.map((price, i) => ({ id: i + 1, price }));

describe('Premium Score', () => {
	test('IQR fence on a hand-checked set: only 100 is above Q3 + 1.5 × IQR', async () => {
		// 1..5 and 100: quantile_cont gives Q1 = 2.25, Q3 = 4.75, IQR = 2.5, fence = 4.75 + 1.5 × 2.5 = 8.5
		const result = await score(prices(1, 2, 3, 4, 5, 100), { method: 'iqr' });
		const s = stats(result);
		assert.deepEqual([s.q1, s.q3, s.premiumFrom], [2.25, 4.75, 8.5]);
		assert.deepEqual([s.premiumCount, s.ordinaryCount], [1, 5]);
		assert.equal((json(result, 0)[0] as any).preview[0].premium_score, (100 - 4.75) / 2.5);
	});

	test('z-score: population by default, sample as an option, said in the output', async () => {
		const rows = prices(10, 10, 10, 10, 10, 10, 10, 10, 10, 40);
		const population = stats(await score(rows));
		const sample = stats(await score(rows, { deviation: 'sample' }));
		assert.equal(population.standardDeviation, 9);
		assert.equal(sample.standardDeviation.toFixed(4), '9.4868');
		assert.match(population.method, /population standard deviation/);
		assert.match(sample.method, /sample standard deviation/);
		assert.equal(population.premiumCount, 1, 'z of 40 = (40 − 13) / 9 = 3');
	});

	test('no rows: two empty outputs, no crash', async () => {
		const empty = await runNode('cleanTable', { outputMode: 'table', steps: { step: [{ stepType: 'filterRows', filterColumn: 'price', filterOperator: 'greaterThan', filterValue: '1000' }] } }, [prices(1, 2)]);
		const result = await runNode('premiumScore', { outputMode: 'table' }, [{ files: [{ path: binaryPath(empty.output('Node')[0]), fileName: 'empty.parquet' }] }]);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual([stats(result).premiumCount, stats(result).ordinaryCount], [0, 0]);
		assert.match(stats(result).notes.join(), /nothing was scored/);
	});

	test('one row and a constant column: spread 0, nobody premium, said so', async () => {
		for (const rows of [prices(42), prices(7, 7, 7)]) {
			const s = stats(await score(rows));
			assert.equal(s.premiumCount, 0);
			assert.equal(s.premiumFrom, null);
			assert.match(s.notes.join(), /spread 0/);
		}
	});

	test('nulls and text in the scored column are counted, excluded from scoring, and go to Ordinary', async () => {
		const result = await score(prices(10, 12, null, 'N/A', 11, 300, 9, 10, 11, 12, 10, 11));
		const s = stats(result);
		assert.deepEqual([s.rows, s.scoredRows, s.emptyRows, s.nonNumericRows], [12, 10, 1, 1]);
		assert.equal(s.premiumCount, 1);
		assert.equal(s.ordinaryCount, 11);
		assert.match(s.notes.join(), /2 row\(s\) without a numeric price \(1 empty, 1 not a number\)/);
	});

	test('absurd thresholds are refused with a message', async () => {
		const result = await score(prices(1, 2), { threshold: -1 });
		assert.match(result.error!.message, /Threshold -1 is not usable/);
	});

	test('French CSV: semicolons and decimal commas', async () => {
		const result = await score(prices(10.5, 11, 12, 10, 11, 12, 10, 11, 12, 300.25), { createCsv: true, csvOptions: { style: 'french' } });
		const text = readFileSync(binaryPath(result.output('Node', 0)[0], 'csv'), 'utf8');
		assert.match(text, /^id;price;premium_score\n10;300,25;/);
	});
});

describe('Revenue', () => {
	const SALES = [
		{ sku: 'A', price: 24.2, total_sales: 3 },
		{ sku: 'B', price: 0.1, total_sales: 3 },
		{ sku: 'A', price: 24.2, total_sales: 1 },
		{ sku: 'C', price: 'N/A', total_sales: 2 },
		{ sku: 'D', price: -5, total_sales: 1 },
	];

	test('exact decimal sums (0.1 × 3 = 0.30, not 0.30000000000000004), sorted, with shares', async () => {
		const result = await runNode('revenue', { outputMode: 'table' }, [SALES]);
		const summary = json(result)[0] as any;
		assert.equal(summary.statistics.totalRevenue, '92.10');
		assert.deepEqual(summary.preview.map((r: any) => [r.sku, r.revenue]), [['A', 72.6], ['A', 24.2], ['B', 0.3], ['D', -5], ['C', null]]);
		assert.equal(summary.columns.find((c: any) => c.name === 'revenue').type, 'DECIMAL(18,2)');
		assert.deepEqual([summary.statistics.rowsWithoutRevenue, summary.statistics.negativePriceRows], [1, 1]);
		assert.equal(summary.preview[0].cumulative_share, summary.preview[0].revenue_share);
	});

	test('grouped by key: one row per sku', async () => {
		const rows = json(await runNode('revenue', { groupBy: 'sku' }, [SALES]));
		assert.deepEqual(rows.map((r) => [r.sku, r.revenue, r.row_count]), [['A', 96.8, 2], ['B', 0.3, 1], ['D', -5, 1], ['C', null, 1]]);
		assert.equal((rows[3] as any).cumulative_share, null);
	});

	test('a missing price column names the columns found', async () => {
		const result = await runNode('revenue', { priceColumn: 'prix' }, [SALES]);
		assert.match(result.error!.message, /Column "prix" not found/);
		assert.match(result.error!.description!, /Columns found: sku, price, total_sales/);
	});
});
