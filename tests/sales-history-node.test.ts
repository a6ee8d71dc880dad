/**
 * The Sales History node in n8n-core's real WorkflowExecute (tests/helpers/engine.ts), on the
 * embedded DuckDB file store: Compare a month with the history, Record it, and the next month
 * compared with it; a month recorded again replaces it; and the errors a person gets for a
 * missing period and a history file outside n8n's folders.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { openDuckDbHistory } from '../nodes/shared/history/duckdbFile';
import { binaryPath, runWorkflow } from './helpers/engine';
import type { NodeSpec } from './helpers/engine';
import { nodeTypes, type } from './helpers/nodes';

const dir = mkdtempSync(join(tmpdir(), 'sales-history-node-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Puts the items of its `items` parameter on its output when its input arrives. */
class Rows implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Rows',
		name: 'rows',
		group: ['transform'],
		version: 1,
		description: 'test rows',
		defaults: { name: 'Rows' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			(this.getNodeParameter('items', 0) as IDataObject[]).map((json) => ({
				json,
				pairedItem: { item: 0 },
			})),
		];
	}
}

const types = { ...nodeTypes, 'test.rows': new Rows() };

interface Product {
	product_id: number;
	post_title: string;
	price: number;
	total_sales: number;
	revenue: number;
	premium?: boolean;
}

const rowsNode = (name: string, items: object[]): NodeSpec => ({
	name,
	type: 'test.rows',
	parameters: { items } as unknown as INodeParameters,
});

/** Compare `period`'s products with the history, then Record them with a run summary, as the shipped workflow will. */
async function month(
	history: string,
	period: string,
	products: Product[],
	options: { record?: boolean; comparePeriod?: string; compare?: IDataObject } = {},
) {
	const history_ = { historyStorage: 'file', outputMode: 'table' };
	const nodes: NodeSpec[] = [
		{
			name: 'Start',
			type: 'test.items',
			parameters: { items: [{}] } as unknown as INodeParameters,
		},
		rowsNode(
			'Products',
			products.map(({ premium: _premium, ...product }) => product),
		),
		rowsNode(
			'Premium',
			products
				.filter((product) => product.premium)
				.map(({ premium: _premium, ...product }) => product),
		),
		{
			name: 'Compare',
			type: type('salesHistory'),
			parameters: {
				...history_,
				operation: 'compare',
				comparePeriod: options.comparePeriod ?? period,
				top: 2,
				...options.compare,
			},
		},
	];
	const edges: Array<[string, string, number?, number?]> = [
		['Start', 'Products'],
		['Start', 'Premium'],
		['Products', 'Compare', 0],
		['Premium', 'Compare', 1],
	];
	if (options.record !== false) {
		const revenue = products.reduce((sum, product) => sum + product.revenue, 0).toFixed(2);
		nodes.push(
			rowsNode('Summary', [
				{
					summary: {
						period,
						figures: {
							web_clean_rows: products.length * 2,
							merged_rows: products.length,
							revenue_total: revenue,
						},
						checks: [
							{
								name: 'Merged rows',
								status: 'pass',
								observed: products.length,
								expected: products.length,
							},
						],
					},
				},
			]),
		);
		nodes.push({
			name: 'Record',
			type: type('salesHistory'),
			parameters: {
				...history_,
				operation: 'record',
				recordPeriod: period,
				startedAt: new Date(Date.now() - 1500).toISOString(),
			},
		});
		edges.push(['Start', 'Summary'], ['Summary', 'Record', 0], ['Compare', 'Record', 1, 1]);
	}
	return await runWorkflow({
		nodeTypes: types,
		nodes,
		edges,
		credentials: { salesHistoryFile: { path: history, lockWaitSeconds: 5 } },
	});
}

const september: Product[] = [
	{
		product_id: 1,
		post_title: 'Château "A"',
		price: 50.05,
		total_sales: 2,
		revenue: 100.1,
		premium: true,
	},
	{ product_id: 2, post_title: 'Bordeaux B', price: 10, total_sales: 5, revenue: 50 },
	{ product_id: 3, post_title: 'Côtes C', price: 5, total_sales: 4, revenue: 20 },
];
const october: Product[] = [
	{
		product_id: 1,
		post_title: 'Château "A"',
		price: 60.05,
		total_sales: 2,
		revenue: 120.1,
		premium: true,
	},
	{
		product_id: 2,
		post_title: 'Bordeaux B',
		price: 20,
		total_sales: 2,
		revenue: 40,
		premium: true,
	},
	{ product_id: 4, post_title: 'Douro D', price: 10, total_sales: 3, revenue: 30 },
];

