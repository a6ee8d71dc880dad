import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { json, runNode } from './helpers/small';

const ERP = [
	{ product_id: 1, price: 10 },
	{ product_id: 2, price: 20 },
	{ product_id: 3, price: 30 },
];
const WEB = [
	{ sku: '1', title: 'one', price: 11 },
	{ sku: '2 ', title: 'two', price: 22 },
	{ sku: '9', title: 'nine', price: 99 },
];

const merge = (joinType: string, extra: object = {}, inputs: object[][] = [ERP, WEB]) =>
	runNode(
		'mergeTables',
		{
			numberInputs: inputs.length,
			joins: { join: [{ input: 2, joinType, leftKeys: 'product_id', rightKeys: 'sku' }] },
			...extra,
		},
		inputs as any,
	);

describe('Merge Tables', () => {
	test('keys compare as text: 1 (number) meets "1" and "2 " (text)', async () => {
		const rows = json(await merge('inner'));
		assert.deepEqual(rows, [
			{ product_id: 1, price: 10, sku: '1', title: 'one', price_input2: 11 },
			{ product_id: 2, price: 20, sku: '2 ', title: 'two', price_input2: 22 },
		]);
	});

	test('exact comparison refuses keys of different types, naming both', async () => {
		const result = await merge('inner', { joinOptions: { keyComparison: 'exact' } });
		assert.match(
			result.error!.message,
			/keys "product_id" \(BIGINT\) and "sku" \(VARCHAR\) have different types/,
		);
	});

	for (const [joinType, expected] of [
		['left', [1, 2, 3]],
		['right', [1, 2, null]],
		['full', [1, 2, 3, null]],
		['anti', [3]],
	] as const) {
		test(`${joinType} join`, async () => {
			assert.deepEqual(
				json(await merge(joinType)).map((r) => r.product_id),
				expected,
			);
		});
	}

	test('same-named keys fold into one column; right and full joins fill it from either side', async () => {
		const left = [
			{ id: 1, a: 'x' },
			{ id: 2, a: 'y' },
		];
		const right = [
			{ id: 2, b: 'p' },
			{ id: 3, b: 'q' },
		];
		const result = await runNode(
			'mergeTables',
			{ joins: { join: [{ input: 2, joinType: 'full', leftKeys: 'id', rightKeys: 'id' }] } },
			[left, right],
		);
		assert.deepEqual(json(result), [
			{ id: 1, a: 'x', b: null },
			{ id: 2, a: 'y', b: 'p' },
			{ id: 3, a: null, b: 'q' },
		]);
	});

	test('a clashing column gets the join suffix; the summary reports unmatched keys per side', async () => {
		const result = await merge('inner', {
			outputMode: 'table',
			joins: {
				join: [
					{
						input: 2,
						joinType: 'inner',
						leftKeys: 'product_id',
						rightKeys: 'sku',
						clashSuffix: '_web',
					},
				],
			},
		});
		const summary = json(result)[0] as any;
		assert.ok(summary.columns.some((c: any) => c.name === 'price_web'));
		const join = summary.statistics.joins[0];
		assert.deepEqual([join.rowsOut, join.unmatchedLeftKeys, join.unmatchedRightKeys], [2, 1, 1]);
		assert.deepEqual(join.unmatchedLeftSamples, [{ product_id: 3 }]);
		assert.deepEqual(join.unmatchedRightSamples, [{ sku: '9' }]);
		assert.deepEqual(join.renamedColumns, { price: 'price_web' });
	});

	test('three inputs chain; a connected input without a join is refused', async () => {
		const liaison = [
			{ product_id: 1, id_web: '1' },
			{ product_id: 2, id_web: '2' },
		];
		const joins = [
			{ input: 2, joinType: 'inner', leftKeys: 'product_id', rightKeys: 'product_id' },
			{ input: 3, joinType: 'inner', leftKeys: 'id_web', rightKeys: 'sku' },
		];
		const ok = await runNode('mergeTables', { numberInputs: 3, joins: { join: joins } }, [
			ERP,
			liaison,
			WEB,
		]);
		assert.deepEqual(
			json(ok).map((r) => [r.product_id, r.title]),
			[
				[1, 'one'],
				[2, 'two'],
			],
		);
		const missing = await runNode(
			'mergeTables',
			{ numberInputs: 3, joins: { join: joins.slice(0, 1) } },
			[ERP, liaison, WEB],
		);
		assert.match(missing.error!.message, /Input 3 is connected but not joined/);
	});

	test('hostile column names are data, not SQL', async () => {
		const evil = 'id"; DROP TABLE input_1; --';
		const result = await runNode(
			'mergeTables',
			{
				joins: {
					join: [
						{
							input: 2,
							joinType: 'inner',
							leftKeys: `"${evil.replace(/"/g, '""')}"`,
							rightKeys: 'k',
						},
					],
				},
			},
			[[{ [evil]: 1, v: 'a' }], [{ k: 1, w: 'b' }]],
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(json(result), [{ [evil]: 1, v: 'a', k: 1, w: 'b' }]);
	});
});
