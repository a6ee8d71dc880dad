import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { TABLE_MARKER } from '../nodes/shared/table/types';
import { generateSample } from '../scripts/sample-data/generator';
import { runWorkflow } from './helpers/engine';
import type { NodeSpec, WorkflowResult } from './helpers/engine';
import { nodeTypes, PACKAGE, type } from './helpers/nodes';

const dir = mkdtempSync(join(tmpdir(), 'save-summary-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'rapport.csv'), 'a\n1\n');

/** Stands in for a Sales Analytics node: puts the items of its `outputs` parameter on its outputs. */
class Stub implements INodeType {
	description: INodeTypeDescription;

	constructor(inputs: number, outputs: number) {
		this.description = {
			displayName: 'Stub',
			name: 'stub',
			group: ['transform'],
			version: 1,
			description: 'test stub',
			defaults: { name: 'Stub' },
			inputs: Array.from({ length: inputs }, () => NodeConnectionTypes.Main),
			outputs: Array.from({ length: outputs }, () => NodeConnectionTypes.Main),
			properties: [{ displayName: 'Outputs', name: 'outputs', type: 'json', default: '[]' }],
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return this.getNodeParameter('outputs', 0) as INodeExecutionData[][];
	}
}

/** Our node types, the upstream ones replaced by stubs under their real type names. */
const stubbed = {
	...nodeTypes,
	[type('cleanTable')]: new Stub(1, 1),
	[type('dataQualityCheck')]: new Stub(1, 2),
	[type('mergeTables')]: new Stub(2, 1),
	[type('revenue')]: new Stub(1, 1),
	[type('premiumScore')]: new Stub(1, 2),
};

/** A Table-mode item with a node's statistics, as TableEmitter hands it on. */
const table = (rowCount: number, statistics: IDataObject): INodeExecutionData => ({
	json: { tableFormat: TABLE_MARKER, rowCount, columnCount: 3, statistics, preview: [] },
	pairedItem: { item: 0 },
});
/** Rows-mode output: the rows themselves, no statistics. */
const rows = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { sku: `s${index}`, price: 10 + index },
		pairedItem: { item: 0 },
	}));

const check = (name: string, observed: unknown, expected: unknown, status = 'pass') => ({
	name,
	type: 'rowCount',
	severity: 'error',
	status,
	observed,
	expected,
	message: `${name}: observed ${String(observed)}`,
	failingRows: 0,
	samples: [],
});

const STATISTICS = {
	cleanErp: { input: 'items', rowsIn: 830, rowsOut: 825, rowsRemoved: 5, steps: [] },
	checkErp: {
		input: 'table',
		rows: 825,
		passed: true,
		errors: 0,
		warnings: 0,
		skipped: 0,
		checks: [
			check('ERP rows', 825, 825),
			check('ERP id unique', '0 failing row(s)', 'unique product_id'),
		],
	},
	cleanWeb: { input: 'items', rowsIn: 1513, rowsOut: 714, rowsRemoved: 799, steps: [] },
	checkWeb: {
		input: 'table',
		rows: 714,
		passed: true,
		errors: 0,
		warnings: 1,
		skipped: 1,
		checks: [check('Web rows', 714, null, 'skipped'), check('Web sku <b>', 3, 0, 'warn')],
	},
	merge: { inputs: [], rowsOut: 714, joins: [] },
	revenue: {
		input: 'table',
		totalRevenue: '54931.80',
		currency: 'EUR',
		rows: 714,
		report: { fileName: 'rapport_ca.xlsx', period: 'October 2026' },
	},
	checkRevenue: {
		input: 'table',
		rows: 714,
		passed: true,
		errors: 0,
		warnings: 0,
		skipped: 0,
		checks: [check('Total revenue', '54931.80', '54931.80')],
	},
	premium: {
		input: 'table',
		method: 'z-score > 2, population standard deviation',
		column: 'price',
		premiumCount: 3,
		ordinaryCount: 711,
		topPremium: [
			{
				sku: 'A1',
				post_title: 'Château <Margaux> & Co',
				name: 'ignored',
				price: 225.5,
				price_score: 4.1,
			},
			{ sku: 'B2', post_title: null, name: 'Named only', price: 120, price_score: 3.2 },
			{ sku: 'C3', post_title: '', price: 99.9, price_score: 2.5 },
		],
	},
};

