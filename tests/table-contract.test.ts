import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckSession } from '../nodes/shared/duckdb';
import type { INodeParameters } from 'n8n-workflow';
import { binaryPath, runWorkflow } from './helpers/engine';
import { nodeTypes, type } from './helpers/nodes';
import { json, runNode } from './helpers/small';

const dir = mkdtempSync(join(tmpdir(), 'contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const noSteps = (extra: object = {}) => ({ steps: { step: [] }, ...extra });

describe('the table contract: every input form, both output modes', () => {
	test('n8n items: one row per item, mixed number/text column kept as text, source reported', async () => {
		const result = await runNode('cleanTable', noSteps({ outputMode: 'table' }), [
			[
				{ sku: 15298, price: 24.5 },
				{ sku: 'bon-cadeau-25-euros', price: 25 },
				{ sku: null, price: null },
			],
		]);
		const summary = json(result)[0] as any;
		assert.equal(summary.rowCount, 3);
		assert.deepEqual(summary.columns, [
			{ name: 'sku', type: 'VARCHAR' },
			{ name: 'price', type: 'DOUBLE' },
		]);
		assert.deepEqual(
			summary.preview.map((r: any) => r.sku),
			['15298', 'bon-cadeau-25-euros', null],
		);
		assert.match(summary.statistics.input, /3 n8n item\(s\)/);
	});

	test('French CSV: latin-1, semicolons and decimal commas are detected', async () => {
		const path = join(dir, 'export.csv');
		writeFileSync(
			path,
			Buffer.from('produit;prix;quantité\nChâteau Margaux;24,50;3\nCrémant;8,2;10\n', 'latin1'),
		);
		const result = await runNode('cleanTable', noSteps(), [{ files: [{ path }] }]);
		assert.deepEqual(json(result), [
			{ produit: 'Château Margaux', prix: 24.5, quantité: 3 },
			{ produit: 'Crémant', prix: 8.2, quantité: 10 },
		]);
		assert.match(result.hints('Node').join(' '), /csv file export\.csv/);
	});

	test('Parquet keeps its types through a Table hand-off; Rows turn dates into ISO text', async () => {
		const path = join(dir, 'typed.parquet');
		const session = await DuckSession.open();
		await session.run(
			`COPY (SELECT DATE '2024-03-15' AS day, TIMESTAMP '2024-03-15 09:00:00' AS at, 70568.60::DECIMAL(18,2) AS money, 12::BIGINT AS n) TO '${path}' (FORMAT parquet)`,
		);
		await session.close();
		const table = await runNode('cleanTable', noSteps({ outputMode: 'table' }), [
			{ files: [{ path }] },
		]);
		const summary = json(table)[0] as any;
		assert.deepEqual(
			summary.columns.map((c: any) => c.type),
			['DATE', 'TIMESTAMP', 'DECIMAL(18,2)', 'BIGINT'],
		);
		const rows = await runNode('cleanTable', noSteps(), [
			{ files: [{ path: binaryPath(table.output('Node')[0]), fileName: 'x.parquet' }] },
		]);
		assert.deepEqual(json(rows), [
			{ day: '2024-03-15', at: '2024-03-15T09:00:00.000Z', money: 70568.6, n: 12 },
		]);
	});

	test('JSON file input', async () => {
		const path = join(dir, 'rows.json');
		writeFileSync(path, JSON.stringify([{ a: 1 }, { a: 2 }]));
		assert.deepEqual(json(await runNode('cleanTable', noSteps(), [{ files: [{ path }] }])), [
			{ a: 1 },
			{ a: 2 },
		]);
	});

	test('several items each carrying a file are stacked into one table by column name', async () => {
		writeFileSync(join(dir, 'jan.csv'), 'sku,qty\nA,1\n');
		writeFileSync(join(dir, 'feb.csv'), 'qty,sku\n2,B\n');
		const result = await runNode('cleanTable', noSteps(), [
			{ files: [{ path: join(dir, 'jan.csv') }, { path: join(dir, 'feb.csv') }] },
		]);
		assert.deepEqual(json(result), [
			{ sku: 'A', qty: 1 },
			{ sku: 'B', qty: 2 },
		]);
	});

	test('a missing binary property names the properties that exist', async () => {
		writeFileSync(join(dir, 'a.csv'), 'x\n1\n');
		const result = await runNode(
			'cleanTable',
			noSteps({ inputMode: 'binary', binaryPropertyName: 'erp' }),
			[{ files: [{ path: join(dir, 'a.csv'), property: 'web' }] }],
		);
		assert.match(result.error!.message, /item 1 has no binary property "erp"/);
		assert.match(result.error!.description!, /Binary properties found: web/);
	});

	test('an unknown column lists the columns found', async () => {
		const result = await runNode(
			'cleanTable',
			{ steps: { step: [{ stepType: 'dropMissing', missingColumns: 'skuu' }] } },
			[[{ sku: 1, price: 2 }]],
		);
		assert.match(result.error!.message, /Column "skuu" not found/);
		assert.match(result.error!.description!, /Columns found: sku, price/);
	});

	test('column names are matched case-insensitively when unambiguous', async () => {
		const result = await runNode(
			'cleanTable',
			{ steps: { step: [{ stepType: 'dropMissing', missingColumns: 'SKU' }] } },
			[[{ sku: 1 }, { sku: null }]],
		);
		assert.equal(json(result).length, 1);
	});
});

describe('Table hand-off: what is written, and where the time goes', () => {
	const ROWS = [
		{ sku: '15298', price: 24.5, total_sales: 3 },
		{ sku: 'bon-cadeau-25-euros', price: 25, total_sales: 1 },
	];
	const rowCountCheck = (expected: string) => ({
		checks: {
			check: [
				{ checkName: 'rows', checkType: 'rowCount', severity: 'error', rowCountExpected: expected },
			],
		},
	});

	test('a passing check hands its input Parquet on as it is, unless it is asked for a file of its own', async () => {
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Rows',
					type: 'test.items',
					parameters: { items: ROWS } as unknown as INodeParameters,
				},
				{
					name: 'Clean',
					type: type('cleanTable'),
					parameters: { steps: { step: [] }, outputMode: 'table' },
				},
				{
					name: 'Check',
					type: type('dataQualityCheck'),
					parameters: { onFailure: 'route', outputMode: 'table', ...rowCountCheck('2') },
				},
				{
					name: 'Named',
					type: type('dataQualityCheck'),
					parameters: {
						onFailure: 'route',
						outputMode: 'table',
						...rowCountCheck('2'),
						tableOptions: { fileName: 'checked.parquet' },
					},
				},
				{ name: 'Back To Rows', type: type('cleanTable'), parameters: { steps: { step: [] } } },
			],
			edges: [
				['Rows', 'Clean'],
				['Clean', 'Check'],
				['Check', 'Named'],
				['Check', 'Back To Rows'],
			],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [cleaned, checked, named] = ['Clean', 'Check', 'Named'].map(
			(node) => result.output(node)[0],
		);
		assert.equal(
			checked.binary!.data.id,
			cleaned.binary!.data.id,
			'the check wrote the table again',
		);
		assert.equal(
			(checked.json.statistics as any).rowCount ?? (checked.json.statistics as any).rows,
			2,
		);
		assert.equal(checked.json.rowCount, 2);
		assert.notEqual(named.binary!.data.id, cleaned.binary!.data.id);
		assert.equal(named.binary!.data.fileName, 'checked.parquet');
		assert.deepEqual(
			result.output('Back To Rows').map((item) => item.json),
			ROWS,
		);
	});

	test('every Table summary says where its time went; only report writers spend time on reports', async () => {
		const revenue = await runNode('revenue', { outputMode: 'table', createReport: true }, [ROWS]);
		const clean = await runNode('cleanTable', noSteps({ outputMode: 'table' }), [ROWS]);
		for (const [result, reporting] of [
			[revenue, true],
			[clean, false],
		] as const) {
			const timings = (json(result)[0] as any).timings;
			assert.deepEqual(Object.keys(timings).sort(), [
				'computeMs',
				'handOffMs',
				'loadMs',
				'reportMs',
				'totalMs',
			]);
			for (const value of Object.values(timings))
				assert.ok(Number.isInteger(value) && (value as number) >= 0);
			assert.ok(
				timings.loadMs + timings.computeMs + timings.reportMs + timings.handOffMs <=
					timings.totalMs + 2,
			);
			assert.equal(timings.reportMs > 0, reporting);
		}
	});
});

