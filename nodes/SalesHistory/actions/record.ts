import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { historyError, openHistoryStore } from '../../shared/history/open';
import type { CheckResult, PeriodRun } from '../../shared/history/types';
import { countText } from '../../shared/reading';
import { COLUMN_FIELD, findColumn, INSERTION_ORDER, runTableNode } from '../../shared/table';
import type { SummaryFigures } from '../../shared/table/figures';
import { periodProducts, productColumnFields } from '../helpers/products';
import { readSalesHistoryRecordParameters } from '../parameters';
import type { SalesHistory } from '../SalesHistory.node';
import { isObject } from '../../shared/json';

const show = { show: { operation: ['record'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Period',
		name: 'recordPeriod',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2026-10',
		description:
			'The month to record these results under (YYYY-MM). Recording a month again replaces it.',
		displayOptions: show,
	},
	{
		displayName: 'Run Started At',
		name: 'startedAt',
		type: 'string',
		default: '',
		placeholder: "e.g. {{ $('Config').first().json.startedAt }}",
		description:
			'When this run started (ISO date and time), to record how long it took. Empty: recorded as starting now, duration 0.',
		displayOptions: show,
	},
	...productColumnFields('record', {
		key: 'product_key',
		label: 'label',
		price: 'price',
		quantity: 'quantity',
		revenue: 'revenue',
	}),
	{
		displayName: 'Premium Column',
		name: 'premiumColumn',
		type: 'string',
		default: 'premium',
		placeholder: 'e.g. premium',
		description: 'True for premium products',
		displayOptions: show,
		...COLUMN_FIELD,
	},
];

/** The figures and checks of the run, from Save Report Files' output (its `summary`) on input 1. */
function runOf(ctx: IExecuteFunctions): Pick<PeriodRun, 'figures' | 'checks'> {
	const json = ctx.getInputData(0)[0]?.json;
	const summary = isObject(json?.summary) ? json.summary : json;
	if (!isObject(summary) || !isObject(summary.figures)) {
		throw new NodeOperationError(ctx.getNode(), 'Input 1 carries no run summary with figures', {
			description:
				'Connect Save Report Files (Summary: Built From This Run) to input 1: its output holds the figures and checks to record.',
		});
	}
	const checks: CheckResult[] = (
		Array.isArray(summary.checks) ? summary.checks.filter(isObject) : []
	).map((check) => ({
		name: String(check.name ?? ''),
		status: String(check.status ?? ''),
		observed:
			check.observed === null || check.observed === undefined ? null : String(check.observed),
		expected:
			check.expected === null || check.expected === undefined ? null : String(check.expected),
	}));
	return { figures: summary.figures as PeriodRun['figures'], checks };
}

/** Stores this period's run (input 1: the run summary) and products (input 2) in the history, replacing the period if it is there. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runTableNode(this, 1, async ({ session, loader, emitter }) => {
		const parameters = readSalesHistoryRecordParameters(this);
		const { period, startedAt: startedText } = parameters;
		const { figures, checks } = runOf(this);
		const started = startedText ? new Date(startedText) : new Date();
		if (Number.isNaN(started.getTime())) {
			throw new NodeOperationError(
				this.getNode(),
				`Run Started At "${startedText}" is not a date and time`,
				{
					description:
						'Use an ISO date and time such as 2026-11-15T09:00:00+01:00, or leave it empty.',
				},
			);
		}
		const table = await loader.load(1, 'products', 'the products table');
		const premiumColumn = findColumn(table, parameters.premiumColumn);
		const products = await periodProducts(
			this,
			session,
			table,
			parameters,
			{ column: premiumColumn },
			'recorded_products',
		);
		const run: PeriodRun = {
			period,
			figures,
			checks,
			startedAt: started.toISOString(),
			durationMs: Math.max(0, Date.now() - started.getTime()),
		};
		const store = await openHistoryStore(this);
		try {
			await store.record(session, run, products.relation);
		} catch (error) {
			throw historyError(this, error);
		} finally {
			await store.close();
		}
		const warnings = products.withoutKey
			? [`${countText(products.withoutKey)} product row(s) without a key were not recorded`]
			: [];
		const recordedFigures: SummaryFigures<typeof SalesHistory.summaryFields> = {
			period,
			products: products.rows,
			checks: checks.length,
		};
		return [
			await emitter.emit({
				table: { relation: products.relation, label: 'recorded products', order: INSERTION_ORDER },
				statistics: {
					period,
					products: products.rows,
					productsWithoutKey: products.withoutKey,
					figures,
					checks: checks.length,
					store: store.description,
				},
				summary: `Recorded ${period}: ${countText(products.rows)} products, ${countText(Object.keys(figures).length)} figures and ${countText(checks.length)} check results in the ${store.description}.`,
				figures: recordedFigures,
				warnings,
				outputName: 'recorded',
			}),
		];
	});
}
