import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { DuckSession } from '../../shared/duckdb';
import type { ComparisonSummary } from '../../shared/history/compare';
import type { PeriodRun } from '../../shared/history/types';
import { chartSvgs, renderChartPng } from '../../shared/reports/chart';
import { dashboardHtml } from '../../shared/reports/dashboard';
import type { NumberFormats } from '../../shared/reports/format';
import type {
	CheckStatus,
	DashboardData,
	MonthRevenue,
	ParetoCurve,
	ProductChangeRow,
} from '../../shared/reports/monthly';
import type { SalesHistoryCompareParameters } from '../parameters';

/** Months drawn in the trend: a year, this month included. */
const TREND_MONTHS = 12;
/** Months in the data-quality grid and the run durations: two years at most, so the grid still fits a screen. */
const HISTORY_MONTHS = 24;
/** Rows of the dashboard's product table: the largest changes first. A million rows would make a file no one opens. */
const PRODUCTS_SHOWN = 500;
/** Points of the Pareto curve: enough for a smooth line at any product count. */
const PARETO_POINTS = 200;

export const CHART_FILE = 'tendance_ca.png';
export const DASHBOARD_FILE = 'tableau_de_bord.html';

export const reportFileProperties = (show: IDataObject): INodeProperties[] => [
	{
		displayName: 'Create Chart',
		name: 'createChart',
		type: 'boolean',
		default: false,
		description: `Whether to draw ${CHART_FILE}: revenue per month for the last 12 recorded months, this month highlighted, and the Pareto curve of this month's products (the Pareto alone while nothing earlier is recorded). Output 1 carries it as binary "chart".`,
		displayOptions: show,
	},
	{
		displayName: 'Create Dashboard',
		name: 'createDashboard',
		type: 'boolean',
		default: false,
		description: `Whether to write ${DASHBOARD_FILE}, one self-contained HTML page (no network request): revenue trend, month over month by product, premium in and out, each check over the months, run durations. Output 1 carries it as binary "dashboard".`,
		displayOptions: show,
	},
];

export interface ReportFileInputs {
	session: DuckSession;
	period: string;
	/** Every recorded run, oldest first. */
	runs: PeriodRun[];
	/** This period's products (PRODUCT_COLUMNS), quoted. */
	products: string;
	/** The comparison table, quoted. */
	comparisonTable: string;
	summary: ComparisonSummary;
	/** This run's checks so far, for the data-quality grid's last column. */
	checks: CheckStatus[];
	formats: NumberFormats;
}

/** The chart and the dashboard the node is set to create, as binary properties of output 1. */
export async function reportFiles(
	ctx: IExecuteFunctions,
	{
		createChart,
		createDashboard,
	}: Pick<SalesHistoryCompareParameters, 'createChart' | 'createDashboard'>,
	inputs: ReportFileInputs,
): Promise<IBinaryKeyData> {
	if (!createChart && !createDashboard) return {};
	const { session, period, runs, formats, summary } = inputs;
	const earlier = runs.filter((run) => run.period < period);
	const trend: MonthRevenue[] = [
		...earlier
			.slice(-(TREND_MONTHS - 1))
			.filter((run) => run.figures.revenue_total !== undefined)
			.map((run) => ({
				period: run.period,
				revenue: String(run.figures.revenue_total),
				current: false,
			})),
		{ period, revenue: summary.revenue_total, current: true },
	];
	const chartData = { period, trend, pareto: await paretoCurve(session, inputs.products) };
	const binary: IBinaryKeyData = {};
	if (createChart)
		binary.chart = await ctx.helpers.prepareBinaryData(
			await renderChartPng(chartData, formats),
			CHART_FILE,
			'image/png',
		);
	if (createDashboard) {
		const data: DashboardData = {
			period,
			previousPeriod: summary.previous_period,
			generatedAt: new Date().toISOString(),
			revenueTotal: summary.revenue_total,
			revenueChange: summary.revenue_change,
			revenueChangePercent: summary.revenue_change_percent,
			premiumCount: Number(
				await session.value(`SELECT count(*) FROM ${inputs.products} WHERE premium`),
			),
			trend,
			...(await productChanges(session, inputs.comparisonTable)),
			checkHistory: [
				...earlier
					.slice(-(HISTORY_MONTHS - 1))
					.map((run) => ({ period: run.period, checks: run.checks })),
				{ period, checks: inputs.checks },
			],
			durations: earlier.slice(-HISTORY_MONTHS).map((run) => ({
				period: run.period,
				startedAt: run.startedAt,
				durationMs: run.durationMs,
			})),
		};
		const html = dashboardHtml(data, formats, await chartSvgs(chartData, formats));
		binary.dashboard = await ctx.helpers.prepareBinaryData(
			Buffer.from(html, 'utf8'),
			DASHBOARD_FILE,
			'text/html',
		);
	}
	return binary;
}

