import type { INodeProperties } from 'n8n-workflow';
import { COLUMN_LIST_FIELD, tableInputProperties, tableOutputProperties } from '../shared/table';

export const MAX_INPUTS = 6;

export const JOIN_TYPES = {
	inner: 'Inner: Only Rows With a Match',
	left: 'Left: All Rows of the Result So Far',
	right: 'Right: All Rows of the Joined Input',
	full: 'Full: All Rows of Both',
	anti: 'Anti: Rows of the Result So Far With No Match',
} as const;

export type JoinType = keyof typeof JOIN_TYPES;

export const mergeProperties: INodeProperties[] = [
	{
		displayName: 'Number of Inputs',
		name: 'numberInputs',
		type: 'options',
		noDataExpression: true,
		default: 2,
		options: Array.from({ length: MAX_INPUTS - 1 }, (_, index) => ({
			name: `${index + 2}`,
			value: index + 2,
		})),
		description:
			'One input per table. Input 1 is the starting table; each join adds one more input.',
	},
	{
		displayName: 'Joins',
		name: 'joins',
		type: 'fixedCollection',
		placeholder: 'Add Join',
		default: { join: [{ input: 2, joinType: 'inner', leftKeys: '', rightKeys: '' }] },
		typeOptions: { multipleValues: true },
		description: 'Joins run from top to bottom, each adding one input to the result so far',
		options: [
			{
				displayName: 'Join',
				name: 'join',
				values: [
					{
						displayName: 'Table to Join',
						name: 'input',
						type: 'options',
						// Values stay the input numbers, as when this was a number field: saved workflows keep working.
						options: Array.from({ length: MAX_INPUTS - 1 }, (_, index) => ({
							name: `Table ${index + 2}`,
							value: index + 2,
						})),
						default: 2,
						description: 'The input whose table this join adds to the result so far',
					},
					{
						displayName: 'Join Type',
						name: 'joinType',
						type: 'options',
						default: 'inner',
						options: Object.entries(JOIN_TYPES).map(([value, name]) => ({ name, value })),
					},
					{
						displayName: 'Keys in Result So Far',
						name: 'leftKeys',
						type: 'string',
						default: '',
						placeholder: 'product_id',
						...COLUMN_LIST_FIELD,
						description:
							'Key columns of the result so far (Table 1 and the tables joined above), matched in order with the keys of the table to join',
					},
					{
						displayName: 'Keys in Table to Join',
						name: 'rightKeys',
						type: 'string',
						default: '',
						placeholder: 'product_id',
						...COLUMN_LIST_FIELD,
						description: 'Key columns of the table to join, as many as in the result so far',
					},
					{
						displayName: 'Suffix for Same Names',
						name: 'clashSuffix',
						type: 'string',
						default: '',
						placeholder: '_web',
						description:
							'Added to columns of the table to join whose name is already in the result. Empty: _input2, _input3…',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'joinOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Compare Keys',
				name: 'keyComparison',
				type: 'options',
				default: 'text',
				options: [
					{
						name: 'As Text (15298 Matches "15298")',
						value: 'text',
						description:
							'One rule for ids from different exports, shared with the referential-integrity check: 15298, 15298.0 and " 15298 " match; 0015298 does not; an empty key matches nothing',
					},
					{ name: 'Exactly (Same Type and Value)', value: 'exact' },
				],
			},
			{
				displayName: 'Ignore Case in Keys',
				name: 'ignoreCase',
				type: 'boolean',
				default: false,
				description:
					'Whether keys that differ only in upper and lower case letters match (ABC12 and abc12)',
			},
		],
	},
	...tableInputProperties,
	...tableOutputProperties('merged.parquet'),
];
