import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { json, runNode } from './helpers/small';

const clean = (steps: object[], rows: IDataObject[], extra: object = {}) =>
	runNode('cleanTable', { steps: { step: steps }, ...extra }, [rows]);

const SALES = [
	{ sku: 'A', total_sales: 5, price: 10 },
	{ sku: 'B', total_sales: 1, price: 20 },
	{ sku: 'A', total_sales: 9, price: 10 },
	{ sku: 'B', total_sales: 1, price: 20 },
	{ sku: 'C', total_sales: 2, price: 30 },
	{ sku: 'A', total_sales: 7, price: 10 },
];

describe('Clean Table steps', () => {
	for (const [strategy, expected] of [
		['highest', [1, 9, 2]],
		['lowest', [5, 1, 2]],
		['first', [5, 1, 2]],
		['last', [1, 2, 7]],
	] as const) {
		test(`deduplicate keeping the ${strategy} row (kept rows stay in file order)`, async () => {
			const result = await clean(
				[
					{
						stepType: 'deduplicate',
						dedupKeys: 'sku',
						dedupStrategy: strategy,
						dedupOrderColumn: 'total_sales',
					},
				],
				SALES,
			);
			assert.deepEqual(
				json(result).map((r) => r.total_sales),
				expected,
			);
		});
	}

	test('deduplicate stops when duplicates disagree, naming the keys', async () => {
		const result = await clean(
			[
				{
					stepType: 'deduplicate',
					dedupKeys: 'sku',
					dedupStrategy: 'failOnConflict',
					dedupCompareColumns: 'total_sales',
				},
			],
			SALES,
		);
		assert.match(
			result.error!.message,
			/Step 1 \(Remove Duplicates\): 1 key\(s\) have duplicate rows that disagree, e\.g\. \{"sku":"A"\}/,
		);
	});

	test('identical duplicates do not count as a conflict', async () => {
		const result = await clean(
			[{ stepType: 'deduplicate', dedupKeys: 'sku', dedupStrategy: 'failOnConflict' }],
			SALES.filter((r) => r.sku !== 'A'),
		);
		assert.deepEqual(
			json(result).map((r) => r.sku),
			['B', 'C'],
		);
	});

	test('drop missing: chosen columns, any column, blank text', async () => {
		const rows = [
			{ a: 'x', b: 1 },
			{ a: '  ', b: 2 },
			{ a: null, b: 3 },
			{ a: 'y', b: null },
		];
		assert.deepEqual(
			json(await clean([{ stepType: 'dropMissing', missingColumns: 'a' }], rows)).map((r) => r.b),
			[1, null],
		);
		assert.deepEqual(
			json(await clean([{ stepType: 'dropMissing', missingScope: 'any' }], rows)).map((r) => r.b),
			[1],
		);
		assert.deepEqual(
			json(
				await clean(
					[{ stepType: 'dropMissing', missingColumns: 'a', blankIsMissing: false }],
					rows,
				),
			).map((r) => r.b),
			[1, 2, null],
		);
	});

	test('trim turns blank text into empty values, non-breaking spaces included', async () => {
		const result = await clean(
			[{ stepType: 'trimText', trimColumns: '' }],
			[
				{ a: '  x\u00a0', n: 1 },
				{ a: '   ', n: 2 },
			],
		);
		assert.deepEqual(json(result), [
			{ a: 'x', n: 1 },
			{ a: null, n: 2 },
		]);
	});

	test('cast with decimal commas, and a clear error listing values that do not convert', async () => {
		const rows = [{ price: '24,2' }, { price: '1 250,50' }, { price: 'N/A' }];
		const step = {
			stepType: 'castColumns',
			castColumns: 'price',
			castType: 'decimal',
			castDecimalComma: true,
		};
		const failed = await clean([step], rows);
		assert.match(
			failed.error!.message,
			/1 value\(s\) in column "price" cannot be converted to Exact Decimal \(Money\), e\.g\. "N\/A"/,
		);
		assert.match(failed.error!.description!, /Set It to Empty/);
		const emptied = await clean([{ ...step, onCastError: 'null' }], rows, { outputMode: 'table' });
		const summary = json(emptied)[0] as any;
		assert.deepEqual(
			summary.preview.map((r: any) => r.price),
			[24.2, 1250.5, null],
		);
		assert.equal(summary.columns[0].type, 'DECIMAL(18,2)');
		assert.equal(summary.statistics.steps[0].valuesEmptied, 1);
	});

	test('filter: numeric comparison, text lists, emptiness; bad numbers are refused', async () => {
		const rows = [
			{ t: 'product', p: 10 },
			{ t: 'attachment', p: 50 },
			{ t: null, p: 99 },
		];
		const filter = (filterOperator: string, filterColumn: string, filterValue = '') =>
			clean([{ stepType: 'filterRows', filterColumn, filterOperator, filterValue }], rows);
		assert.deepEqual(
			json(await filter('greaterThan', 'p', '20')).map((r) => r.p),
			[50, 99],
		);
		assert.deepEqual(
			json(await filter('inList', 't', 'product, attachment')).map((r) => r.p),
			[10, 50],
		);
		assert.deepEqual(
			json(await filter('isEmpty', 't')).map((r) => r.p),
			[99],
		);
		assert.deepEqual(json(await filter('equals', 't', "product'; DROP TABLE input; --")), []);
		assert.match(
			(await filter('greaterThan', 'p', 'abc')).error!.message,
			/"abc" is not a number, but column "p" holds numbers/,
		);
	});

	test('steps run in order and the summary counts what each removed', async () => {
		const result = await clean(
			[
				{
					stepType: 'filterRows',
					filterColumn: 'sku',
					filterOperator: 'notEquals',
					filterValue: 'C',
				},
				{
					stepType: 'deduplicate',
					dedupKeys: 'sku',
					dedupStrategy: 'highest',
					dedupOrderColumn: 'total_sales',
				},
			],
			SALES,
			{ outputMode: 'table' },
		);
		const stats = (json(result)[0] as any).statistics;
		assert.deepEqual(
			stats.steps.map((s: any) => [s.type, s.rowsIn, s.rowsOut, s.rowsRemoved]),
			[
				['filterRows', 6, 5, 1],
				['deduplicate', 5, 2, 3],
			],
		);
		assert.equal(stats.rowsRemoved, 4);
	});
});