interface Shape {
	/** Output of a node by name, instead of its Table item. */
	override?: Record<string, INodeExecutionData[]>;
	save?: IDataObject;
	typeVersion?: number;
}

/**
 * The shipped workflow's shape, stubbed: two cleaned and checked branches into a merge (Web
 * on input 2, declared first), revenue, its check, premium score and its check, then Save.
 */
async function pipeline(folder: string, shape: Shape = {}): Promise<WorkflowResult> {
	const out = (name: string, items: INodeExecutionData[], second: INodeExecutionData[] = []) => [
		shape.override?.[name] ?? items,
		second,
	];
	const stub = (name: string, kind: string, outputs: unknown[]): NodeSpec => ({
		name,
		type: type(kind),
		parameters: { outputs } as unknown as INodeParameters,
	});
	return await runWorkflow({
		nodeTypes: stubbed,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			stub('Clean Web', 'cleanTable', out('Clean Web', [table(714, STATISTICS.cleanWeb)])),
			stub('Check Web', 'dataQualityCheck', out('Check Web', [table(714, STATISTICS.checkWeb)])),
			stub('Clean ERP', 'cleanTable', out('Clean ERP', [table(825, STATISTICS.cleanErp)])),
			stub('Check ERP', 'dataQualityCheck', out('Check ERP', [table(825, STATISTICS.checkErp)])),
			stub('Merge Exports', 'mergeTables', out('Merge Exports', [table(714, STATISTICS.merge)])),
			stub('Revenue', 'revenue', out('Revenue', [table(714, STATISTICS.revenue)])),
			stub(
				'Check Revenue',
				'dataQualityCheck',
				out('Check Revenue', [table(714, STATISTICS.checkRevenue)]),
			),
			stub(
				'Premium Score',
				'premiumScore',
				out('Premium Score', [table(3, STATISTICS.premium)], [table(711, STATISTICS.premium)]),
			),
			{
				name: 'Save',
				type: type('saveReportFiles'),
				typeVersion: shape.typeVersion ?? 2,
				parameters: { numberInputs: 2, folder, ...shape.save } as INodeParameters,
			},
		],
		edges: [
			['Start', 'Clean Web'],
			['Clean Web', 'Check Web'],
			['Check Web', 'Merge Exports', 1],
			['Start', 'Clean ERP'],
			['Clean ERP', 'Check ERP'],
			['Check ERP', 'Merge Exports', 0],
			['Merge Exports', 'Revenue'],
			['Revenue', 'Check Revenue'],
			['Check Revenue', 'Premium Score'],
			['Premium Score', 'Save', 0, 0],
			['Premium Score', 'Save', 1, 1],
		],
	});
}

const saved = (folder: string) =>
	JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')) as IDataObject;

const FULL_SUMMARY = {
	period: 'October 2026',
	currency: 'EUR',
	figures: {
		clean_erp_rows: 825,
		check_erp_rows: 825,
		clean_web_rows: 714,
		check_web_rows: 714,
		merged_rows: 714,
		revenue_total: '54931.80',
		check_revenue_rows: 714,
		premium_count: 3,
		ordinary_count: 711,
	},
	checks: [
		{ name: 'ERP rows', status: 'pass', observed: 825, expected: 825 },
		{
			name: 'ERP id unique',
			status: 'pass',
			observed: '0 failing row(s)',
			expected: 'unique product_id',
		},
		{ name: 'Web rows', status: 'skipped', observed: 714, expected: null },
		{ name: 'Web sku <b>', status: 'warn', observed: 3, expected: 0 },
		{ name: 'Total revenue', status: 'pass', observed: '54931.80', expected: '54931.80' },
	],
	topPremium: [
		{ name: 'Château <Margaux> & Co', price: 225.5 },
		{ name: 'Named only', price: 120 },
		{ name: 'C3', price: 99.9 },
	],
	notes: [],
};

