import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { readFileSync } from 'node:fs';
import { binaryPath } from './helpers/engine';
import { json, runNode } from './helpers/small';

const score = (rows: IDataObject[], parameters: IDataObject = {}) =>
	runNode('premiumScore', { outputMode: 'table', ...parameters }, [rows]);
const stats = (result: Awaited<ReturnType<typeof score>>) => (json(result, 0)[0] as any).statistics;
const prices = (...values: Array<number | string | null>): IDataObject[] =>
	values.map((price, i) => ({ id: i + 1, price }));

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
		const empty = await runNode(
			'cleanTable',
			{
				outputMode: 'table',
				steps: {
					step: [
						{
							stepType: 'filterRows',
							filterColumn: 'price',
							filterOperator: 'greaterThan',
							filterValue: '1000',
						},
					],
				},
			},
			[prices(1, 2)],
		);
		const result = await runNode('premiumScore', { outputMode: 'table' }, [
			{ files: [{ path: binaryPath(empty.output('Node')[0]), fileName: 'empty.parquet' }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual([stats(result).premiumCount, stats(result).ordinaryCount], [0, 0]);
		assert.match(stats(result).notes.join(), /nothing was scored/);
	});

	test('one row, with either deviation: ordinary, empty score, said so', async () => {
		for (const deviation of ['population', 'sample']) {
			const result = await score(prices(42), { deviation });
			const s = stats(result);
			assert.deepEqual([s.premiumCount, s.ordinaryCount, s.premiumFrom], [0, 1, null]);
			assert.equal((json(result, 1)[0] as any).preview[0].premium_score, null);
			assert.match(s.notes.join(), /only one row has a numeric price/);
		}
	});

	test('a constant column: standard deviation 0, empty z-scores, nobody premium, said so', async () => {
		// 19.99 × 5 averages to 19.990000000000002: a value-versus-mean test would call them all premium.
		for (const method of ['zscore', 'iqr']) {
			const result = await score(prices(19.99, 19.99, 19.99, 19.99, 19.99), { method });
			const s = stats(result);
			assert.deepEqual([s.premiumCount, s.ordinaryCount], [0, 5], method);
			assert.ok(
				(json(result, 1)[0] as any).preview.every((row: IDataObject) => row.premium_score === null),
			);
			assert.match(s.notes.join(), /every scored price is the same \(spread 0\)/);
		}
		assert.equal(stats(await score(prices(7, 7, 7))).standardDeviation, 0);
	});

	test('IQR of 0 with one far price: the fence is Q3 itself, and the far price is premium', async () => {
		const result = await score(prices(10, 10, 10, 10, 10, 10, 10, 100), { method: 'iqr' });
		const s = stats(result);
		assert.deepEqual(
			[s.q1, s.q3, s.premiumFrom, s.premiumCount, s.ordinaryCount],
			[10, 10, 10, 1, 7],
		);
		assert.equal((json(result, 0)[0] as any).preview[0].price, 100);
		assert.match(s.notes.join(), /Q1 = Q3 = 10 \(IQR 0/);
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
		for (const [parameters, message] of [
			[{ threshold: -1 }, /Threshold -1 is not usable/],
			[{ threshold: Number.NaN }, /Threshold NaN is not usable/],
			[{ method: 'iqr', iqrK: -1.5 }, /K -1.5 is not usable/],
		] as const) {
			const result = await score(prices(1, 2), parameters);
			assert.match(result.error!.message, message);
			assert.match(result.error!.description!, /must be a number from 0 to 100/);
		}
	});

	test('Rows mode: same split as Table mode, unscored rows in Ordinary with an empty score, one hint', async () => {
		const rows = prices(10, 12, null, 'N/A', 11, 300, 9, 10, 11, 12, 10, 11);
		const table = await score(rows);
		const result = await runNode('premiumScore', { outputMode: 'rows' }, [rows]);
		assert.deepEqual(
			json(result, 0).map((r) => r.id),
			(json(table, 0)[0] as any).preview.map((r: IDataObject) => r.id),
		);
		const ordinary = json(result, 1);
		assert.equal(ordinary.length, 11);
		assert.deepEqual(
			ordinary.filter((r) => r.premium_score === null).map((r) => r.price),
			[null, 'N/A'],
		);
		// The node's sentence once (not again for Ordinary), then what the user should know, as a warning.
		const hints = result.hints('Node');
		assert.equal(hints.length, 2);
		assert.match(
			hints[0],
			/^1 premium and 11 ordinary of 12 rows: premium when price is above \d+(\.\d{1,2})? \(z-score > 2, population standard deviation\)\.$/,
		);
		assert.match(hints[1], /^2 row\(s\) without a numeric price/);
	});

	test('CSV files: named by the parameters, header row, decimal point, one file per output', async () => {
		const result = await score(prices(10.5, 11, 12, 10, 11, 12, 10, 11, 12, 300.25), {
			createCsv: true,
			csvOptions: {
				premiumFileName: 'top.csv',
				ordinaryFileName: 'rest.csv',
				binaryPropertyName: 'file',
			},
		});
		const [premium] = result.output('Node', 0);
		const [ordinary] = result.output('Node', 1);
		assert.deepEqual(
			[premium.binary!.file.fileName, ordinary.binary!.file.fileName],
			['top.csv', 'rest.csv'],
		);
		assert.equal(premium.binary!.file.mimeType, 'text/csv');
		assert.match(
			readFileSync(binaryPath(premium, 'file'), 'utf8'),
			/^id,price,premium_score\n10,300\.25,2\.99989\d+\n$/,
		);
		assert.equal(
			readFileSync(binaryPath(ordinary, 'file'), 'utf8').trim().split('\n').length,
			1 + 9,
		);
	});

	test('French CSV: semicolons and decimal commas', async () => {
		const result = await score(prices(10.5, 11, 12, 10, 11, 12, 10, 11, 12, 300.25), {
			createCsv: true,
			csvOptions: { style: 'french' },
		});
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
		assert.deepEqual(
			summary.preview.map((r: any) => [r.sku, r.revenue]),
			[
				['A', 72.6],
				['A', 24.2],
				['B', 0.3],
				['D', -5],
				['C', null],
			],
		);
		assert.equal(summary.columns.find((c: any) => c.name === 'revenue').type, 'DECIMAL(18,2)');
		assert.deepEqual(
			[summary.statistics.rowsWithoutRevenue, summary.statistics.negativePriceRows],
			[1, 1],
		);
		assert.equal(summary.preview[0].cumulative_share, summary.preview[0].revenue_share);
	});

	test('grouped by key: one row per sku', async () => {
		const rows = json(await runNode('revenue', { groupBy: 'sku' }, [SALES]));
		assert.deepEqual(
			rows.map((r) => [r.sku, r.revenue, r.row_count]),
			[
				['A', 96.8, 2],
				['B', 0.3, 1],
				['D', -5, 1],
				['C', null, 1],
			],
		);
		assert.equal((rows[3] as any).cumulative_share, null);
	});

	test('more than two decimals: each line rounds half away from zero to the cent, the total adds the cents', async () => {
		const rows = [
			{ sku: 'A', price: 0.125, total_sales: 1 },
			{ sku: 'B', price: '19.999', total_sales: 3 },
			{ sku: 'C', price: -0.125, total_sales: 1 },
		];
		const summary = json(await runNode('revenue', { outputMode: 'table' }, [rows]))[0] as any;
		assert.deepEqual(
			summary.preview.map((r: any) => [r.sku, r.revenue]),
			[
				['B', 60],
				['A', 0.13],
				['C', -0.13],
			],
		);
		assert.equal(summary.statistics.totalRevenue, '60.00');
	});

	test('no rows: total 0.00, no top product, still a report', async () => {
		const empty = await runNode(
			'cleanTable',
			{
				outputMode: 'table',
				steps: {
					step: [
						{
							stepType: 'filterRows',
							filterColumn: 'total_sales',
							filterOperator: 'greaterThan',
							filterValue: '100',
						},
					],
				},
			},
			[SALES],
		);
		const result = await runNode('revenue', { outputMode: 'table', createReport: true }, [
			{ files: [{ path: binaryPath(empty.output('Node')[0]), fileName: 'empty.parquet' }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		const summary = json(result)[0] as any;
		assert.deepEqual(
			[summary.rowCount, summary.statistics.totalRevenue, summary.statistics.topProduct],
			[0, '0.00', null],
		);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.readFile(binaryPath(result.output('Node')[0], 'report'));
		assert.equal(workbook.getWorksheet('Revenue')!.getRow(2).getCell(1).value, 'Total');
	});

	test('Rows and Table mode give the same rows', async () => {
		const rows = json(await runNode('revenue', {}, [SALES]));
		const table = json(
			await runNode('revenue', { outputMode: 'table', tableOptions: { previewRows: 100 } }, [
				SALES,
			]),
		)[0] as any;
		assert.deepEqual(rows, table.preview);
	});

	test('report: chosen currency, file name and property; default period is last month; totals row', async () => {
		const result = await runNode(
			'revenue',
			{
				groupBy: 'sku',
				currency: 'USD',
				createReport: true,
				reportOptions: { fileName: 'sales.xlsx', binaryPropertyName: 'xlsx' },
			},
			[SALES],
		);
		const [first, ...others] = result.output('Node');
		assert.equal(first.binary!.xlsx.fileName, 'sales.xlsx');
		assert.ok(
			others.every((item) => !item.binary),
			'the report rides on the first row only',
		);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.readFile(binaryPath(first, 'xlsx'));
		const sheet = workbook.getWorksheet('Revenue')!;
		assert.deepEqual((sheet.getRow(1).values as string[]).slice(1), [
			'sku',
			'total_sales',
			'row_count',
			'revenue',
			'revenue_share',
			'cumulative_share',
		]);
		assert.equal(sheet.getCell('D2').numFmt, '"$"#,##0.00');
		assert.equal(sheet.getCell('E2').numFmt, '0.00%');
		assert.deepEqual(sheet.getCell('D6').value, { formula: 'SUM(D2:D5)', result: 92.1 });
		assert.deepEqual(sheet.getCell('B6').value, { formula: 'SUM(B2:B5)', result: 10 });
		const summary = workbook.getWorksheet('Summary')!;
		assert.deepEqual((summary.getRow(1).values as unknown[]).slice(1), [
			'Period',
			DateTime.now().minus({ months: 1 }).toFormat('LLLL yyyy'),
		]);
		assert.equal(summary.getRow(2).getCell(2).numFmt, '"$"#,##0.00');
		assert.deepEqual((summary.getRow(6).values as unknown[]).slice(1), [
			'Top 10 by revenue (sku)',
			'Revenue',
		]);
		assert.deepEqual((summary.getRow(7).values as unknown[]).slice(1), ['A', 96.8]);
	});

	test('output names that meet kept columns are refused, not renamed by DuckDB', async () => {
		const clash = await runNode('revenue', { outputColumns: { share: 'sku' } }, [SALES]);
		assert.match(clash.error!.message, /The output column "sku" already exists/);
		assert.match(clash.error!.description!, /Choose another name under Output Columns/);
		const grouped = await runNode('revenue', { groupBy: 'sku, total_sales' }, [SALES]);
		assert.match(grouped.error!.message, /Group By includes the quantity column "total_sales"/);
	});

	test('a missing price column names the columns found', async () => {
		const result = await runNode('revenue', { priceColumn: 'prix' }, [SALES]);
		assert.match(result.error!.message, /Column "prix" not found/);
		assert.match(result.error!.description!, /Columns found: sku, price, total_sales/);
	});
});