describe('Sales History node: compare with the history, then record', () => {
	const history = join(dir, 'history', 'sales-history.duckdb');

	test('a first month has nothing to compare with and is recorded', async () => {
		const result = await month(history, '2026-09', september);
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		const compared = result.output('Compare')[0].json;
		assert.equal(compared.summary, '2026-09: Revenue 170.10; no earlier period recorded.');
		assert.equal(
			(compared.statistics as IDataObject).comparison &&
				((compared.statistics as IDataObject).comparison as IDataObject).previous_period,
			null,
		);
		assert.equal(result.output('Compare', 1)[0].json.rowCount, 3);
		const recorded = result.output('Record')[0].json;
		assert.match(
			String(recorded.summary),
			/^Recorded 2026-09: 3 products, 3 figures and 1 check results in the history file .*sales-history\.duckdb\.$/,
		);
	});

	test('the next month: revenue change to the cent, products new and gone, premium in, risers and fallers', async () => {
		const result = await month(history, '2026-10', october);
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		const statistics = result.output('Compare')[0].json.statistics as IDataObject;
		const comparison = statistics.comparison as IDataObject;
		assert.equal(comparison.previous_period, '2026-09');
		assert.equal(comparison.revenue_total, '190.10');
		assert.equal(comparison.revenue_total_previous, '170.10');
		assert.equal(comparison.revenue_change, '20.00');
		assert.deepEqual(comparison.premium_in, ['2']);
		assert.deepEqual(comparison.premium_out, []);
		assert.equal(comparison.new_products, 1);
		assert.equal(comparison.gone_products, 1);
		assert.deepEqual(
			(comparison.top_risers as IDataObject[]).map((p) => [p.product_key, p.revenue_change]),
			[
				['4', '30.00'],
				['1', '20.00'],
			],
		);
		assert.deepEqual(
			(comparison.top_fallers as IDataObject[]).map((p) => [p.product_key, p.revenue_change]),
			[
				['3', '-20.00'],
				['2', '-10.00'],
			],
		);
		// This run's row counts come from the Sales Analytics nodes upstream (Clean Table, checks…): none here.
		assert.deepEqual(comparison.volume, {});
		assert.ok(
			(statistics.lines as string[]).some((line) => line.startsWith('Top risers: Douro D +30.00')),
			String(statistics.lines),
		);
	});

	test('a month recorded again replaces it: one October, with the new figures', async () => {
		const again = october.map((product) => ({ ...product, revenue: product.revenue + 1 }));
		const result = await month(history, '2026-10', again);
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		const store = await openDuckDbHistory(history);
		try {
			const runs = await store.runs();
			assert.deepEqual(
				runs.map((run) => run.period),
				['2026-09', '2026-10'],
			);
			assert.equal(runs[1].figures.revenue_total, '193.10');
			assert.ok(runs[1].durationMs >= 1500, `duration ${runs[1].durationMs} ms`);
			assert.deepEqual(runs[1].checks, [
				{ name: 'Merged rows', status: 'pass', observed: '3', expected: '3' },
			]);
		} finally {
			await store.close();
		}
	});

	test('Create Chart and Create Dashboard: tendance_ca.png and tableau_de_bord.html on output 1, drawn from the history in the Locale', async () => {
		const result = await month(history, '2026-11', october, {
			record: false,
			compare: { createChart: true, createDashboard: true, locale: 'fr-FR' },
		});
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		const [item] = result.output('Compare');
		const { chart, dashboard } = item.binary!;
		assert.deepEqual(
			[chart.fileName, chart.mimeType, dashboard.fileName, dashboard.mimeType],
			['tendance_ca.png', 'image/png', 'tableau_de_bord.html', 'text/html'],
		);
		assert.deepEqual(
			[...readFileSync(binaryPath(item, 'chart')).subarray(0, 8)],
			[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
			'a PNG',
		);
		const html = readFileSync(binaryPath(item, 'dashboard'), 'utf8');
		// The trend holds the recorded months and this one; the data-quality grid the recorded checks.
		for (const text of [
			'2026-09',
			'2026-10',
			'2026-11',
			'Merged rows',
			'Château &quot;A&quot;',
			'120,10',
		])
			assert.ok(html.includes(text), `${text} on the dashboard`);
		assert.ok(!html.includes('Château "A"'), 'labels escaped');
		// Off by default: no file unless asked for.
		const plain = await month(history, '2026-11', october, { record: false });
		assert.deepEqual(
			Object.keys(plain.output('Compare')[0].binary ?? {}).filter(
				(key) => key === 'chart' || key === 'dashboard',
			),
			[],
		);
	});

	test('an empty period is refused, never taken as "now"', async () => {
		const result = await month(history, '2026-11', october, { record: false, comparePeriod: ' ' });
		assert.equal(result.error?.message, 'No period given');
		assert.match(result.error?.description ?? '', /YYYY-MM, e\.g\. 2026-10/);
	});

	test('a history file outside the folders n8n may use is refused, naming the setting', async () => {
		const result = await month('/etc/sales-history.duckdb', '2026-11', october, { record: false });
		assert.equal(result.error?.message, 'The folder "/etc" is outside the folders n8n may use');
		assert.match(result.error?.description ?? '', /N8N_RESTRICT_FILE_ACCESS_TO/);
	});
});
