import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { HISTORY_STORAGE_FIELD } from '../shared/history/open';
import { tableInputProperties, tableOutputProperties } from '../shared/table';
import * as compare from './actions/compare';
import * as record from './actions/record';

export const operations = { compare, record };
export type SalesHistoryOperation = keyof typeof operations;

const operationOptions = [
	{
		name: 'Compare With History',
		value: 'compare',
		action: 'Compare this month with the history',
		description:
			'Revenue change against the previous recorded month and the same month a year earlier, top risers and fallers, products new and gone, premium in and out',
	},
	{
		name: 'Record This Month',
		value: 'record',
		action: 'Record this month in the history',
		description:
			"Store this month's products, figures and check results; recording a month again replaces it",
	},
] as const satisfies ReadonlyArray<INodePropertyOptions & { value: SalesHistoryOperation }>;

/** The values Operation offers. */
export const OPERATION_VALUES = operationOptions.map((option) => option.value);

export const salesHistoryProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [...operationOptions],
		default: 'compare',
	},
	HISTORY_STORAGE_FIELD,
	...tableInputProperties,
	...compare.properties,
	...record.properties,
	...tableOutputProperties('sales-history.parquet'),
];
