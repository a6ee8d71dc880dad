import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { quoteList } from '../shared/sql';
import { countText } from '../shared/reading';
import {
	findColumns,
	rowsToJson,
	runTableNode,
	TABLE_NODE_DEFAULTS,
	tableNodeOutputs,
} from '../shared/table';
import type { Table } from '../shared/table';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { JOIN_TYPES, mergeProperties } from './description';
import type { DuckSession } from '../shared/duckdb';
import type { JoinType } from './description';
import { joinSql, selectList, unmatchedSql } from './join';
import type { JoinPlan } from './join';
import { readMergeTablesParameters } from './parameters';
import type { JoinEntry } from './parameters';

/** A join whose input and type were checked; its keys are checked against the tables. */
type CheckedJoin = Partial<JoinEntry> & Pick<JoinEntry, 'input' | 'joinType'>;

/** Evaluated by the editor to draw one input per table. Must stay self-contained. */
const configuredInputs = (parameters: INodeParameters) =>
	Array.from({ length: Number(parameters.numberInputs) || 2 }, (_, index) => ({
		type: 'main',
		displayName: `Table ${index + 1}`,
	}));

export class MergeTables implements INodeType {
	static readonly summaryFields = {
		rowsOut: 'rows in the merged table',
		'unmatched · table <n>':
			'rows of table n that found no match in the join that adds it (table 1: in the first join)',
		'unmatched · join <n>': 'rows made by join n that found no match in the next join',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Merge Tables',
		name: 'mergeTables',
		icon: { light: 'file:mergeTables.svg', dark: 'file:mergeTables.dark.svg' },
		subtitle:
			'={{ ($parameter["joins"]?.join ?? []).length ? ($parameter["joins"]?.join ?? []).map(j => j.joinType || "inner").filter((type, index, all) => all.indexOf(type) === index).join(" + ") + " join of " + ($parameter["numberInputs"] || 2) + " tables" : ($parameter["numberInputs"] || 2) + " tables, no join yet" }}',
		description:
			'Combine two or more tables on matching key columns, like a spreadsheet lookup (inner, left, right, full or anti join)',
		inputs: `={{(${configuredInputs})($parameter)}}`,
		outputs: tableNodeOutputs(['Table']),
		// A join never runs on part of its tables: if a check upstream routed a table away, it waits.
		requiredInputs: '={{ $parameter["numberInputs"] || 2 }}',
		properties: mergeProperties,
		defaults: { name: 'Merge Tables' },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(
			this,
			1,
			async ({ session, loader, emitter }) => {
				const parameters = readMergeTablesParameters(this);
				const { inputCount } = parameters;
				const joins = checkJoinsCoverInputs(this, parameters.joins, inputCount);

				const tables: Table[] = [];
				for (let index = 0; index < inputCount; index++) {
					const table = await loader.load(index, `input_${index + 1}`, `input ${index + 1}`);
					const files = table.source.files?.length ? ` (${table.source.files.join(', ')})` : '';
					tables.push({ ...table, label: `input ${index + 1}${files}` });
				}

				let result = tables[0];
				const joinStatistics: IDataObject[] = [];
				for (const [position, join] of joins.entries()) {
					const right = tables[join.input - 1];
					const where = `Join ${position + 1} (input ${join.input})`;
					const leftKeys = findColumns(result, join.leftKeys);
					const rightKeys = findColumns(right, join.rightKeys);
					if (!leftKeys.length || leftKeys.length !== rightKeys.length) {
						throw new NodeOperationError(this.getNode(), `${where}: key columns do not pair up`, {
							description: `Give the same number of key columns on both sides (now ${leftKeys.length} and ${rightKeys.length}), e.g. "product_id" and "product_id".`,
						});
					}
					const mismatched = leftKeys.findIndex(
						(left, index) => left.type !== rightKeys[index].type,
					);
					if (parameters.keyComparison === 'exact' && mismatched >= 0) {
						const [l, r] = [leftKeys[mismatched], rightKeys[mismatched]];
						throw new NodeOperationError(
							this.getNode(),
							`${where}: keys "${l.name}" (${l.type}) and "${r.name}" (${r.type}) have different types`,
							{
								description:
									'Set "Compare Keys" to "As Text" so 15298 and "15298" match, or convert one column with Clean Table first.',
							},
						);
					}
					const plan: JoinPlan = {
						left: result,
						right,
						type: join.joinType,
						keys: leftKeys.map((left, index) => ({ left, right: rightKeys[index] })),
						suffix: join.clashSuffix?.trim() || `_input${join.input}`,
						comparison: parameters.keyComparison,
						ignoreCase: parameters.ignoreCase,
					};
					const joined = await loader.createTable(`joined_${position + 1}`, joinSql(plan));
					const rows = joined.rows;
					joinStatistics.push({
						join: position + 1,
						input: join.input,
						type: plan.type,
						keys: plan.keys.map((k) => `${k.left.name} = ${k.right.name}`).join(' and '),
						rowsLeft: result.rows,
						rowsRight: right.rows,
						rowsOut: rows,
						...(await unmatched(session, plan, 'left')),
						...(await unmatched(session, plan, 'right')),
						renamedColumns: selectList(plan).renamed,
					});
					result = { ...result, ...joined, label: `the result of join ${position + 1}` };
				}

				const statistics: IDataObject = {
					inputs: tables.map((t) => ({ input: t.label, rows: t.rows, source: t.source.detail })),
					rowsOut: result.rows,
					joins: joinStatistics,
				};
				// Each join's left side is table 1, then what the joins before it made.
				const leftName = (join: number) => (join === 1 ? 'table 1' : `join ${join - 1}`);
				// Named as the joins run ('unmatched · table 2'), so declared with a placeholder.
				const unmatchedFigures: IDataObject = {};
				for (const j of joinStatistics) {
					unmatchedFigures[`unmatched · ${leftName(j.join as number)}`] = j.unmatchedLeftRows;
					unmatchedFigures[`unmatched · table ${j.input as number}`] = j.unmatchedRightRows;
				}
				const figures: SummaryFigures<typeof MergeTables.summaryFields> = {
					rowsOut: result.rows,
					...unmatchedFigures,
				};
				const perJoin = joinStatistics.map(
					(j) =>
						`join ${j.join as number} (${j.type as string} on ${j.keys as string}): ${countText(j.unmatchedLeftRows as number)} rows of ${leftName(j.join as number)} and ${countText(j.unmatchedRightRows as number)} of table ${j.input as number} found no match`,
				);
				const summary = `Merged ${tables.length} tables into ${countText(result.rows)} rows. ${perJoin.join('; ').replace(/^./, (first) => first.toUpperCase())}.`;
				return [await emitter.emit({ table: result, statistics, summary, figures })];
			},
			{ previewOutput: true },
		);
	}
}

