import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { fileOptionFields, readableExtensions } from './formats';
import { ENGINE_CREDENTIAL } from './types';

/** How every node of the package finds its input table. */
export const tableInputProperties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		noDataExpression: true,
		default: 'auto',
		options: [
			{
				name: 'Auto-Detect',
				value: 'auto',
				description:
					'A table from another Sales Analytics node or a file in the binary property if there is one, otherwise one row per item',
			},
			{ name: 'Items (One Row per Item)', value: 'items', description: 'The JSON of each incoming item is one row' },
			{
				name: 'File or Table in a Binary Property',
				value: 'binary',
				description: `An ${readableExtensions()} file, or a table from another Sales Analytics node`,
			},
		],
	},
	{
		displayName: 'Input Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		placeholder: 'data',
		hint: 'The binary property that holds the file or table. Items that upload several files carry one property per file.',
		displayOptions: { show: { inputMode: ['auto', 'binary'] } },
	},
	{
		displayName: 'File Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { inputMode: ['auto', 'binary'] } },
		options: fileOptionFields(),
	},
];

/** How every node hands its result on. */
export function tableOutputProperties(defaultFileName: string): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'outputMode',
			type: 'options',
			noDataExpression: true,
			default: 'rows',
			options: [
				{ name: 'Rows', value: 'rows', description: 'One item per row, easy to inspect and use in any node' },
				{
					name: 'Table',
					value: 'table',
					description:
						'One item with a summary and the whole table as a Parquet file. Best for big data and between Sales Analytics nodes.',
				},
			],
		},
		{
			displayName:
				'Table output keeps every row inside a Parquet file: use it for more than a few thousand rows, or when the next node is another Sales Analytics node',
			name: 'tableNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { outputMode: ['rows'] } },
		},
		{
			displayName: 'Table Options',
			name: 'tableOptions',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: { show: { outputMode: ['table'] } },
			options: [
				{
					displayName: 'Output Binary Property',
					name: 'binaryPropertyName',
					type: 'string',
					default: 'data',
				},
				{
					displayName: 'File Name',
					name: 'fileName',
					type: 'string',
					default: defaultFileName,
				},
				{
					displayName: 'Preview Rows',
					name: 'previewRows',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 100 },
					default: 5,
				},
			],
		},
	];
}

/** What every table node of the package shares: one main input and output by default, the engine credential. */
export const TABLE_NODE_DEFAULTS = {
	group: ['transform'],
	version: 1,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: ENGINE_CREDENTIAL, required: false }],
} satisfies Partial<INodeTypeDescription>;
