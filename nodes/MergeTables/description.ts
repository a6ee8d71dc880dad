import type { INodeProperties } from 'n8n-workflow';
import { tableInputProperties, tableOutputProperties } from '../shared/table';

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
		options: Array.from({ length: MAX_INPUTS - 1 }, (_, index) => ({ name: `${index + 2}`, value: index + 2 })),
		description: 'One input per table. Input 1 is the starting table; each join adds one more input.',
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
						displayName: 'Input to Join',
						name: 'input',
						type: 'number',
						typeOptions: { minValue: 2, maxValue: MAX_INPUTS },
						default: 2,
					},
					{
						displayName: 'Join Type',
						name: 'joinType',
						type: 'options',
						default: 'inner',
						options: Object.entries(JOIN_TYPES).map(([value, name]) => ({ name, value })),
					},
					{
						displayName: 'Key Columns in Result So Far',
						name: 'leftKeys',
						type: 'string',
						default: '',
						placeholder: 'product_id',
						description: 'Comma-separated; matched in order with the keys of the joined input',
					},
					{
						displayName: 'Key Columns in Joined Input',
						name: 'rightKeys',
						type: 'string',
						default: '',
						placeholder: 'product_id',
					},
					{
						displayName: 'Suffix for Clashing Columns',
						name: 'clashSuffix',
						type: 'string',
						default: '',
						placeholder: '_web',
						description:
							'Added to columns of the joined input whose name is already taken. Empty: _input2, _input3…',
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
						description: 'One rule for ids from different exports, shared with the referential-integrity check: 15298, 15298.0 and " 15298 " match; 0015298 does not; an empty key matches nothing',
					},
					{ name: 'Exactly (Same Type and Value)', value: 'exact' },
				],
			},
			{
				displayName: 'Ignore Letter Case in Keys',
				name: 'ignoreCase',
				type: 'boolean',
				default: false,
			},
		],
	},
	...tableInputProperties,
	...tableOutputProperties('merged.parquet'),
];