/** Every input after the first must be joined exactly once, with a known join type. */
function checkJoinsCoverInputs(
	ctx: IExecuteFunctions,
	joins: Array<Partial<JoinEntry>>,
	inputCount: number,
): CheckedJoin[] {
	function fail(message: string, description: string): never {
		throw new NodeOperationError(ctx.getNode(), message, { description });
	}
	if (!joins.length)
		fail(
			'No join is set up',
			'Add one join per input after the first, e.g. input 2 on product_id.',
		);
	const seen = new Set<number>();
	const checked: CheckedJoin[] = [];
	for (const [position, join] of joins.entries()) {
		const input = Number(join.input);
		if (!Number.isInteger(input) || input < 2 || input > inputCount) {
			fail(
				`Join ${position + 1} names input ${String(join.input)}, but the node has inputs 1 to ${inputCount}`,
				'Pick an input between 2 and "Number of Inputs".',
			);
		}
		if (seen.has(input))
			fail(`Input ${input} is joined twice`, 'Each input after the first is joined once.');
		const { joinType } = join;
		if (!isJoinType(joinType)) {
			fail(
				`Join ${position + 1} has an unknown join type "${String(joinType)}"`,
				`Choose one of: ${Object.keys(JOIN_TYPES).join(', ')}.`,
			);
		}
		seen.add(input);
		checked.push({ ...join, input, joinType });
	}
	const missing = Array.from({ length: inputCount - 1 }, (_, i) => i + 2).filter(
		(input) => !seen.has(input),
	);
	if (missing.length)
		fail(
			`Input ${missing.join(', ')} is connected but not joined`,
			'Add a join for it, or lower "Number of Inputs".',
		);
	return checked;
}

const isJoinType = (value: unknown): value is JoinType =>
	typeof value === 'string' && value in JOIN_TYPES;

/** How many rows and distinct keys of one side found no partner, with a few examples. */
async function unmatched(
	session: DuckSession,
	plan: JoinPlan,
	side: 'left' | 'right',
): Promise<IDataObject> {
	const columns = side === 'left' ? plan.keys.map((k) => k.left) : plan.keys.map((k) => k.right);
	const keys = quoteList(columns.map((c) => c.name));
	const sql = unmatchedSql(plan, side);
	const Side = side === 'left' ? 'Left' : 'Right';
	return {
		[`unmatched${Side}Rows`]: await session.count(`SELECT count(*) FROM (${sql})`),
		[`unmatched${Side}Keys`]: await session.count(
			`SELECT count(*) FROM (SELECT DISTINCT ${keys} FROM (${sql}))`,
		),
		[`unmatched${Side}Samples`]: rowsToJson(
			await session.rows(`SELECT DISTINCT ${keys} FROM (${sql}) LIMIT 5`),
		),
	};
}
