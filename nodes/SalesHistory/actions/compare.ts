import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { comparePeriods } from '../../shared/history/compare';
import { monthsBefore, openHistoryStore } from '../../shared/history/open';
import type { PeriodRun } from '../../shared/history/types';
import { countText } from '../../shared/reading';
import { runSummary, upstreamNodes } from '../../shared/reports/summary';
import { findColumn, INSERTION_ORDER, runTableNode } from '../../shared/table';
import { periodProducts, productColumnFields } from '../helpers/products';
import { reportFileProperties, reportFiles } from '../helpers/reportFiles';
import { numberFormats } from '../../shared/reports/format';
import { localeField } from '../../shared/reports/locale';
import type { CheckStatus } from '../../shared/reports/monthly';
import type { SummaryFigures } from '../../shared/table/figures';
import { readSalesHistoryCompareParameters } from '../parameters';
import type { SalesHistory } from '../SalesHistory.node';

const show = { show: { operation: ['compare'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Period',
		name: 'comparePeriod',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2026-10',
		description:
			'The month these products are for (YYYY-MM). It is compared with the latest recorded month before it and with the same month a year earlier.',
		displayOptions: show,
	},
	...productColumnFields('compare', {
		key: 'product_id',
		label: 'post_title',
		price: 'price',
		quantity: 'total_sales',
		revenue: 'revenue',
	}),
	{
		displayName: 'Top Risers and Fallers',
		name: 'top',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 3,
		description:
			'How many products with the largest revenue rise and fall to name in the summary and the messages',
		displayOptions: show,
	},
	{ ...localeField('the lines, the chart and the dashboard'), displayOptions: show },
	...reportFileProperties(show),
];

/**
 * This period's products (input 1, e.g. Revenue's table; input 2, the premium products) against
 * the history: output 1 the per-product comparison, output 2 this period's products as the
 * history keeps them, for Record.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runTableNode(
		this,
		2,
		async ({ session, loader, emitter, clock }) => {
			const parameters = readSalesHistoryCompareParameters(this);
			const { period, locale } = parameters;
			const products = await loader.load(0, 'products', 'the products table');
			const premiumTable = await loader.load(1, 'premium', 'the premium products table');
			const premiumKey = findColumn(premiumTable, parameters.keyColumn);
			const current = await periodProducts(
				this,
				session,
				products,
				parameters,
				{ table: premiumTable, key: premiumKey },
				'this_period',
			);
			// This run's figures so far (row counts of every export and check), as Save Report Files will record them.
			const sofar = runSummary(upstreamNodes(this), '');
			const figures = (sofar?.figures ?? {}) as PeriodRun['figures'];
			const run: PeriodRun = {
				period,
				figures,
				checks: [],
				startedAt: new Date().toISOString(),
				durationMs: 0,
			};

			const store = await openHistoryStore(this);
			const currency = typeof sofar?.currency === 'string' ? sofar.currency : '';
			let comparison: Awaited<ReturnType<typeof comparePeriods>>;
			let runs: PeriodRun[];
			try {
				runs = await store.runs();
				const previousRun = runs.filter((recorded) => recorded.period < period).at(-1);
				const yearAgoRun = runs.find((recorded) => recorded.period === monthsBefore(period, 12));
				const side = async (recorded: PeriodRun | undefined) => {
					const relation = recorded && (await store.loadProducts(session, recorded.period));
					return recorded && relation ? { run: recorded, products: relation } : undefined;
				};
				comparison = await comparePeriods(
					session,
					{ run, products: current.relation },
					await side(previousRun),
					await side(yearAgoRun),
					{
						top: parameters.top,
						currency,
						locale,
					},
				);
			} finally {
				await store.close();
			}
			// Drawn after the store is released: another process may be waiting for the history file.
			const files = await clock.measure(
				'report',
				async () =>
					await reportFiles(this, parameters, {
						session,
						period,
						runs,
						products: current.relation,
						comparisonTable: comparison.table,
						summary: comparison.summary,
						checks: (Array.isArray(sofar?.checks) ? sofar.checks : []) as unknown as CheckStatus[],
						formats: numberFormats(locale, currency),
					}),
			);
			const { summary: deltas, lines } = comparison;
			const warnings = current.withoutKey
				? [`${countText(current.withoutKey)} product row(s) without a key were left out`]
				: [];
			const comparisonTable = {
				relation: comparison.table,
				label: 'comparison',
				order: INSERTION_ORDER,
			};
			const thisPeriod = {
				relation: current.relation,
				label: 'this period',
				order: INSERTION_ORDER,
			};
			const comparisonFigures: SummaryFigures<typeof SalesHistory.summaryFields> = {
				period,
				previousPeriod: deltas.previous_period ?? 'none recorded',
				newProducts: deltas.new_products,
				goneProducts: deltas.gone_products,
				premiumIn: deltas.premium_in.length,
				premiumOut: deltas.premium_out.length,
			};
			const thisPeriodFigures: SummaryFigures<typeof SalesHistory.summaryFields> = {
				period,
				products: current.rows,
			};
			return [
				await emitter.emit({
					table: comparisonTable,
					statistics: { period, comparison: deltas as unknown as IDataObject, lines },
					summary: `${period}: ${lines[0]}.`,
					figures: comparisonFigures,
					warnings,
					outputName: 'comparison',
					attachments: files,
				}),
				await emitter.emit({
					table: thisPeriod,
					statistics: { period, products: current.rows, productsWithoutKey: current.withoutKey },
					summary: `${countText(current.rows)} products of ${period}, ready to record.`,
					figures: thisPeriodFigures,
					outputName: 'this_period',
				}),
			];
		},
		{ previewOutput: true },
	);
}
