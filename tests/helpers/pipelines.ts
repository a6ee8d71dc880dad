import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { DuckSession } from '../../nodes/shared/duckdb';
import { quoteLiteral } from '../../nodes/shared/sql';
import type { ExpectedFigures } from '../../scripts/sample-data/generator';
import type { ExportName } from './bottleneck';
import { binaryPath, runWorkflow } from './engine';
import type { NodeSpec, WorkflowResult, WorkflowSpec } from './engine';
import { nodeTypes, type } from './nodes';

export type OutputMode = 'rows' | 'table';

export function cleanNode(
	name: string,
	property: string | undefined,
	steps: INodeParameters[],
	outputMode: OutputMode,
): NodeSpec {
	return {
		name,
		type: type('cleanTable'),
		parameters: {
			...(property ? { binaryPropertyName: property } : {}),
			steps: { step: steps } as unknown as INodeParameters,
			outputMode,
		},
	};
}

/**
 * The agreed monthly process up to the merge: the three exports arrive on one item (as a
 * webhook upload would), each is cleaned, then ERP ⋈ LIAISON ⋈ WEB.
 */
export function cleanAndMergeWorkflow(
	files: Record<ExportName, string>,
	outputMode: OutputMode,
	webDedup: 'highest' | 'first' = 'highest',
): WorkflowSpec {
	const dedup = (key: string): INodeParameters => ({
		stepType: 'deduplicate',
		dedupKeys: key,
		dedupStrategy: 'first',
	});
	return {
		nodeTypes,
		nodes: [
			{
				name: 'Exports',
				type: 'test.files',
				parameters: {
					files: Object.entries(files).map(([property, path]) => ({ property, path })),
				} as unknown as INodeParameters,
			},
			cleanNode('Clean ERP', 'erp', [dedup('product_id')], outputMode),
			cleanNode('Clean Liaison', 'liaison', [dedup('product_id')], outputMode),
			cleanNode(
				'Web Missing Sku',
				'web',
				[{ stepType: 'dropMissing', missingColumns: 'sku' }],
				outputMode,
			),
			cleanNode(
				'Web Dedup',
				undefined,
				[
					{
						stepType: 'deduplicate',
						dedupKeys: 'sku',
						dedupStrategy: webDedup,
						dedupOrderColumn: 'total_sales',
					},
				],
				outputMode,
			),
			{
				name: 'Merge',
				type: type('mergeTables'),
				parameters: {
					numberInputs: 3,
					joins: {
						join: [
							{ input: 2, joinType: 'inner', leftKeys: 'product_id', rightKeys: 'product_id' },
							{ input: 3, joinType: 'inner', leftKeys: 'id_web', rightKeys: 'sku' },
						],
					} as unknown as INodeParameters,
					outputMode,
				},
			},
		],
		edges: [
			['Exports', 'Clean ERP'],
			['Exports', 'Clean Liaison'],
			['Exports', 'Web Missing Sku'],
			['Web Missing Sku', 'Web Dedup'],
			['Clean ERP', 'Merge', 0],
			['Clean Liaison', 'Merge', 1],
			['Web Dedup', 'Merge', 2],
		],
	};
}

/** The files of the source node reach each node through one item; a single-file source uses `data`. */
export function singleFile(path: string): Record<string, string> {
	return { data: path };
}

export function rowCount(
	result: WorkflowResult,
	node: string,
	mode: OutputMode,
	outputIndex = 0,
): number {
	const items = result.output(node, outputIndex);
	return mode === 'table' ? Number(items[0]?.json.rowCount) : items.length;
}

/** Rows a node handed on, read back through DuckDB whatever the mode, to compare both modes. */
export async function queryOutput(
	items: INodeExecutionData[],
	mode: OutputMode,
	sql: (relation: string) => string,
) {
	const session = await DuckSession.open();
	try {
		if (mode === 'table') {
			await session.run(
				`CREATE TEMP TABLE t AS SELECT * FROM read_parquet(${quoteLiteral(binaryPath(items[0]))})`,
			);
		} else {
			const path = session.scratchPath('rows.json');
			require('node:fs').writeFileSync(
				path,
				items.map((item) => JSON.stringify(item.json)).join('\n'),
			);
			await session.run(
				`CREATE TEMP TABLE t AS SELECT * FROM read_json(${quoteLiteral(path)}, format = 'newline_delimited', sample_size = -1)`,
			);
		}
		return await session.jsonRows(sql('t'));
	} finally {
		await session.close();
	}
}

export { runWorkflow };

export type StageFigures = Pick<
	ExpectedFigures,
	| 'erp_rows'
	| 'liaison_rows'
	| 'web_clean_rows'
	| 'web_dedup_rows'
	| 'merged_rows'
	| 'revenue_total'
>;

const revenueSql = (t: string) =>
	`SELECT CAST(sum(CAST(price AS DECIMAL(18,2)) * total_sales) AS DECIMAL(18,2))::VARCHAR AS revenue FROM ${t}`;

