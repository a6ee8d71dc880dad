import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { historyFileCredentialTest } from '../shared/history/open';
import { TABLE_NODE_DEFAULTS } from '../shared/table';
import type { SummaryFields } from '../shared/table/figures';
import { OPERATION_VALUES, operations, salesHistoryProperties } from './description';
import { readSalesHistoryOperation } from './parameters';

/** Evaluated by the editor to name the inputs of each operation. Must stay self-contained. */
const configuredInputs = (parameters: INodeParameters) =>
	parameters.operation === 'record'
		? [
				{ type: 'main', displayName: 'Run Summary' },
				{ type: 'main', displayName: 'Products' },
			]
		: [
				{ type: 'main', displayName: 'Products' },
				{ type: 'main', displayName: 'Premium Products' },
			];

/** Evaluated by the editor: Compare has the comparison and this period's products; Record what it recorded. Table mode adds Preview. */
const configuredOutputs = (parameters: INodeParameters) => {
	const named = parameters.operation === 'record' ? ['Recorded'] : ['Comparison', 'This Period'];
	const outputs = named.map((displayName) => ({ type: 'main', displayName }));
	return parameters.outputMode === 'table'
		? [...outputs, { type: 'main', displayName: 'Preview' }]
		: outputs;
};

export class SalesHistory implements INodeType {
	static readonly summaryFields = {
		period: 'The month compared or recorded (YYYY-MM)',
		previousPeriod:
			'The latest month recorded before it, the one compared with, or "none recorded" (Comparison output)',
		newProducts:
			'How many products sell this month and did not in the previous month (Comparison output)',
		goneProducts:
			'How many products sold in the previous month and do not this month (Comparison output)',
		premiumIn: 'How many products became premium since the previous month (Comparison output)',
		premiumOut:
			'How many products are no longer premium since the previous month (Comparison output)',
		products:
			"This month's products: ready to record (This Period output), or recorded (Recorded output)",
		checks: 'How many check results were recorded with the month (Recorded output)',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Sales History',
		name: 'salesHistory',
		icon: { light: 'file:salesHistory.svg', dark: 'file:salesHistory.dark.svg' },
		subtitle:
			'={{ (($parameter["operation"] === "record" ? $parameter["recordPeriod"] : $parameter["comparePeriod"]) || "").toString().startsWith("=") || !($parameter["operation"] === "record" ? $parameter["recordPeriod"] : $parameter["comparePeriod"]) ? ($parameter["operation"] === "record" ? "record the month" : "compare the month with the history") : ($parameter["operation"] === "record" ? "record " + $parameter["recordPeriod"] : "compare " + $parameter["comparePeriod"] + " with the history") }}',
		description:
			"Month over month: record each month's results, compare a month with the previous one and a year earlier (trend, risers and fallers, premium in and out)",
		inputs: `={{(${configuredInputs})($parameter)}}`,
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		requiredInputs: 2,
		credentials: [
			...TABLE_NODE_DEFAULTS.credentials,
			{
				name: 'salesHistoryFile',
				required: true,
				testedBy: 'salesHistoryFileTest',
				displayOptions: { show: { historyStorage: ['file'] } },
			},
			// n8n's own Postgres credential, the one users already have.
			{
				name: 'postgres',
				required: true,
				displayOptions: { show: { historyStorage: ['postgres'] } },
			},
		],
		properties: salesHistoryProperties,
		defaults: { name: 'Sales History' },
	};

	methods = { credentialTest: { salesHistoryFileTest: historyFileCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await operations[readSalesHistoryOperation(this, OPERATION_VALUES)].execute.call(this);
	}
}