describe('row order without sorting: tables in insertion order are written as scanned', () => {
	test('300,000 rows through a Clean filter and Premium Score keep their order in the Parquet and CSV files', async () => {
		const path = join(dir, 'ordered.csv');
		const setup = await DuckSession.open();
		// Prices rise and fall so that premium rows are scattered through the file.
		await setup.run(
			`COPY (SELECT range AS id, 'sku-' || range AS sku, (range * 7919) % 1000 AS price FROM range(300000)) TO '${path}' (HEADER)`,
		);
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'File',
					type: 'test.files',
					parameters: { files: [{ path }] } as unknown as INodeParameters,
				},
				{
					name: 'Clean',
					type: type('cleanTable'),
					parameters: {
						outputMode: 'table',
						steps: {
							step: [
								{
									stepType: 'filterRows',
									filterColumn: 'id',
									filterOperator: 'notEquals',
									filterValue: '5',
								},
							],
						},
					},
				},
				{
					name: 'Premium',
					type: type('premiumScore'),
					parameters: { outputMode: 'table', scoreColumn: 'price', threshold: 1, createCsv: true },
				},
			],
			edges: [
				['File', 'Clean'],
				['Clean', 'Premium'],
			],
		});
		try {
			assert.equal(result.error, undefined, result.error?.message);
			const [premium] = result.output('Premium', 0);
			const [ordinary] = result.output('Premium', 1);
			const files = [
				binaryPath(result.output('Clean')[0]),
				binaryPath(premium),
				binaryPath(ordinary),
				binaryPath(premium, 'csv'),
				binaryPath(ordinary, 'csv'),
			];
			for (const [index, file] of files.entries()) {
				const reader = index > 2 ? `read_csv('${file}')` : `read_parquet('${file}')`;
				await setup.run(`CREATE OR REPLACE TEMP TABLE written AS SELECT id FROM ${reader}`);
				const rows = await setup.count('SELECT count(*) FROM written');
				assert.ok(rows > 1000, `${file}: ${rows} rows`);
				const outOfOrder = await setup.count(
					'SELECT count(*) FROM written a JOIN written b ON b.rowid = a.rowid + 1 WHERE b.id <= a.id',
				);
				assert.equal(outOfOrder, 0, `${file}: rows out of order`);
			}
		} finally {
			await setup.close();
		}
	});
});
