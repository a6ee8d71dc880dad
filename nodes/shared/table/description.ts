import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { fileOptionFields, readableExtensions } from './formats';
import { DEFAULT_MEMORY_LIMIT } from '../duckdb';
import { ENGINE_CREDENTIAL } from './types';

/**
 * A field that takes column names. With requiresDataPath, a column dragged from the input panel
 * lands as its name (added comma-separated to a list), not as a `{{ $json.x }}` expression.
 */
export const COLUMN_LIST_FIELD = {
	requiresDataPath: 'multiple',
	hint: 'Comma-separated; drag columns from the input panel',
} as const;
export const COLUMN_FIELD = {
	requiresDataPath: 'single',
	hint: 'Drag a column from the input panel, or type its name',
} as const;

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
			{
				name: 'Items (One Row per Item)',
				value: 'items',
				description: 'The JSON of each incoming item is one row',
			},
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

/**
 * Rows output holds every row as an n8n item in n8n's heap: 4.2 GB on the Node 24 that runs n8n
 * here (24 GB of RAM), about 2 GB on an 8 GB machine. Measured on the generated web export (28
 * columns): 2.3 KB of heap per item and 4.5 KB per row at the hand-off's peak (DuckDB's rows and
 * the items at once), so 1M rows need more than the whole heap. In a real n8n server (Webhook →
 * Load → Clean Table, Rows output) the process peaked at 2.3 GB for 100k rows (3.1 GB with long
 * HTML descriptions) and 4.4 GB for 300k, DuckDB's 1 GB included: about 1 GB per 100k rows, once
 * n8n has copied the items to save the run. 100k leaves room on a 2 GB heap; 300k would not.
 */
export const DEFAULT_ROWS_OUTPUT_LIMIT = 100_000;

/**
 * The data a Rows output may hold per row allowed, as DuckDB estimates it (text bytes, 12 per
 * other value), so a few very wide rows are stopped too: 411 bytes per row of the web export,
 * about 1.6 KB with HTML descriptions. The estimate scans 1M rows in 130-280 ms (a cast of every
 * column to text took 0.5-1.2 s), and runs only on tables within the row limit.
 */
export const ROWS_OUTPUT_BYTES_PER_ROW = 2048;

/** The first rows a Table output shows in its Preview output (and in its item's `preview`). */
export const DEFAULT_PREVIEW_ROWS = 10;

/** The binary property of a Table item's Spreadsheet Copy. */
export const SPREADSHEET_COPY_PROPERTY = 'spreadsheet';

/**
 * The `outputs` of a table node, evaluated by the editor (self-contained text): its data outputs
 * and, in Table mode, a Preview output with the first rows as items. n8n's Table view draws one
 * row per item and nests anything inside an item as a key: value list, so a grid of the table
 * needs items of its own; on their own output they reach no node that is not wired to them.
 */
export function tableNodeOutputs(names: string[]): `={{${string}}}` {
	const named = names.map((displayName) => ({ type: 'main', displayName }));
	const rows = names.length > 1 ? named : [{ type: 'main' }];
	const table = [...named, { type: 'main', displayName: 'Preview' }];
	return `={{ $parameter["outputMode"] === "table" ? ${JSON.stringify(table)} : ${JSON.stringify(rows)} }}`;
}

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
				{
					name: 'Rows',
					value: 'rows',
					description: 'One item per row, easy to inspect and use in any node',
				},
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
				'Table output keeps every row inside a Parquet file: use it for more than a few thousand rows, or when the next node is another Sales Analytics node. Rows output stops above its Rows Output Limit (Table Options).',
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
			options: [
				{
					displayName: 'Output Binary Property',
					name: 'binaryPropertyName',
					type: 'string',
					default: 'data',
					displayOptions: { show: { '/outputMode': ['table'] } },
				},
				{
					displayName: 'File Name',
					name: 'fileName',
					type: 'string',
					default: defaultFileName,
					displayOptions: { show: { '/outputMode': ['table'] } },
				},
				{
					displayName: 'Preview Rows',
					name: 'previewRows',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 100 },
					default: DEFAULT_PREVIEW_ROWS,
					description:
						'How many first rows the Preview output shows as a grid (and the item holds as "preview")',
					displayOptions: { show: { '/outputMode': ['table'] } },
				},
				{
					displayName: 'Spreadsheet Copy',
					name: 'spreadsheetCopy',
					type: 'options',
					default: 'none',
					options: [
						{
							name: 'None',
							value: 'none',
							description: 'Only the Parquet file, which spreadsheets cannot open',
						},
						{
							name: 'CSV',
							value: 'csv',
							description:
								'Every row in a CSV file that Excel and LibreOffice open. About 1 s per million rows.',
						},
						{
							name: 'Excel (Xlsx)',
							value: 'xlsx',
							description:
								'Every row in an xlsx workbook (up to 1,048,575 rows). About a minute per million rows.',
						},
					],
					description: `Attach every row as a file a spreadsheet opens, in the binary property "${SPREADSHEET_COPY_PROPERTY}" (download it from the Binary tab)`,
					displayOptions: { show: { '/outputMode': ['table'] } },
				},
				{
					displayName: 'Rows Output Limit',
					name: 'rowsOutputLimit',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_ROWS_OUTPUT_LIMIT,
					description: `The most rows handed on as items; a table with more, or with more than ${ROWS_OUTPUT_BYTES_PER_ROW / 1024} KB of data per row allowed, stops the node instead of exhausting n8n's memory. 0 means no limit.`,
					displayOptions: { show: { '/outputMode': ['rows'] } },
				},
			],
		},
		{
			displayName: `Engine settings are optional: without a Sales Analytics Engine Settings credential, DuckDB gets ${DEFAULT_MEMORY_LIMIT} of memory per n8n process and every core`,
			name: 'engineNotice',
			type: 'notice',
			default: '',
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
