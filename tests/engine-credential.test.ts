import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { INodeParameters } from 'n8n-workflow';
import { SalesAnalyticsEngine } from '../credentials/SalesAnalyticsEngine.credentials';
import { runWorkflow } from './helpers/engine';
import { nodeTypes, type } from './helpers/nodes';

/** A join big enough to need more than a few MB: every row of 200k meets every row of 50 (10M rows). */
async function bigJoin(credentials?: Record<string, object>) {
	const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ k: 1, v: i }));
	return runWorkflow({
		nodeTypes,
		credentials: credentials as never,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			{
				name: 'A',
				type: 'test.items',
				parameters: { items: rows(200_000) } as unknown as INodeParameters,
			},
			{
				name: 'B',
				type: 'test.items',
				parameters: { items: rows(50) } as unknown as INodeParameters,
			},
			{
				name: 'Merge',
				type: type('mergeTables'),
				parameters: {
					outputMode: 'table',
					joins: { join: [{ input: 2, joinType: 'inner', leftKeys: 'k', rightKeys: 'k' }] },
				} as unknown as INodeParameters,
			},
		],
		edges: [
			['Start', 'A'],
			['Start', 'B'],
			['A', 'Merge', 0],
			['B', 'Merge', 1],
		],
	});
}

describe('Sales Analytics Engine Settings credential', () => {
	test('declares a memory limit and a thread count', () => {
		const fields = new SalesAnalyticsEngine().properties.map((p) => [p.name, p.type]);
		assert.deepEqual(fields, [
			['memoryLimit', 'string'],
			['threads', 'number'],
		]);
	});

	test('its memory limit reaches DuckDB: too little memory is a clear error, not a crash', async () => {
		const result = await bigJoin({ salesAnalyticsEngine: { memoryLimit: '8MB', threads: 1 } });
		assert.match(result.error?.message ?? '', /DuckDB ran out of its memory limit/);
		assert.match(result.error?.description ?? '', /Raise the memory limit/);
	});

	test('a memory limit that is not a size is refused with the fix', async () => {
		const result = await bigJoin({ salesAnalyticsEngine: { memoryLimit: 'lots' } });
		assert.match(result.error?.message ?? '', /Memory limit "lots" is not a size/);
	});

	test('without the credential, DuckDB defaults apply and the join completes', async () => {
		const result = await bigJoin();
		assert.equal(result.error, undefined);
		assert.equal(result.output('Merge')[0].json.rowCount, 10_000_000);
	});
});
