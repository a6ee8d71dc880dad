import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { binaryPath } from '../helpers/engine';
import type { IDataObject } from 'n8n-workflow';
import { json, runNode } from '../helpers/small';
import { HOSTILE_SALES } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'hostile-content-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile content', () => {
	test('a required column missing or renamed: the node, the column and the columns found', async () => {
		const result = await runNode('revenue', { priceColumn: 'price', quantityColumn: 'quantity' }, [
			HOSTILE_SALES,
		]);
		assert.equal(result.error!.node, 'Node');
		assert.match(result.error!.message, /Column "quantity" not found in the input table/);
		assert.match(result.error!.description!, /Columns found: product_id, price, total_sales/);
	});

	test('text, negative and empty prices: no revenue invented, each counted and reported', async () => {
		const result = await runNode('revenue', { outputMode: 'table' }, [HOSTILE_SALES]);
		const stats = (json(result)[0] as { statistics: IDataObject }).statistics;
		assert.equal(
			stats.totalRevenue,
			'22.00',
			'10 × 3 − 8 × 1; "24,2", "N/A" and empty give nothing',
		);
		assert.deepEqual([stats.rowsWithoutRevenue, stats.negativePriceRows], [3, 1]);
		assert.match(
			String((stats.warnings as string[]).join()),
			/3 row\(s\) have no numeric price or total_sales.*1 row\(s\) have a negative price/,
		);
	});

	test('a key column entirely empty, and a join that matches nothing: zero rows, every unmatched key counted', async () => {
		const left = [
			{ k: null, v: 1 },
			{ k: null, v: 2 },
		];
		const right = [{ k: 'a', w: 3 }];
		const result = await runNode(
			'mergeTables',
			{
				outputMode: 'table',
				joins: { join: [{ input: 2, joinType: 'inner', leftKeys: 'k', rightKeys: 'k' }] },
			},
			[left, right],
		);
		const join = json(result)[0] as { rowCount: number; statistics: { joins: IDataObject[] } };
		assert.equal(join.rowCount, 0);
		assert.deepEqual(
			[join.statistics.joins[0].unmatchedLeftRows, join.statistics.joins[0].unmatchedRightKeys],
			[2, 1],
		);
	});

	test('all rows dropped by cleaning: the empty table flows on and Revenue totals 0.00', async () => {
		const cleaned = await runNode(
			'cleanTable',
			{ outputMode: 'table', steps: { step: [{ stepType: 'dropMissing', missingScope: 'any' }] } },
			[HOSTILE_SALES.filter((r) => r.price === null)],
		);
		const table = json(cleaned)[0] as { rowCount: number };
		assert.equal(table.rowCount, 0);
		const revenue = await runNode('revenue', { outputMode: 'table', priceColumn: 'product_id' }, [
			{ files: [{ path: binaryPath(cleaned.output('Node')[0]), fileName: 'cleaned.parquet' }] },
		]);
		assert.equal((json(revenue)[0] as { statistics: IDataObject }).statistics.totalRevenue, '0.00');
	});
});