describe('Save Report Files builds the summary from the run (Summary: Built From This Run)', () => {
	test("the default of a new node: figures, every check in run order (branches in the merge's input order), top premium", async () => {
		const folder = join(dir, 'full');
		const result = await pipeline(folder);
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(saved(folder), FULL_SUMMARY);
		assert.deepEqual(
			Object.keys(saved(folder).figures as IDataObject),
			Object.keys(FULL_SUMMARY.figures),
		);
		const [item] = result.output('Save');
		assert.deepEqual(item.json.summary, FULL_SUMMARY);
		// The messages are composed from it, as from the expression's summary before.
		const message = item.json.message as { slack: { text: string }; text: string };
		assert.equal(
			message.slack.text,
			'Sales report October 2026: revenue €54,931.80, 3 premium products',
		);
		assert.match(
			message.text,
			/^Monthly sales report — October 2026\n\nRevenue: €54,931\.80\nPremium products: 3\n\nTop 5 premium products:\n- Château <Margaux> & Co — €225\.50\n- Named only — €120\.00\n- C3 — €99\.90\n\nChecks: \d+ passed, 1 warning, \d+ skipped\nChecks to look at:\n- Web sku <b> \(warn\): observed 3, expected 0\n/,
		);
		assert.deepEqual(readdirSync(folder), ['summary.json']);
	});

	test('Currency set on the node wins over the one Revenue used', async () => {
		const folder = join(dir, 'currency');
		const result = await pipeline(folder, { save: { summaryMode: 'run', currency: ' USD ' } });
		assert.equal(result.error, undefined, result.error?.description);
		assert.equal(saved(folder).currency, 'USD');
	});

	test('Rows-mode upstream nodes: their figures are left out, not 0, and the notes say why', async () => {
		const folder = join(dir, 'rows');
		const result = await pipeline(folder, {
			override: { 'Clean Web': rows(4), 'Check ERP': rows(825), 'Premium Score': rows(3) },
		});
		assert.equal(result.error, undefined, result.error?.description);
		const summary = saved(folder);
		assert.deepEqual(summary.figures, {
			clean_erp_rows: 825,
			check_web_rows: 714,
			merged_rows: 714,
			revenue_total: '54931.80',
			check_revenue_rows: 714,
		});
		assert.deepEqual(summary.checks, FULL_SUMMARY.checks.slice(2));
		assert.equal(summary.topPremium, undefined);
		assert.deepEqual(summary.notes, [
			'"Check ERP" hands on rows, not a table: figures.check_erp_rows and its checks left out. Set its Output to Table to have them here.',
			'"Clean Web" hands on rows, not a table: figures.clean_web_rows left out. Set its Output to Table to have them here.',
			'"Premium Score" hands on rows, not a table: figures.premium_count, figures.ordinary_count and topPremium left out. Set its Output to Table to have them here.',
		]);
		// The messages show a dash for what is missing, never a made-up 0.
		const message = result.output('Save')[0].json.message as { text: string };
		assert.match(message.text, /\nRevenue: €54,931\.80\nPremium products: —\n/);
	});

	test('Revenue without its Excel report: no period, and a note', async () => {
		const folder = join(dir, 'no-period');
		const { report: _report, ...revenue } = STATISTICS.revenue;
		const result = await pipeline(folder, { override: { Revenue: [table(714, revenue)] } });
		assert.equal(result.error, undefined, result.error?.description);
		const summary = saved(folder);
		assert.equal('period' in summary, false);
		assert.deepEqual(summary.notes, [
			'"Revenue" made no Excel report, which names the period: the summary has none. Turn on its "Create Excel Report" for one.',
		]);
	});

	test('no Sales Analytics node upstream: the files only, and a hint', async () => {
		const folder = join(dir, 'nothing-upstream');
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Files',
					type: 'test.files',
					parameters: { files: [{ path: join(dir, 'rapport.csv') }] } as unknown as INodeParameters,
				},
				{ name: 'Save', type: type('saveReportFiles'), typeVersion: 2, parameters: { folder } },
			],
			edges: [['Files', 'Save']],
		});
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(readdirSync(folder), ['rapport.csv']);
		assert.equal(result.output('Save')[0].json.summary, undefined);
		assert.deepEqual(result.hints('Save'), [
			'No Sales Analytics node runs before this one, so no summary was written. Set Summary to Custom JSON to give one, or to None.',
		]);
	});
});

