import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { runWorkflow } from './helpers/engine';
import type { NodeSpec, WorkflowResult } from './helpers/engine';
import { nodeTypes, PACKAGE, type } from './helpers/nodes';
import { runNode } from './helpers/small';

const dir = mkdtempSync(join(tmpdir(), 'continue-on-fail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * pairedItem as each of our nodes returned it, per output, by workflow node name. n8n fills in a
 * missing pairedItem itself when a node had a single input item, so the run data cannot show
 * whether the node set it.
 */
const returned = new Map<string, unknown[][]>();
for (const [name, nodeType] of Object.entries(nodeTypes)) {
	if (!name.startsWith(`${PACKAGE}.`)) continue;
	const execute = (nodeType as INodeType).execute!;
	(nodeType as INodeType).execute = async function (this: IExecuteFunctions) {
		const outputs = (await execute.call(this)) as INodeExecutionData[][];
		returned.set(
			this.getNode().name,
			outputs.map((items) => items.map((item) => structuredClone(item.pairedItem))),
		);
		return outputs;
	};
}

/** The pairedItem of every item the node returned, then forgotten so the next run starts clean. */
function pairedItemsOf(nodeName: string): unknown[][] {
	const outputs = returned.get(nodeName);
	assert.ok(outputs, `${nodeName} did not return`);
	returned.delete(nodeName);
	return outputs;
}

function assertAllPaired(nodeName: string, what: string): void {
	const items = pairedItemsOf(nodeName).flat();
	assert.ok(items.length > 0, `${what}: no items`);
	for (const [index, pairedItem] of items.entries())
		assert.deepEqual(pairedItem, { item: 0 }, `${what}: item ${index}`);
}

/** The one error item a failed node hands on, with its message and how to fix it. */
function assertErrorItem(items: INodeExecutionData[], message: RegExp, description: RegExp): void {
	assert.equal(items.length, 1, JSON.stringify(items.map((item) => item.json)));
	const [item] = items;
	assert.deepEqual(Object.keys(item.json).sort(), ['description', 'error']);
	assert.match(String(item.json.error), message);
	assert.match(String(item.json.description), description);
	assert.equal(item.binary, undefined, 'a failed item carries no half-loaded files');
}

function folder(name: string, files: Record<string, string>): string {
	const path = join(dir, name);
	mkdirSync(path, { recursive: true });
	for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
	return path;
}

const EXPORTS = {
	'erp.csv': 'product_id,price\n1,10\n',
	'liaison.csv': 'product_id,sku\n1,A\n',
	'web.csv': 'sku,title\nA,one\n',
};

/** Load Sales Exports reading a folder, followed by a Clean Table that takes whatever it hands on. */
const loadFolder = (path: string, settings: Pick<NodeSpec, 'onError' | 'continueOnFail'> = {}) =>
	runWorkflow({
		nodeTypes,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			{
				name: 'Load',
				type: type('loadSalesExports'),
				parameters: { source: 'folder', folder: path },
				...settings,
			},
			{
				name: 'Next',
				type: type('cleanTable'),
				parameters: { inputMode: 'items', steps: { step: [] } },
			},
		],
		edges: [
			['Start', 'Load'],
			['Load', 'Next'],
		],
	});

const LOAD_FAILURES: Array<[string, () => string, RegExp, RegExp]> = [
	[
		'a missing folder',
		() => join(dir, 'no-such-folder'),
		/folder "?\S*no-such-folder/,
		/Check (that the folder exists|the path)/,
	],
	[
		'a folder with no matching export',
		() => folder('only-erp', { 'erp.csv': EXPORTS['erp.csv'] }),
		/No file in folder .*only-erp matches "liaison" for the liaison export/,
		/Files found: erp\.csv\. Give each export a file name that contains its word/,
	],
	[
		'a broken expected.json',
		() => folder('broken-expected', { ...EXPORTS, 'expected.json': '{"erp_rows": 8' }),
		/expected\.json is not valid JSON/,
		/Fix the file/,
	],
];

describe('Load Sales Exports honours Continue On Fail', () => {
	for (const [what, path, message, description] of LOAD_FAILURES) {
		test(`${what}: with Continue On Fail, one error item with pairedItem and the workflow goes on`, async () => {
			const result = await loadFolder(path(), { continueOnFail: true });
			assert.equal(result.error, undefined, result.error?.message);
			assertErrorItem(result.output('Load'), message, description);
			assert.deepEqual(pairedItemsOf('Load'), [[{ item: 0 }]]);
			// The next node ran on the error item.
			assert.match(String(result.output('Next')[0].json.error), message);
		});

		test(`${what}: without it, a NodeOperationError saying what, which and how to fix stops the workflow`, async () => {
			const result = await loadFolder(path());
			assert.equal(result.run.data.resultData.error?.name, 'NodeOperationError');
			assert.equal(result.error?.node, 'Load');
			assert.match(result.error!.message, message);
			assert.match(result.error!.description ?? '', description);
			assert.equal(result.run.data.resultData.runData.Next, undefined, 'the next node did not run');
		});
	}

	test('"On Error: Continue" (the newer setting) is honoured too', async () => {
		const result = await loadFolder(LOAD_FAILURES[1][1](), { onError: 'continueRegularOutput' });
		assert.equal(result.error, undefined, result.error?.message);
		assertErrorItem(result.output('Load'), LOAD_FAILURES[1][2], LOAD_FAILURES[1][3]);
	});

	test('an error that is not one of ours (stored bytes gone) becomes a NodeOperationError, or the error item', async () => {
		const path = folder('lost', { ...EXPORTS, 'expected.json': '{"erp_rows": 1}' });
		const upload = (settings: Pick<NodeSpec, 'continueOnFail'>) =>
			runWorkflow({
				nodeTypes,
				nodes: [
					{
						name: 'Start',
						type: 'test.items',
						parameters: { items: [{}] } as unknown as INodeParameters,
					},
					{
						name: 'Upload',
						type: 'test.files',
						parameters: {
							files: Object.keys(EXPORTS)
								.concat('expected.json')
								.map((file) => ({ path: join(path, file), property: file.split('.')[0] })),
						} as unknown as INodeParameters,
					},
					{
						name: 'Lose',
						type: 'test.loseBinary',
						parameters: { property: 'expected' } as unknown as INodeParameters,
					},
					{
						name: 'Load',
						type: type('loadSalesExports'),
						parameters: { source: 'upload' },
						...settings,
					},
				],
				edges: [
					['Start', 'Upload'],
					['Upload', 'Lose'],
					['Lose', 'Load'],
				],
			});
		const stopped = await upload({});
		assert.equal(stopped.run.data.resultData.error?.name, 'NodeOperationError');
		assert.match(stopped.error!.message, /^Could not load the exports: /);
		assert.match(stopped.error!.description ?? '', /Check that the export files still exist/);
		const continued = await upload({ continueOnFail: true });
		assert.equal(continued.error, undefined, continued.error?.message);
		assertErrorItem(
			continued.output('Load'),
			/^Could not load the exports: /,
			/Check that the export files still exist/,
		);
		assert.deepEqual(pairedItemsOf('Load'), [[{ item: 0 }]]);
	});
});

const PRICES: IDataObject[] = [1, 2, 3, 4, 5, 100].map((price, i) => ({
	id: i + 1,
	sku: `S${i + 1}`,
	price,
	total_sales: 2,
}));

describe('table nodes with Continue On Fail put one error item, with pairedItem, on output 0', () => {
	test('Clean Table: an unknown column', async () => {
		const result = await runNode(
			'cleanTable',
			{ steps: { step: [{ stepType: 'dropMissing', missingColumns: 'skuu' }] } },
			[PRICES],
			{ continueOnFail: true },
		);
		assert.equal(result.error, undefined, result.error?.message);
		assertErrorItem(
			result.output('Node'),
			/Column "skuu" not found/,
			/Columns found: id, sku, price/,
		);
		assert.deepEqual(pairedItemsOf('Node'), [[{ item: 0 }]]);
	});

	test('Premium Score (2 outputs): a threshold out of range; the second output stays empty', async () => {
		const result = await runNode('premiumScore', { threshold: 1e9 }, [PRICES], {
			continueOnFail: true,
		});
		assert.equal(result.error, undefined, result.error?.message);
		assertErrorItem(result.output('Node', 0), /Threshold .* is not usable/, /from 0 to 100/);
		assert.deepEqual(result.output('Node', 1), []);
		assert.deepEqual(pairedItemsOf('Node'), [[{ item: 0 }], []]);
	});

	test('Data Quality Check (2 outputs): a failed check set to stop goes to output 0, not to "Failed"', async () => {
		const checks = {
			check: [
				{
					checkName: 'cheap',
					checkType: 'valueRange',
					severity: 'error',
					rangeColumn: 'price',
					rangeMin: '0',
					rangeMax: '50',
				},
			],
		};
		const result = await runNode('dataQualityCheck', { onFailure: 'stop', checks }, [PRICES], {
			onError: 'continueRegularOutput',
		});
		assert.equal(result.error, undefined, result.error?.message);
		assertErrorItem(
			result.output('Node', 0),
			/1 data quality check\(s\) failed: cheap/,
			/1 failing row/,
		);
		assert.deepEqual(result.output('Node', 1), []);
		assert.deepEqual(pairedItemsOf('Node'), [[{ item: 0 }], []]);
	});

	test('without Continue On Fail the same failure stops the workflow', async () => {
		const result = await runNode('premiumScore', { threshold: 1e9 }, [PRICES]);
		assert.match(result.error?.message ?? '', /Threshold .* is not usable/);
	});
});

/** Start → rows → each node in turn. */
const pipeline = (rows: IDataObject[], nodes: NodeSpec[]) =>
	runWorkflow({
		nodeTypes,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			{
				name: 'Rows',
				type: 'test.items',
				parameters: { items: rows } as unknown as INodeParameters,
			},
			...nodes,
		],
		edges: [
			['Start', 'Rows'],
			...nodes.map((node, i) => [i ? nodes[i - 1].name : 'Rows', node.name] as [string, string]),
		],
	});

