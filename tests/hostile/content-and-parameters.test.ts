import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { binaryPath, runWorkflow } from '../helpers/engine';
import { nodeTypes, type } from '../helpers/nodes';
import { DuckSession } from '../../nodes/shared/duckdb';
import { json, runNode } from '../helpers/small';

const dir = mkdtempSync(join(tmpdir(), 'hostile-content-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SALES: IDataObject[] = [
	{ product_id: 1, price: '24,2', total_sales: 2 },
	{ product_id: 2, price: 'N/A', total_sales: 1 },
	{ product_id: 3, price: -8, total_sales: 1 },
	{ product_id: 4, price: null, total_sales: 5 },
	{ product_id: 5, price: 10, total_sales: 3 },
];

describe('hostile content', () => {
	test('a required column missing or renamed: the node, the column and the columns found', async () => {
		const result = await runNode('revenue', { priceColumn: 'price', quantityColumn: 'quantity' }, [SALES]);
		assert.equal(result.error!.node, 'Node');
		assert.match(result.error!.message, /Column "quantity" not found in the input table/);
		assert.match(result.error!.description!, /Columns found: product_id, price, total_sales/);
	});

	test('text, negative and empty prices: no revenue invented, each counted and reported', async () => {
		const result = await runNode('revenue', { outputMode: 'table' }, [SALES]);
		const stats = (json(result)[0] as { statistics: IDataObject }).statistics;
		assert.equal(stats.totalRevenue, '22.00', '10 × 3 − 8 × 1; "24,2", "N/A" and empty give nothing');
		assert.deepEqual([stats.rowsWithoutRevenue, stats.negativePriceRows], [3, 1]);
		assert.match(String((stats.warnings as string[]).join()), /3 row\(s\) have no numeric price or total_sales.*1 row\(s\) have a negative price/);
	});

	test('a key column entirely empty, and a join that matches nothing: zero rows, every unmatched key counted', async () => {
		const left = [{ k: null, v: 1 }, { k: null, v: 2 }];
		const right = [{ k: 'a', w: 3 }];
		const result = await runNode('mergeTables', { outputMode: 'table', joins: { join: [{ input: 2, joinType: 'inner', leftKeys: 'k', rightKeys: 'k' }] } }, [left, right]);
		const join = (json(result)[0] as { rowCount: number; statistics: { joins: IDataObject[] } });
		assert.equal(join.rowCount, 0);
		assert.deepEqual([join.statistics.joins[0].unmatchedLeftRows, join.statistics.joins[0].unmatchedRightKeys], [2, 1]);
	});

	test('all rows dropped by cleaning: the empty table flows on and Revenue totals 0.00', async () => {
		const cleaned = await runNode('cleanTable', { outputMode: 'table', steps: { step: [{ stepType: 'dropMissing', missingColumns: '' }] } }, [SALES.filter((r) => r.price === null)]);
		const table = json(cleaned)[0] as { rowCount: number };
		assert.equal(table.rowCount, 0);
		const revenue = await runNode('revenue', { outputMode: 'table', priceColumn: 'product_id' }, [{ files: [{ path: binaryPath(cleaned.output('Node')[0]), fileName: 'cleaned.parquet' }] }]);
		assert.equal((json(revenue)[0] as { statistics: IDataObject }).statistics.totalRevenue, '0.00');
	});
});

describe('hostile parameters', () => {
	const EVIL = `price"; DROP TABLE input; --`;

	test('hostile column names in Clean Table and Revenue are names, not SQL', async () => {
		const rows = [{ [EVIL]: 2, q: 3 }, { [EVIL]: 2, q: 3 }];
		const quoted = `"${EVIL.replace(/"/g, '""')}"`;
		const cleaned = await runNode('cleanTable', { steps: { step: [{ stepType: 'deduplicate', dedupKeys: quoted, dedupStrategy: 'first' }] } }, [rows]);
		assert.deepEqual(json(cleaned), [{ [EVIL]: 2, q: 3 }]);
		const revenue = await runNode('revenue', { priceColumn: quoted, quantityColumn: 'q', outputMode: 'table' }, [rows]);
		assert.equal((json(revenue)[0] as { statistics: IDataObject }).statistics.totalRevenue, '12.00');
	});

	test('unicode and quotes in values are data', async () => {
		const rows = [{ name: "Château d'Yquem 🍷", v: 1 }, { name: "'; DROP TABLE input; --", v: 2 }];
		const result = await runNode('cleanTable', { steps: { step: [{ stepType: 'filterRows', filterColumn: 'name', filterOperator: 'equals', filterValue: "Château d'Yquem 🍷" }] } }, [rows]);
		assert.deepEqual(json(result), [rows[0]]);
	});

	test('folders outside the ones n8n may use are refused, for reading exports and for saving reports', async () => {
		const load = await runNode('loadSalesExports', { source: 'folder', folder: '/etc' }, [[{}]]);
		assert.match(load.error!.message, /The folder "\/etc" is outside the folders n8n may use/);
		assert.match(load.error!.description!, /N8N_RESTRICT_FILE_ACCESS_TO/);
		writeFileSync(join(dir, 'r.csv'), 'a\n1\n');
		const save = await runNode('saveReportFiles', { folder: '/root/reports' }, [{ files: [{ path: join(dir, 'r.csv') }] }]);
		assert.match(save.error!.message, /The folder "\/root\/reports" is outside the folders n8n may use/);
	});

	test('absurd thresholds are refused with the range to use', async () => {
		for (const parameters of [{ threshold: 1e9 }, { method: 'iqr', iqrK: -2 }]) {
			const result = await runNode('premiumScore', parameters, [[{ price: 1 }, { price: 2 }]]);
			assert.match(result.error!.message, /(Threshold|K) .* is not usable/);
			assert.match(result.error!.description!, /from 0 to 100/);
		}
	});
});

describe('nothing half-written, nothing left behind', () => {
	test('a failure while saving leaves no report and no temporary file', async () => {
		const out = join(dir, 'reports');
		writeFileSync(join(dir, 'first.csv'), 'a\n1\n');
		writeFileSync(join(dir, 'second.csv'), 'b\n2\n');
		// The second file's stored bytes vanish before the save: writing fails after the first file.
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{ name: 'Files', type: 'test.files', parameters: { files: [{ path: join(dir, 'first.csv'), property: 'first' }, { path: join(dir, 'second.csv'), property: 'second' }] } as unknown as INodeParameters },
				{ name: 'Storage Fault', type: 'test.loseBinary', parameters: { property: 'second' } },
				{ name: 'Save', type: type('saveReportFiles'), parameters: { folder: out } },
			],
			edges: [['Files', 'Storage Fault'], ['Storage Fault', 'Save']],
		});
		assert.match(result.error?.message ?? '', /Could not write the reports to .*reports/);
		assert.match(result.error?.description ?? '', /No report file was changed/);
		assert.ok(!existsSync(out) || readdirSync(out).length === 0, `nothing in ${out}: ${existsSync(out) ? readdirSync(out).join(', ') : ''}`);
	});

	test('every DuckDB database and scratch folder is closed and removed, after good and failed runs alike', async () => {
		const scratch = () => readdirSync(tmpdir()).filter((name) => name.startsWith('n8n-sales-analytics-')).length;
		const before = scratch();
		const runs = [
			runNode('cleanTable', { steps: { step: [{ stepType: 'dedup' }] } }, [SALES]),
			runNode('revenue', { outputMode: 'table', createReport: true }, [SALES]),
			runNode('revenue', { priceColumn: 'nope' }, [SALES]),
			runNode('dataQualityCheck', { onFailure: 'stop', checks: { check: [{ checkName: 'rows', checkType: 'rowCount', rowCountExpected: '99' }] } }, [SALES]),
			runNode('premiumScore', { createCsv: true, outputMode: 'table' }, [SALES]),
		];
		const results = await Promise.all(runs);
		assert.deepEqual(results.map((r) => Boolean(r.error)), [true, false, true, true, false]);
		assert.equal(DuckSession.openCount, 0);
		assert.equal(scratch(), before);
	});
});