describe('Save Report Files: Custom JSON and None', () => {
	test('Custom JSON is written as given', async () => {
		const folder = join(dir, 'custom');
		const custom = { period: '2026-10', figures: { revenue_total: '1.00' } };
		const result = await pipeline(folder, {
			save: { summaryMode: 'custom', summary: JSON.stringify(custom) },
		});
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(saved(folder), custom);
		assert.deepEqual(result.output('Save')[0].json.summary, custom);
	});

	test('a version 1 node saved with a Summary JSON and no Summary setting keeps its JSON', async () => {
		const folder = join(dir, 'version-1');
		const custom = { period: 'from the expression' };
		const result = await pipeline(folder, {
			typeVersion: 1,
			save: { summary: JSON.stringify(custom) },
		});
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(saved(folder), custom);
	});

	test('a version 1 node without Summary JSON writes no summary, as before', async () => {
		const folder = join(dir, 'version-1-files');
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Files',
					type: 'test.files',
					parameters: { files: [{ path: join(dir, 'rapport.csv') }] } as unknown as INodeParameters,
				},
				{ name: 'Save', type: type('saveReportFiles'), parameters: { folder } },
			],
			edges: [['Files', 'Save']],
		});
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(readdirSync(folder), ['rapport.csv']);
	});

	test('None writes no summary file and composes no message', async () => {
		const folder = join(dir, 'none');
		const result = await runWorkflow({
			nodeTypes: stubbed,
			nodes: [
				{
					name: 'Files',
					type: 'test.files',
					parameters: {
						files: [{ path: join(dir, 'rapport.csv'), property: 'report' }],
					} as unknown as INodeParameters,
				},
				{
					name: 'Revenue',
					type: type('revenue'),
					parameters: { outputs: [[table(714, STATISTICS.revenue)]] } as unknown as INodeParameters,
				},
				{
					name: 'Save',
					type: type('saveReportFiles'),
					typeVersion: 2,
					parameters: { numberInputs: 2, folder, summaryMode: 'none' },
				},
			],
			edges: [
				['Files', 'Revenue'],
				['Revenue', 'Save', 0],
				['Files', 'Save', 1],
			],
		});
		assert.equal(result.error, undefined, result.error?.description);
		assert.deepEqual(readdirSync(folder), ['rapport.csv']);
		const json = result.output('Save')[0].json;
		assert.deepEqual(Object.keys(json).sort(), ['files', 'folder']);
		assert.ok(!existsSync(join(folder, 'summary.json')));
	});
});

/**
 * The Summary JSON expression the shipped workflow used before Built From This Run, reading
 * Premium Score's Premium output (0) where it read the output Save is connected to (1): only
 * the Premium output carries the scoring's full statistics.
 */
const PASTED_EXPRESSION = `={{ JSON.stringify({
  period: $('Revenue').first().json.statistics.report.period,
  currency: $('Config').first().json.currency,
  figures: {
    erp_rows: $('Check ERP').first().json.rowCount,
    liaison_rows: $('Check Liaison').first().json.rowCount,
    web_clean_rows: $('Check Web').first().json.rowCount,
    web_dedup_rows: $('Check Web Dedup').first().json.rowCount,
    merged_rows: $('Check Merge').first().json.rowCount,
    revenue_total: $('Revenue').first().json.statistics.totalRevenue,
    premium_count: $('Premium Score').first(0).json.statistics.premiumCount,
    ordinary_count: $('Premium Score').first(0).json.statistics.ordinaryCount
  },
  checks: ["Check ERP", "Check Liaison", "Check Web", "Check Web Dedup", "Check Merge", "Check Revenue", "Check Premium"].flatMap(n => $(n).first().json.statistics.checks).map(c => ({ name: c.name, status: c.status, observed: c.observed, expected: c.expected })),
  topPremium: $('Premium Score').first(0).json.statistics.topPremium.map(p => ({ name: p.post_title ?? p.sku, price: p.price }))
}) }}`;