/** Revenue of the merged rows, exact to the cent, whatever the output mode. */
export async function mergedRevenue(result: WorkflowResult, mode: OutputMode): Promise<string> {
	const [{ revenue }] = await queryOutput(result.output('Merge'), mode, revenueSql);
	return String(revenue);
}

/** The counts of each stage of cleanAndMergeWorkflow and the merged revenue. */
export async function stageFigures(
	result: WorkflowResult,
	mode: OutputMode,
): Promise<StageFigures> {
	if (result.error) throw new Error(`${result.error.node}: ${result.error.message}`);
	return {
		erp_rows: rowCount(result, 'Clean ERP', mode),
		liaison_rows: rowCount(result, 'Clean Liaison', mode),
		web_clean_rows: rowCount(result, 'Web Missing Sku', mode),
		web_dedup_rows: rowCount(result, 'Web Dedup', mode),
		merged_rows: rowCount(result, 'Merge', mode),
		revenue_total: await mergedRevenue(result, mode),
	};
}

/** The monthly process through revenue and premium scoring, with the report files on. */
export function fullPipelineWorkflow(
	files: Record<ExportName, string>,
	outputMode: OutputMode,
): WorkflowSpec {
	const spec = cleanAndMergeWorkflow(files, outputMode);
	spec.nodes.push(
		{
			name: 'Revenue',
			type: type('revenue'),
			parameters: {
				createReport: true,
				reportOptions: {
					period: 'Octobre 2020',
					labelColumn: 'post_title',
					columns: 'product_id, sku, post_title, price, total_sales',
				},
				outputMode,
			} as INodeParameters,
		},
		{
			name: 'Premium',
			type: type('premiumScore'),
			parameters: { createCsv: true, outputMode } as INodeParameters,
		},
	);
	spec.edges.push(['Merge', 'Revenue'], ['Revenue', 'Premium']);
	return spec;
}

export type ReferenceFigures = StageFigures & Pick<ExpectedFigures, 'premium_count'>;

/** The seven tests of the agreed monthly process, as Data Quality Check nodes after each stage. */
export function withReferenceChecks(spec: WorkflowSpec, figures: ReferenceFigures): WorkflowSpec {
	const rowCheck = (checkName: string, expected: number) => ({
		checkName,
		checkType: 'rowCount',
		severity: 'error',
		rowCountExpected: String(expected),
	});
	const stages: Array<[string, string, object[], number?]> = [
		[
			'Clean ERP',
			'Check ERP',
			[
				rowCheck('ERP rows', figures.erp_rows),
				{
					checkName: 'ERP product_id unique',
					checkType: 'unique',
					severity: 'error',
					uniqueColumns: 'product_id',
				},
			],
		],
		['Clean Liaison', 'Check Liaison', [rowCheck('LIAISON rows', figures.liaison_rows)]],
		[
			'Web Missing Sku',
			'Check Web Clean',
			[rowCheck('WEB rows with a sku', figures.web_clean_rows)],
		],
		[
			'Web Dedup',
			'Check Web Dedup',
			[
				rowCheck('WEB rows after dedup', figures.web_dedup_rows),
				{ checkName: 'sku unique', checkType: 'unique', severity: 'error', uniqueColumns: 'sku' },
			],
		],
		[
			'Merge',
			'Check Merge',
			[
				rowCheck('Merged rows', figures.merged_rows),
				{
					checkName: 'Positive prices',
					checkType: 'valueRange',
					severity: 'error',
					rangeColumn: 'price',
					rangeMin: '0',
					rangeInclusive: false,
				},
			],
		],
		[
			'Revenue',
			'Check Revenue',
			[
				{
					checkName: 'Total revenue',
					checkType: 'aggregateEquals',
					severity: 'error',
					aggregateColumn: 'revenue',
					aggregateExpected: figures.revenue_total,
				},
			],
		],
		['Premium', 'Check Premium', [rowCheck('Premium products', figures.premium_count)], 0],
	];
	for (const [stage, name, checks, output] of stages) {
		spec.nodes.push({
			name,
			type: type('dataQualityCheck'),
			parameters: {
				onFailure: 'route',
				outputMode: 'table',
				checks: { check: checks },
			} as unknown as INodeParameters,
		});
		spec.edges.push([stage, name, 0, output ?? 0]);
	}
	return spec;
}

/** Every check of every Data Quality Check node of a run, by node. */
export function checkResults(result: WorkflowResult, nodes: string[]) {
	return nodes.flatMap((node) => {
		const failed = result.output(node, 1)[0]?.json as
			| { checks: Array<Record<string, unknown>> }
			| undefined;
		const passed = result.output(node, 0)[0]?.json.statistics as
			| { checks: Array<Record<string, unknown>> }
			| undefined;
		return (failed ?? passed)!.checks.map((check) => ({
			node,
			name: check.name,
			status: check.status,
			observed: check.observed,
		}));
	});
}

export const CHECK_NODES = [
	'Check ERP',
	'Check Liaison',
	'Check Web Clean',
	'Check Web Dedup',
	'Check Merge',
	'Check Revenue',
	'Check Premium',
];
