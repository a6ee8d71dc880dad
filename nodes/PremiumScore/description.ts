import type { INodeProperties } from 'n8n-workflow';
import { COLUMN_FIELD, tableInputProperties, tableOutputProperties } from '../shared/table';

const methodOptions = [
	{
		name: 'Z-Score',
		value: 'zscore' as const,
		description: 'How many standard deviations above the mean; premium above the threshold',
	},
	{
		name: 'IQR Fence',
		value: 'iqr' as const,
		description:
			'Premium above Q3 + k × (Q3 − Q1); robust to a few extreme prices. When Q1 = Q3 the fence is Q3 itself.',
	},
];

const deviationOptions = [
	{
		name: 'Population (Divide by N)',
		value: 'population' as const,
		description: 'As numpy and scipy.stats.zscore',
	},
	{ name: 'Sample (Divide by N − 1)', value: 'sample' as const, description: 'As pandas .std()' },
];

export const METHODS = methodOptions.map((option) => option.value);
export const DEVIATIONS = deviationOptions.map((option) => option.value);

export const premiumProperties: INodeProperties[] = [
	...tableInputProperties,
	{
		displayName: 'Score Column',
		name: 'scoreColumn',
		type: 'string',
		default: 'price',
		placeholder: 'price',
		...COLUMN_FIELD,
		description:
			'The numeric column that makes a product premium. Rows where it is empty or not a number get an empty score, go to Ordinary, and are counted in the summary.',
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'zscore',
		options: methodOptions,
	},
	{
		displayName: 'Threshold',
		name: 'threshold',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 0, numberPrecision: 3 },
		description: 'A row is premium when its z-score is strictly greater than this',
		displayOptions: { show: { method: ['zscore'] } },
	},
	{
		displayName: 'Standard Deviation',
		name: 'deviation',
		type: 'options',
		default: 'population',
		options: deviationOptions,
		displayOptions: { show: { method: ['zscore'] } },
	},
	{
		displayName: 'K',
		name: 'iqrK',
		type: 'number',
		default: 1.5,
		typeOptions: { minValue: 0, numberPrecision: 3 },
		description:
			"A row is premium above Q3 + k × IQR (1.5 is Tukey's usual fence, 3 only far outliers)",
		displayOptions: { show: { method: ['iqr'] } },
	},
	{
		displayName: 'Score Column Name',
		name: 'scoreName',
		type: 'string',
		default: 'premium_score',
	},
	{
		displayName: 'Create CSV Files',
		name: 'createCsv',
		type: 'boolean',
		default: false,
		description: 'Whether to attach a CSV of each output (premium and ordinary)',
	},
	{
		displayName: 'CSV Options',
		name: 'csvOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { createCsv: [true] } },
		options: [
			{
				displayName: 'Premium File Name',
				name: 'premiumFileName',
				type: 'string',
				default: 'vins_premium.csv',
			},
			{
				displayName: 'Ordinary File Name',
				name: 'ordinaryFileName',
				type: 'string',
				default: 'vins_ordinaires.csv',
			},
			{
				displayName: 'Format',
				name: 'style',
				type: 'options',
				default: 'standard',
				options: [
					{ name: 'Standard (Comma, Decimal Point, UTF-8)', value: 'standard' },
					{ name: 'French Excel (Semicolon, Decimal Comma)', value: 'french' },
				],
			},
			{
				displayName: 'Show Formulas as Text',
				name: 'formulaSafe',
				type: 'boolean',
				default: true,
				description:
					"Whether to put a ' before text that starts with =, +, -, @, a tab or a carriage return, so Excel or LibreOffice shows it instead of running it as a formula. Numbers are never changed. Turn off when a program, not a person, reads the files and needs the exact text.",
			},
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'csv',
			},
		],
	},
	...tableOutputProperties('premium.parquet'),
];
