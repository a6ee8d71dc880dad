import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runTableNode, TABLE_NODE_DEFAULTS, tableNodeOutputs } from '../shared/table';
import type { Table } from '../shared/table';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { countText } from '../shared/reading';
import { cleanProperties } from './description';
import { readCleanParameters } from './parameters';
import { findStep } from './steps';

/**
 * The steps in the plain words of their labels, shortened. Evaluated in the browser on the
 * stored parameters, so it cannot import the labels: keep the two in step. A field left at its
 * default may be absent (stepType dropMissing, missingScope columns, castType number).
 */
const SUBTITLE =
	'={{ (($parameter["steps"] || {}).step || []).map(s => ((list, type) => ' +
	'type === "dropMissing" ? (s.missingScope === "any" ? "drop rows with any empty value" : "drop rows without " + list(s.missingColumns, "or")) : ' +
	'type === "deduplicate" ? "remove duplicate " + list(s.dedupKeys, "and") : ' +
	'type === "trimText" ? "trim text in " + (String(s.trimColumns || "").trim() ? list(s.trimColumns, "and") : "all text columns") : ' +
	'type === "castColumns" ? "convert " + list(s.castColumns, "and") + " to " + ({ text: "text", integer: "whole number", decimal: "money", number: "number", date: "date", timestamp: "date and time", boolean: "true/false" }[s.castType || "number"] || s.castType) : ' +
	'type === "filterRows" ? "keep rows where " + list(s.filterColumn, "and") + " …" : type' +
	')((text, word) => ((names) => names.length < 2 ? names[0] || "?" : names.slice(0, -1).join(", ") + " " + word + " " + names[names.length - 1])' +
	'(String(text || "").split(",").map(n => n.trim()).filter(n => n)), s.stepType || "dropMissing")).join(" → ") || "no steps" }}';

/** What a step that removed every row should make the user look at. */
const SUSPECT = (stepType: string) =>
	stepType === 'filterRows' ? "the step's condition" : "the step's columns";

export class Clean implements INodeType {
	static readonly summaryFields = {
		rowsIn: 'Rows in the input table',
		rowsOut: 'Rows left after every step',
		'removed · <step label>':
			'Rows one step removed, named by its label (e.g. "removed · remove duplicate sku (keep highest total_sales)"); a second step with the same words adds " (step N)"',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Clean Table',
		name: 'cleanTable',
		icon: { light: 'file:clean.svg', dark: 'file:clean.dark.svg' },
		subtitle: SUBTITLE,
		outputs: tableNodeOutputs(['Table']),
		description:
			'Remove duplicates, drop empty rows, trim text, convert types and filter rows of a table',
		properties: cleanProperties,
		defaults: { name: 'Clean Table' },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(
			this,
			1,
			async ({ session, loader, emitter }) => {
				let table: Table = await loader.load(0, 'input', 'the input table');
				const rowsIn = table.rows;
				const { steps } = readCleanParameters(this);
				const stepStatistics: IDataObject[] = [];
				// The figure names come from the steps' labels: the declared "removed · <step label>".
				const removedBy: Record<string, number> = {};
				const removals: string[] = [];
				const warnings: string[] = [];
				for (const [index, parameters] of steps.entries()) {
					const step = findStep(parameters.stepType);
					const position = `Step ${index + 1}`;
					if (!step) {
						throw new NodeOperationError(
							this.getNode(),
							`${position}: unknown step type "${parameters.stepType}"`,
							{
								description: 'Remove the step and add it again from the list.',
							},
						);
					}
					const fail = (message: string, hint: string): never => {
						throw new NodeOperationError(this.getNode(), `${position} (${step.name}): ${message}`, {
							description: hint,
						});
					};
					const query = await step
						.build({ session, table, parameters, fail })
						.catch((error: Error) => {
							if (error instanceof NodeOperationError) throw error;
							return fail(
								error.message,
								'hint' in error
									? String((error as Error & { hint: string }).hint)
									: 'Check the step settings.',
							);
						});
					const next: Table = {
						...table,
						...(await loader.createTable(`step_${index + 1}`, query.select, query.params)),
					};
					const label = step.label(parameters);
					const removed = table.rows - next.rows;
					stepStatistics.push({
						step: index + 1,
						type: step.value,
						label,
						rowsIn: table.rows,
						rowsOut: next.rows,
						rowsRemoved: removed,
						...query.details,
					});
					// Two steps with the same words keep a figure each.
					const key = `removed · ${label}`;
					removedBy[key in removedBy ? `${key} (step ${index + 1})` : key] = removed;
					if (removed > 0)
						removals.push(
							`${countText(removed)} ${step.removed?.(parameters) ?? `removed by ${label}`}`,
						);
					if (table.rows > 0 && next.rows === 0) {
						warnings.push(
							`${position} (${label}) removed all ${countText(table.rows)} rows — check ${SUSPECT(step.value)}`,
						);
					}
					table = next;
				}
				const statistics: IDataObject = {
					input: table.source.detail,
					rowsIn,
					rowsOut: table.rows,
					rowsRemoved: rowsIn - table.rows,
					steps: stepStatistics,
					warnings,
				};
				const outcome = removals.length
					? removals.join(', ')
					: steps.length
						? 'no rows removed'
						: 'no cleaning steps';
				const figures: SummaryFigures<typeof Clean.summaryFields> = {
					rowsIn,
					rowsOut: table.rows,
					...removedBy,
				};
				// Which input was read (a file, its sheet or CSV dialect, a table, items) is the second sentence.
				const summary = `${countText(rowsIn)} rows in, ${countText(table.rows)} out: ${outcome}. Input: ${table.source.detail}.`;
				return [await emitter.emit({ table, statistics, summary, figures, warnings })];
			},
			{ previewOutput: true },
		);
	}
}
