import type { INodeProperties } from 'n8n-workflow';
import { currencyOptions } from '../shared/reports/currency';
import {
	COLUMN_FIELD,
	COLUMN_LIST_FIELD,
	tableInputProperties,
	tableOutputProperties,
} from '../shared/table';

export const revenueProperties: INodeProperties[] = [
	...tableInputProperties,
	{
		displayName: 'Price Column',
		name: 'priceColumn',
		type: 'string',
		default: 'price',
		placeholder: 'price',
		...COLUMN_FIELD,
		description:
			"Each row's revenue is price × quantity in exact decimals (4 places each), rounded half away from zero to the cent; totals add up those cents exactly. Rows whose price or quantity is empty or not a number get no revenue and are counted; negative prices are counted and reported.",
	},
	{
		displayName: 'Quantity Column',
		name: 'quantityColumn',
		type: 'string',
		default: 'total_sales',
		placeholder: 'total_sales',
		...COLUMN_FIELD,
		description: 'The number of units sold in each row',
	},
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'string',
		default: '',
		placeholder: 'product_id',
		...COLUMN_LIST_FIELD,
		description:
			'Columns to add revenue up by, e.g. product_id for one row per product. Leave empty for one row per input row, which keeps every column.',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'options',
		default: 'EUR',
		options: currencyOptions,
	},
	{
		displayName: 'Output Columns',
		name: 'outputColumns',
		type: 'collection',
		placeholder: 'Rename',
		default: {},
		options: [
			{ displayName: 'Revenue', name: 'revenue', type: 'string', default: 'revenue' },
			{ displayName: 'Share of Total', name: 'share', type: 'string', default: 'revenue_share' },
			{
				displayName: 'Cumulative Share',
				name: 'cumulative',
				type: 'string',
				default: 'cumulative_share',
			},
		],
	},
	{
		displayName: 'Create Excel Report',
		name: 'createReport',
		type: 'boolean',
		default: false,
		description:
			'Whether to attach an .xlsx report: revenue per product with totals, and a summary sheet with the top 10',
	},
	{
		displayName: 'Report Options',
		name: 'reportOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { createReport: [true] } },
		options: [
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: 'rapport_ca.xlsx' },
			{
				displayName: 'Period',
				name: 'period',
				type: 'string',
				default: '',
				placeholder: 'October 2026',
				description: 'Label of the period the report covers. Empty: the previous month.',
			},
			{
				displayName: 'Label Column',
				name: 'labelColumn',
				type: 'string',
				default: '',
				placeholder: 'post_title',
				...COLUMN_FIELD,
				description: 'Column naming each product in the top 10. Empty: the first text column.',
			},
			{
				displayName: 'Columns in the Report',
				name: 'columns',
				type: 'string',
				default: '',
				placeholder: 'product_id, sku, post_title, price, total_sales',
				...COLUMN_LIST_FIELD,
				description:
					'Columns shown in the report, in this order; the revenue and share columns follow. Empty: every column.',
			},
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'report',
			},
		],
	},
	...tableOutputProperties('revenue.parquet'),
];