const ok = (result: WorkflowResult) => assert.equal(result.error, undefined, result.error?.message);

describe('every item of a successful run carries pairedItem', () => {
	test('Load Sales Exports', async () => {
		const result = await loadFolder(
			folder('complete', { ...EXPORTS, 'expected.json': '{"erp_rows": 1}' }),
		);
		ok(result);
		assertAllPaired('Load', 'Load Sales Exports');
	});

	for (const outputMode of ['rows', 'table']) {
		test(`${outputMode} mode: Clean Table, Merge Tables, Premium Score, Revenue, Data Quality Check`, async () => {
			const runs: Array<[string, string, IDataObject[][]]> = [
				['cleanTable', 'Clean Table', [PRICES]],
				['mergeTables', 'Merge Tables', [PRICES, PRICES]],
				['premiumScore', 'Premium Score with CSV files', [PRICES]],
				['revenue', 'Revenue with its report', [PRICES]],
				['dataQualityCheck', 'Data Quality Check, passed', [PRICES]],
				['dataQualityCheck', 'Data Quality Check, routed to Failed', [PRICES]],
			];
			const parameters: IDataObject[] = [
				{ steps: { step: [] } },
				{ joins: { join: [{ input: 2, joinType: 'left', leftKeys: 'id', rightKeys: 'id' }] } },
				{ method: 'iqr', createCsv: true },
				{ groupBy: 'sku', createReport: true },
				{ checks: { check: [{ checkType: 'notNull', notNullColumns: 'sku' }] } },
				{
					onFailure: 'route',
					checks: {
						check: [
							{ checkType: 'valueRange', rangeColumn: 'price', rangeMin: '0', rangeMax: '50' },
						],
					},
				},
			];
			for (const [index, [node, what, inputs]] of runs.entries()) {
				ok(await runNode(node, { outputMode, ...parameters[index] }, inputs));
				assertAllPaired('Node', `${what} (${outputMode})`);
			}
		});
	}

	test('Table mode: a Data Quality Check handing its input table on unchanged', async () => {
		const result = await pipeline(PRICES, [
			{
				name: 'Clean',
				type: type('cleanTable'),
				parameters: { outputMode: 'table', steps: { step: [] } },
			},
			{
				name: 'Check',
				type: type('dataQualityCheck'),
				parameters: {
					outputMode: 'table',
					checks: { check: [{ checkType: 'notNull', notNullColumns: 'sku' }] },
				},
			},
		]);
		ok(result);
		assert.equal(
			result.output('Check')[0].binary?.data?.id,
			result.output('Clean')[0].binary?.data?.id,
			'the same Parquet file went on',
		);
		assertAllPaired('Check', 'Data Quality Check, table passed on');
	});

	test('Rows mode with no rows left: the item made to carry the report files', async () => {
		const result = await pipeline(PRICES, [
			{
				name: 'Clean',
				type: type('cleanTable'),
				parameters: {
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
			},
			{ name: 'Revenue', type: type('revenue'), parameters: { createReport: true } },
		]);
		ok(result);
		assert.equal(result.output('Revenue')[0].json.rowCount, 0);
		assertAllPaired('Revenue', 'Revenue with no rows');
	});
});