describe('the shipped workflow, real nodes on a generated month', () => {
	test('Built From This Run gives the values the pasted expression gave', async () => {
		const workflow = JSON.parse(
			readFileSync(join(__dirname, '../workflows/bottleneck-monthly-report.json'), 'utf8'),
		) as {
			nodes: Array<{
				name: string;
				type: string;
				typeVersion: number;
				parameters: INodeParameters;
			}>;
			connections: Record<string, { main: Array<Array<{ node: string; index: number }> | null> }>;
		};
		const month = join(dir, 'month');
		const sample = await generateSample({ webRows: 400, seed: 7, outDir: month, formats: ['csv'] });
		const [newOut, oldOut] = [join(dir, 'shipped-new'), join(dir, 'shipped-old')];
		const ours = workflow.nodes.filter((node) => node.type.startsWith(`${PACKAGE}.`));
		const save = ours.find((node) => node.type === type('saveReportFiles'))!;
		assert.deepEqual(save.parameters, {
			numberInputs: 4,
			folder: "={{ $('Config').first().json.outputFolder }}",
			summaryMode: 'run',
			locale: "={{ $('Config').first().json.locale }}",
			summaryFileName: 'summary.json',
		});
		const kept = new Set(['Config', ...ours.map((node) => node.name)]);
		const edges: Array<[string, string, number, number]> = [];
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			if (!kept.has(from)) continue;
			main.forEach((targets, output) =>
				targets?.forEach(
					(target) =>
						kept.has(target.node) && edges.push([from, target.node, target.index, output]),
				),
			);
		}
		// The pasted expression's Save, beside the new one, on the same inputs.
		for (const edge of edges.filter(([, to]) => to === save.name))
			edges.push([edge[0], 'Old Save', edge[2], edge[3]]);

		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Config',
					type: 'test.items',
					parameters: {
						items: [
							{
								inputFolder: month,
								outputFolder: newOut,
								currency: 'EUR',
								period: '2026-10',
								startedAt: new Date().toISOString(),
							},
						],
					} as unknown as INodeParameters,
				},
				...ours.map((node) => ({
					name: node.name,
					type: node.type,
					typeVersion: node.typeVersion,
					parameters: node.parameters,
				})),
				{
					name: 'Old Save',
					type: type('saveReportFiles'),
					typeVersion: 1,
					parameters: { numberInputs: 4, folder: oldOut, summary: PASTED_EXPRESSION },
				},
			],
			edges,
			// The month-over-month history (Compare History, Record History, the anomaly checks) in a file of its own.
			credentials: {
				salesHistoryFile: {
					path: join(dir, 'history', 'sales-history.duckdb'),
					lockWaitSeconds: 5,
				},
			},
		});
		assert.equal(
			result.error,
			undefined,
			`${result.error?.node}: ${result.error?.message} ${result.error?.description}`,
		);
		const [now, before] = [saved(newOut), saved(oldOut)];
		const figures = now.figures as IDataObject;
		const old = before.figures as IDataObject;
		for (const key of ['merged_rows', 'revenue_total', 'premium_count', 'ordinary_count'])
			assert.equal(figures[key], old[key], key);
		assert.equal(figures.revenue_total, sample.expected.revenue_total);
		assert.equal(figures.premium_count, sample.expected.premium_count);
		// The row counts under the names of the check nodes that counted them.
		assert.deepEqual(
			[
				figures.check_erp_rows,
				figures.check_liaison_rows,
				figures.check_web_rows,
				figures.check_web_dedup_rows,
				figures.check_merge_rows,
			],
			[old.erp_rows, old.liaison_rows, old.web_clean_rows, old.web_dedup_rows, old.merged_rows],
		);
		for (const key of ['currency', 'checks', 'topPremium'] as const)
			assert.deepEqual(now[key], before[key], key);
		// The expression named the period by Revenue's label; the summary now by the month Sales History compared.
		assert.deepEqual([now.period, before.period], ['2026-10', 'October 2026']);
		assert.equal(now.comparison, null, 'the first month recorded has nothing to compare with');
		// The seven reference checks and the six structural ones, and the two history checks, skipped with no history yet.
		assert.equal((now.checks as unknown[]).length, 15);
		assert.deepEqual(
			(now.checks as IDataObject[]).filter(
				(check) =>
					check.status === 'skipped' &&
					['WEB volume', 'Revenue trend'].includes(String(check.name)),
			).length,
			2,
		);
		assert.deepEqual(now.notes, []);
		// The messages too, but for the period and the folder they name.
		const message = (node: string) =>
			result.output(node)[0].json.message as {
				slack: { text: string; blocks: IDataObject[] };
				text: string;
				html: string;
			};
		for (const key of ['text', 'html'] as const)
			assert.equal(
				message(save.name)[key],
				message('Old Save')[key].replaceAll('October 2026', '2026-10').replaceAll(oldOut, newOut),
				key,
			);
		assert.equal(
			message(save.name).slack.text,
			message('Old Save').slack.text.replace('October 2026', '2026-10'),
		);
		assert.deepEqual(
			message(save.name).slack.blocks.slice(1, -1),
			message('Old Save').slack.blocks.slice(1, -1),
		);
	});
});