/** Best sellers first: the share of products against the share of revenue they make, sampled to PARETO_POINTS, in SQL. */
async function paretoCurve(session: DuckSession, productsRelation: string): Promise<ParetoCurve> {
	const ranked =
		`SELECT row_number() OVER (ORDER BY revenue DESC, product_key) AS rank, count(*) OVER () AS products, ` +
		`sum(revenue) OVER (ORDER BY revenue DESC, product_key ROWS UNBOUNDED PRECEDING) AS running, sum(revenue) OVER () AS total ` +
		`FROM ${productsRelation} WHERE revenue > 0`;
	// One scan: the 80 % rank beside every n-th product, the last one, and the 80 % point itself (so the marked point lies on the line).
	const rows = await session.rows(
		`WITH ranked AS (${ranked}), eighty AS (SELECT min(rank) AS rank FROM ranked WHERE running >= total * 0.8) ` +
			`SELECT ranked.rank, products, CAST(running / total AS DOUBLE) AS share, eighty.rank AS eighty_rank FROM ranked, eighty ` +
			`WHERE ranked.rank = products OR ranked.rank % greatest(1, products // CAST($1 AS BIGINT)) = 0 OR ranked.rank = eighty.rank ORDER BY ranked.rank`,
		[PARETO_POINTS],
	);
	const products = rows.length ? Number(rows[0].products) : 0;
	const eightyRank = rows.length ? rows[0].eighty_rank : null;
	const points = [
		{ productShare: 0, revenueShare: 0 },
		...rows.map((row) => ({
			productShare: Number(row.rank) / products,
			revenueShare: Number(row.share),
		})),
	];
	const eighty =
		eightyRank === null || eightyRank === undefined || !products
			? null
			: { products: Number(eightyRank), productShare: Number(eightyRank) / products };
	return { points, products, eighty };
}

/** The products with the largest changes (by size, either way), and premium in and out with their labels. */
async function productChanges(
	session: DuckSession,
	comparison: string,
): Promise<Pick<DashboardData, 'products' | 'productsTotal' | 'premiumIn' | 'premiumOut'>> {
	const rows = await session.rows(
		`SELECT product_key, label, CAST(revenue AS VARCHAR) AS revenue, CAST(revenue_previous AS VARCHAR) AS revenue_previous, ` +
			`CAST(coalesce(revenue_change, revenue) AS VARCHAR) AS change, coalesce(premium, false) AS premium, coalesce(premium_previous, false) AS premium_previous ` +
			`FROM ${comparison} ORDER BY abs(coalesce(revenue_change, revenue)) DESC NULLS LAST, product_key LIMIT $1`,
		[PRODUCTS_SHOWN],
	);
	const moved = await session.rows(
		`SELECT product_key, label, premium_change FROM ${comparison} WHERE premium_change IS NOT NULL ORDER BY label, product_key`,
	);
	const named = (change: string) =>
		moved
			.filter((row) => row.premium_change === change)
			.map((row) => ({
				key: String(row.product_key),
				label: row.label === null ? null : String(row.label),
			}));
	const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
	return {
		products: rows.map(
			(row): ProductChangeRow => ({
				key: String(row.product_key),
				label: text(row.label),
				revenue: text(row.revenue),
				revenuePrevious: text(row.revenue_previous),
				change: String(row.change ?? '0.00'),
				premium: Boolean(row.premium),
				premiumPrevious: Boolean(row.premium_previous),
			}),
		),
		productsTotal: Number(await session.value(`SELECT count(*) FROM ${comparison}`)),
		premiumIn: named('in'),
		premiumOut: named('out'),
	};
}
