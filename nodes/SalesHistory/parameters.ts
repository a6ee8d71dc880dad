import type { IExecuteFunctions } from 'n8n-workflow';
import { periodFrom } from '../shared/history/open';
import { ParameterReader } from '../shared/parameters';
import { readLocale } from '../shared/reports/locale';
// Types only: the description imports the actions, which import this file.
import type { SalesHistoryOperation } from './description';

/** The products table's columns as the node names them; they are looked up where the table is loaded. */
export interface SalesHistoryProductColumns {
	keyColumn: string;
	labelColumn: string;
	priceColumn: string;
	quantityColumn: string;
	revenueColumn: string;
}

export interface SalesHistoryCompareParameters extends SalesHistoryProductColumns {
	/** YYYY-MM. */
	period: string;
	/** Trimmed, '' for en-US; a tag this n8n knows. */
	locale: string;
	/** How many risers and fallers to name. */
	top: number;
	createChart: boolean;
	createDashboard: boolean;
}

export interface SalesHistoryRecordParameters extends SalesHistoryProductColumns {
	/** YYYY-MM. */
	period: string;
	/** Run Started At, trimmed: '' for now. Checked as a date after the run summary is read. */
	startedAt: string;
	premiumColumn: string;
}

/** The operation, one of `operations` (the description's, handed in since this file cannot import it). */
export function readSalesHistoryOperation(
	ctx: IExecuteFunctions,
	operations: readonly SalesHistoryOperation[],
): SalesHistoryOperation {
	return new ParameterReader(ctx).choice('operation', operations, 'compare');
}

/** Compare's parameters: a missing or malformed Period is refused first, then an unknown Locale. */
export function readSalesHistoryCompareParameters(
	ctx: IExecuteFunctions,
): SalesHistoryCompareParameters {
	const reader = new ParameterReader(ctx);
	return {
		period: periodFrom(ctx, 'comparePeriod', 'Period'),
		locale: readLocale(ctx),
		...readProductColumns(reader),
		top: reader.number('top', 3),
		createChart: reader.flag('createChart'),
		createDashboard: reader.flag('createDashboard'),
	};
}

/** Record's parameters: a missing or malformed Period is refused first. */
export function readSalesHistoryRecordParameters(
	ctx: IExecuteFunctions,
): SalesHistoryRecordParameters {
	const reader = new ParameterReader(ctx);
	return {
		period: periodFrom(ctx, 'recordPeriod', 'Period'),
		startedAt: reader.trimmed('startedAt'),
		...readProductColumns(reader),
		premiumColumn: reader.text('premiumColumn'),
	};
}

function readProductColumns(reader: ParameterReader): SalesHistoryProductColumns {
	return {
		keyColumn: reader.text('keyColumn'),
		labelColumn: reader.text('labelColumn'),
		priceColumn: reader.text('priceColumn'),
		quantityColumn: reader.text('quantityColumn'),
		revenueColumn: reader.text('revenueColumn'),
	};
}
