import type { IExecuteFunctions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { ParameterReader } from '../shared/parameters';
import type { RevenuePlan } from './sql';

type OutputColumnNames = RevenuePlan['names'];

interface ReportOptions {
	fileName: string;
	/** Empty in the options: the previous month, e.g. "October 2026". */
	period: string;
	/** Empty: the first label-like column, else the first text column. */
	labelColumn: string;
	/** Column list as typed; empty: every column. */
	columns: string;
	binaryPropertyName: string;
}

export interface RevenueParameters {
	priceColumn: string;
	quantityColumn: string;
	/** Column list as typed, e.g. "product_id, sku"; empty: one row per input row. */
	groupBy: string;
	/** A code from the list, or any other an expression gives: reports show it as it is. */
	currency: string;
	names: OutputColumnNames;
	createReport: boolean;
	report: ReportOptions;
}

export function readRevenueParameters(ctx: IExecuteFunctions): RevenueParameters {
	const reader = new ParameterReader(ctx);
	const names = reader.collection<OutputColumnNames>('outputColumns');
	const report = reader.collection<ReportOptions>('reportOptions');
	return {
		priceColumn: reader.text('priceColumn'),
		quantityColumn: reader.text('quantityColumn'),
		groupBy: reader.text('groupBy'),
		currency: reader.text('currency', 'EUR'),
		names: {
			revenue: names.revenue?.trim() || 'revenue',
			share: names.share?.trim() || 'revenue_share',
			cumulative: names.cumulative?.trim() || 'cumulative_share',
		},
		createReport: reader.flag('createReport'),
		report: {
			fileName: report.fileName?.trim() || 'rapport_ca.xlsx',
			period: report.period?.trim() || DateTime.now().minus({ months: 1 }).toFormat('LLLL yyyy'),
			labelColumn: report.labelColumn?.trim() ?? '',
			columns: report.columns ?? '',
			binaryPropertyName: report.binaryPropertyName?.trim() || 'report',
		},
	};
}
