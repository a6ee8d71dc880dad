import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runTableNode, TABLE_NODE_DEFAULTS } from '../shared/table';
import type { Table } from '../shared/table';
import { cleanProperties } from './description';
import { findStep } from './steps';

export class Clean implements INodeType {
	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		usableAsTool: true,
		displayName: 'Clean Table',
		name: 'cleanTable',
		icon: { light: 'file:clean.svg', dark: 'file:clean.dark.svg' },
		subtitle: '={{ ($parameter["steps"]?.step ?? []).map(s => s.stepType).join(" → ") || "no steps" }}',
		description: 'Drop missing values, trim, convert types, filter and deduplicate a table with DuckDB',
		properties: cleanProperties,
		defaults: { name: 'Clean Table' },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(this, 1, async ({ session, loader, emitter }) => {
			let table: Table = await loader.load(0, 'input', 'the input table');
			const rowsIn = table.rows;
			const steps = this.getNodeParameter('steps.step', 0, []) as IDataObject[];
			const stepStatistics: IDataObject[] = [];
			for (const [index, parameters] of steps.entries()) {
				const step = findStep(parameters.stepType as string);
				const position = `Step ${index + 1}`;
				if (!step) {
					throw new NodeOperationError(this.getNode(), `${position}: unknown step type "${parameters.stepType as string}"`, {
						description: 'Remove the step and add it again from the list.',
					});
				}
				const fail = (message: string, hint: string): never => {
					throw new NodeOperationError(this.getNode(), `${position} (${step.name}): ${message}`, { description: hint });
				};
				const query = await step.build({ session, table, parameters, fail }).catch((error: Error) => {
					if (error instanceof NodeOperationError) throw error;
					return fail(error.message, 'hint' in error ? String((error as Error & { hint: string }).hint) : 'Check the step settings.');
				});
				const next: Table = { ...table, ...(await loader.createTable(`step_${index + 1}`, query.select, query.params)) };
				stepStatistics.push({
					step: index + 1,
					type: step.value,
					label: step.label(parameters),
					rowsIn: table.rows,
					rowsOut: next.rows,
					rowsRemoved: table.rows - next.rows,
					...query.details,
				});
				table = next;
			}
			const statistics: IDataObject = {
				input: table.source.detail,
				rowsIn,
				rowsOut: table.rows,
				rowsRemoved: rowsIn - table.rows,
				steps: stepStatistics,
			};
			const perStep = stepStatistics.map((s) => `${s.label as string}: −${s.rowsRemoved as number}`).join('; ');
			const summary = `${rowsIn} rows in, ${table.rows} out${perStep ? ` (${perStep})` : ''}. Input: ${table.source.detail}.`;
			return [await emitter.emit({ table, statistics, summary })];
		});
	}
}
