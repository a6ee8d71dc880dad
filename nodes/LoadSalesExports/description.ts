import type { INodeProperties } from 'n8n-workflow';

const SOURCE_OPTIONS = [
	{ name: 'Auto: Uploaded Files if Any, Else the Folder', value: 'auto' },
	{ name: 'Folder', value: 'folder' },
	{ name: 'Files on the Incoming Item (Upload)', value: 'upload' },
] as const;

/** Where the exports are read from: the values of Source. */
export const SOURCES = SOURCE_OPTIONS.map((option) => option.value);

export const loadExportsProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'auto',
		options: [...SOURCE_OPTIONS],
	},
	{
		displayName: 'Folder',
		name: 'folder',
		type: 'string',
		default: '',
		placeholder: '/home/node/.n8n-files/exports',
		description: "Where this month's exports are saved. Must be a folder n8n may read.",
		displayOptions: { hide: { source: ['upload'] } },
	},
	{
		displayName: 'Exports',
		name: 'exports',
		type: 'fixedCollection',
		placeholder: 'Add Export',
		default: {
			export: [
				{ name: 'erp', match: 'erp' },
				{ name: 'liaison', match: 'liaison' },
				{ name: 'web', match: 'web' },
			],
		},
		typeOptions: { multipleValues: true },
		description:
			'Each export is found by a word in its file name (case-insensitive) and handed on under its name',
		options: [
			{
				displayName: 'Export',
				name: 'export',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'erp',
						description: 'The binary property it is handed on under',
					},
					{
						displayName: 'File Name Contains',
						name: 'match',
						type: 'string',
						default: '',
						placeholder: 'erp',
					},
				],
			},
		],
	},
	{
		displayName: 'Expected Figures File',
		name: 'expectedFile',
		type: 'string',
		default: 'expected.json',
		description:
			'Optional JSON file of reference figures beside the exports; its keys are handed on under "expected"',
	},
];
