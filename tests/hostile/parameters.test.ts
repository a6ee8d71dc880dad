import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { json, runNode } from '../helpers/small';

const dir = mkdtempSync(join(tmpdir(), 'hostile-parameters-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile parameters', () => {
	const EVIL = `price"; DROP TABLE input; --`;

	test('hostile column names in Clean Table and Revenue are names, not SQL', async () => {
		const rows = [
			{ [EVIL]: 2, q: 3 },
			{ [EVIL]: 2, q: 3 },
		];
		const quoted = `"${EVIL.replace(/"/g, '""')}"`;
		const cleaned = await runNode(
			'cleanTable',
			{ steps: { step: [{ stepType: 'deduplicate', dedupKeys: quoted, dedupStrategy: 'first' }] } },
			[rows],
		);
		assert.deepEqual(json(cleaned), [{ [EVIL]: 2, q: 3 }]);
		const revenue = await runNode(
			'revenue',
			{ priceColumn: quoted, quantityColumn: 'q', outputMode: 'table' },
			[rows],
		);
		assert.equal(
			(json(revenue)[0] as { statistics: IDataObject }).statistics.totalRevenue,
			'12.00',
		);
	});

	test('unicode and quotes in values are data', async () => {
		const rows = [
			{ name: "Château d'Yquem 🍷", v: 1 },
			{ name: "'; DROP TABLE input; --", v: 2 },
		];
		const result = await runNode(
			'cleanTable',
			{
				steps: {
					step: [
						{
							stepType: 'filterRows',
							filterColumn: 'name',
							filterOperator: 'equals',
							filterValue: "Château d'Yquem 🍷",
						},
					],
				},
			},
			[rows],
		);
		assert.deepEqual(json(result), [rows[0]]);
	});

	test('folders outside the ones n8n may use are refused, for reading exports and for saving reports', async () => {
		const load = await runNode('loadSalesExports', { source: 'folder', folder: '/etc' }, [[{}]]);
		assert.match(load.error!.message, /The folder "\/etc" is outside the folders n8n may use/);
		assert.match(load.error!.description!, /N8N_RESTRICT_FILE_ACCESS_TO/);
		writeFileSync(join(dir, 'r.csv'), 'a\n1\n');
		const save = await runNode('saveReportFiles', { folder: '/root/reports' }, [
			{ files: [{ path: join(dir, 'r.csv') }] },
		]);
		assert.match(
			save.error!.message,
			/The folder "\/root\/reports" is outside the folders n8n may use/,
		);
	});

	test('absurd thresholds are refused with the range to use', async () => {
		for (const parameters of [{ threshold: 1e9 }, { method: 'iqr', iqrK: -2 }]) {
			const result = await runNode('premiumScore', parameters, [[{ price: 1 }, { price: 2 }]]);
			assert.match(result.error!.message, /(Threshold|K) .* is not usable/);
			assert.match(result.error!.description!, /from 0 to 100/);
		}
	});
});
