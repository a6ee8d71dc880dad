/**
 * The month-over-month comparison of two recorded periods (and the same month a year before),
 * computed by DuckDB in the node's session from two product relations: it knows no store.
 * Money stays DECIMAL(38,2) in SQL and leaves it as exact decimal strings; only the summary's
 * aggregates and the top products are read back into JavaScript.
 */
import { randomUUID } from 'node:crypto';
import type { DuckSession } from '../duckdb';
import { rounded } from '../reading';
import { numberFormats, type NumberFormats } from '../reports/format';
import { quoteIdentifier } from '../sql';
import type { Period, PeriodRun } from './types';

/** One period of the comparison: its run, and its products as a (quoted) relation of the session with PRODUCT_COLUMNS. */
export interface Side {
	run: PeriodRun;
	products: string;
}

export interface CompareOptions {
	/** How many risers, fallers and premium labels are named; 3 when not given. */
	top?: number;
	/** The lines' currency ("EUR"); none when not given. */
	currency?: string;
	/** The lines' locale for money and numbers ("fr-FR"); en-US when not given. */
	locale?: string;
}

export interface ProductChange {
	product_key: string;
	/** Null when neither period gave the product a label. */
	label: string | null;
	/** Exact decimal string, e.g. "1200.00" or "-20.00". */
	revenue_change: string;
}

export interface VolumeChange {
	rows: number;
	rows_previous: number;
	/** Rounded to 1 decimal; null when the previous period had no rows. */
	change_percent: number | null;
}

export interface YearAgoComparison {
	period: Period;
	revenue_total: string;
	revenue_change: string;
	revenue_change_percent: number | null;
}

/** What goes into summary.json and the messages: plain JSON, money as exact decimal strings. */
export interface ComparisonSummary {
	period: Period;
	previous_period: Period | null;
	revenue_total: string;
	revenue_total_previous: string | null;
	revenue_change: string | null;
	/** Rounded to 1 decimal; null with no previous period or a previous total of 0. */
	revenue_change_percent: number | null;
	/** Product keys, sorted. */
	premium_in: string[];
	premium_out: string[];
	new_products: number;
	gone_products: number;
	top_risers: ProductChange[];
	/** Most negative first. */
	top_fallers: ProductChange[];
	/** Keyed by the figure's name as the runs recorded it ("erp_rows"). */
	volume: Record<string, VolumeChange>;
	year_ago: YearAgoComparison | null;
}

export interface Comparison {
	/** A TEMP table of the session, quoted: one row per product of either period (see comparisonSelect). */
	table: string;
	summary: ComparisonSummary;
	/** Plain text for Slack and email, rounded for people; labels as given, not escaped. */
	lines: string[];
}

const DEFAULT_TOP = 3;

/**
 * Compares `current` with `previous` product by product and in total, and with `yearAgo` in total.
 * The comparison table is left in the session (it goes when the session closes) for the node to
 * write out; with no previous period it still lists the current products (see comparisonSelect).
 */
export async function comparePeriods(
	session: DuckSession,
	current: Side,
	previous: Side | undefined,
	yearAgo: Side | undefined,
	options: CompareOptions = {},
): Promise<Comparison> {
	const top = options.top ?? DEFAULT_TOP;
	// Before any SQL: a wrong locale is the caller's to report.
	const formats = numberFormats(options.locale ?? '', options.currency ?? '');
	if (!Number.isInteger(top) || top < 0)
		throw new RangeError(
			`The number of top products must be a whole number of 0 or more, not ${top}.`,
		);
	const table = quoteIdentifier(`history_comparison_${randomUUID()}`);
	await session.run(
		`CREATE TEMP TABLE ${table} AS ${comparisonSelect(current.products, previous?.products)}`,
	);
	let compared = false;
	try {
		const revenueTotal = await totalRevenue(session, current.products);
		const previousRevenue = previous
			? await revenueAgainst(session, revenueTotal, previous.products)
			: undefined;
		const yearAgoSummary = yearAgo ? await yearAgoComparison(session, revenueTotal, yearAgo) : null;
		const products = previous ? await productChanges(session, table, top) : undefined;
		const summary: ComparisonSummary = {
			period: current.run.period,
			previous_period: previous?.run.period ?? null,
			revenue_total: revenueTotal,
			revenue_total_previous: previousRevenue?.earlierTotal ?? null,
			revenue_change: previousRevenue?.change ?? null,
			revenue_change_percent: previousRevenue?.changePercent ?? null,
			premium_in: products?.premiumIn ?? [],
			premium_out: products?.premiumOut ?? [],
			new_products: products?.newProducts ?? 0,
			gone_products: products?.goneProducts ?? 0,
			top_risers: products?.risers ?? [],
			top_fallers: products?.fallers ?? [],
			volume: previous ? volumeChanges(current.run, previous.run) : {},
			year_ago: yearAgoSummary,
		};
		const lines = comparisonLines(summary, products, formats);
		compared = true;
		return { table, summary, lines };
	} finally {
		// A comparison that failed half-way leaves no table behind for the session's later work.
		if (!compared) await session.run(`DROP TABLE IF EXISTS ${table}`);
	}
}

/**
 * The per-product comparison: a full outer join on product_key, ordered by revenue_change
 * descending then product_key (insertion order; readers that need it still say ORDER BY).
 *
 * A product missing from one side counts as revenue 0 and not premium there, so revenue_change
 * is the whole revenue of a new product and minus the whole revenue of a gone one, and
 * premium_change is 'in' for a new premium product and 'out' for a gone one: the changes then
 * add up to the change of the totals and of the premium count.
 *
 * With no previous period there is nothing to compare against: the current products are listed
 * with every previous and change column NULL and status NULL, ordered by revenue descending.
 * Calling them all 'new' would tell the messages that every product appeared this month, which
 * the history cannot know.
 */
function comparisonSelect(currentProducts: string, previousProducts: string | undefined): string {
	const side = (relation: string) =>
		`(SELECT product_key, label, CAST(revenue AS DECIMAL(38,2)) AS revenue, premium FROM ${relation})`;
	if (previousProducts === undefined) {
		return (
			`SELECT product_key, label, revenue, CAST(NULL AS DECIMAL(38,2)) AS revenue_previous, CAST(NULL AS DECIMAL(38,2)) AS revenue_change, ` +
			`CAST(NULL AS DOUBLE) AS revenue_change_percent, CAST(NULL AS VARCHAR) AS status, premium, CAST(NULL AS BOOLEAN) AS premium_previous, ` +
			`CAST(NULL AS VARCHAR) AS premium_change FROM ${side(currentProducts)} ORDER BY revenue DESC NULLS LAST, product_key`
		);
	}
	return (
		`SELECT coalesce(c.product_key, p.product_key) AS product_key, coalesce(c.label, p.label) AS label, ` +
		`c.revenue AS revenue, p.revenue AS revenue_previous, ` +
		`CAST(coalesce(c.revenue, 0) - coalesce(p.revenue, 0) AS DECIMAL(38,2)) AS revenue_change, ` +
		`CASE WHEN p.revenue <> 0 THEN CAST(coalesce(c.revenue, 0) - p.revenue AS DOUBLE) / CAST(p.revenue AS DOUBLE) * 100 END AS revenue_change_percent, ` +
		`CASE WHEN p.product_key IS NULL THEN 'new' WHEN c.product_key IS NULL THEN 'gone' ELSE 'kept' END AS status, ` +
		`c.premium AS premium, p.premium AS premium_previous, ` +
		`CASE WHEN coalesce(c.premium, false) AND NOT coalesce(p.premium, false) THEN 'in' ` +
		`WHEN coalesce(p.premium, false) AND NOT coalesce(c.premium, false) THEN 'out' END AS premium_change ` +
		`FROM ${side(currentProducts)} AS c FULL OUTER JOIN ${side(previousProducts)} AS p ON c.product_key = p.product_key ` +
		`ORDER BY revenue_change DESC, product_key`
	);
}

const SUM_OF_REVENUE = 'CAST(coalesce(sum(revenue), 0) AS DECIMAL(38,2))';

async function totalRevenue(session: DuckSession, products: string): Promise<string> {
	return String(await session.value(`SELECT CAST(${SUM_OF_REVENUE} AS VARCHAR) FROM ${products}`));
}

interface RevenueChange {
	earlierTotal: string;
	change: string;
	changePercent: number | null;
}

/** An earlier period's revenue total, and the change from it to `revenueTotal` (exact, bound as text). */
async function revenueAgainst(
	session: DuckSession,
	revenueTotal: string,
	earlierProducts: string,
): Promise<RevenueChange> {
	const [row] = await session.rows(
		`WITH totals AS (SELECT CAST($1 AS DECIMAL(38,2)) AS revenue_total, (SELECT ${SUM_OF_REVENUE} FROM ${earlierProducts}) AS earlier_total) ` +
			`SELECT CAST(earlier_total AS VARCHAR) AS earlier_total, CAST(CAST(revenue_total - earlier_total AS DECIMAL(38,2)) AS VARCHAR) AS change, ` +
			`CASE WHEN earlier_total <> 0 THEN round(CAST(revenue_total - earlier_total AS DOUBLE) / CAST(earlier_total AS DOUBLE) * 100, 1) END AS change_percent ` +
			`FROM totals`,
		[revenueTotal],
	);
	return {
		earlierTotal: String(row.earlier_total),
		change: String(row.change),
		changePercent: row.change_percent === null ? null : Number(row.change_percent),
	};
}

/** Totals only: the year-ago products make no new, gone or premium change. */
async function yearAgoComparison(
	session: DuckSession,
	revenueTotal: string,
	yearAgo: Side,
): Promise<YearAgoComparison> {
	const revenue = await revenueAgainst(session, revenueTotal, yearAgo.products);
	return {
		period: yearAgo.run.period,
		revenue_total: revenue.earlierTotal,
		revenue_change: revenue.change,
		revenue_change_percent: revenue.changePercent,
	};
}

interface ProductChanges {
	premiumIn: string[];
	premiumOut: string[];
	/** The first `top` labels (else keys) of the products that came in / went out of premium, largest revenue first. */
	premiumInLabels: string[];
	premiumOutLabels: string[];
	newProducts: number;
	goneProducts: number;
	risers: ProductChange[];
	fallers: ProductChange[];
}

async function productChanges(
	session: DuckSession,
	table: string,
	top: number,
): Promise<ProductChanges> {
	const [row] = await session.rows(
		`SELECT count(*) FILTER (WHERE status = 'new') AS new_products, count(*) FILTER (WHERE status = 'gone') AS gone_products, ` +
			`coalesce(list(product_key ORDER BY product_key) FILTER (WHERE premium_change = 'in'), []) AS premium_in, ` +
			`coalesce(list(product_key ORDER BY product_key) FILTER (WHERE premium_change = 'out'), []) AS premium_out, ` +
			`coalesce(list(coalesce(label, product_key) ORDER BY revenue DESC NULLS LAST, product_key) FILTER (WHERE premium_change = 'in'), [])[1:$1] AS premium_in_labels, ` +
			`coalesce(list(coalesce(label, product_key) ORDER BY revenue_previous DESC NULLS LAST, product_key) FILTER (WHERE premium_change = 'out'), [])[1:$1] AS premium_out_labels ` +
			`FROM ${table}`,
		[top],
	);
	// Risers and fallers over every product, a missing side counting as 0: a new product can rise, a gone one fall.
	// Ordered by the table's DECIMAL column, qualified: the bare name would be the text the SELECT makes of it.
	const moved = async (filter: string, order: string) =>
		(await session.rows(
			`SELECT product_key, label, CAST(revenue_change AS VARCHAR) AS revenue_change FROM ${table} AS changes ` +
				`WHERE changes.${filter} ORDER BY changes.revenue_change ${order}, product_key LIMIT $1`,
			[top],
		)) as unknown as ProductChange[];
	return {
		premiumIn: row.premium_in as string[],
		premiumOut: row.premium_out as string[],
		premiumInLabels: row.premium_in_labels as string[],
		premiumOutLabels: row.premium_out_labels as string[],
		newProducts: Number(row.new_products),
		goneProducts: Number(row.gone_products),
		risers: await moved('revenue_change > 0', 'DESC'),
		fallers: await moved('revenue_change < 0', 'ASC'),
	};
}

/** Each `_rows` figure both runs recorded as a number, in the current run's order. */
function volumeChanges(current: PeriodRun, previous: PeriodRun): Record<string, VolumeChange> {
	const volume: Record<string, VolumeChange> = {};
	for (const [name, value] of Object.entries(current.figures)) {
		if (!name.endsWith('_rows') || !(name in previous.figures)) continue;
		const rows = Number(value);
		const rowsPrevious = Number(previous.figures[name]);
		if (!Number.isFinite(rows) || !Number.isFinite(rowsPrevious)) continue;
		volume[name] = {
			rows,
			rows_previous: rowsPrevious,
			change_percent: rowsPrevious
				? rounded(((rows - rowsPrevious) / rowsPrevious) * 100, 1)
				: null,
		};
	}
	return volume;
}

/** " (+4.4 %)", or nothing when there is no percentage (an earlier total of 0). */
function signedPercent(changePercent: number | null, formats: NumberFormats): string {
	return changePercent === null ? '' : ` (${formats.signedPercent(changePercent / 100)})`;
}

/** "2 (A, B)", "12 (A, B, C and 9 more)", "0". */
function namedCount(count: number, names: string[], formats: NumberFormats): string {
	if (!count) return formats.count(0);
	const more = count - names.length;
	return names.length
		? `${formats.count(count)} (${names.join(', ')}${more ? ` and ${formats.count(more)} more` : ''})`
		: formats.count(count);
}

function comparisonLines(
	summary: ComparisonSummary,
	products: ProductChanges | undefined,
	formats: NumberFormats,
): string[] {
	const revenue = formats.money(summary.revenue_total);
	const productText = (product: ProductChange) =>
		`${product.label ?? product.product_key} ${formats.signedMoney(product.revenue_change)}`;
	if (summary.previous_period === null || summary.revenue_change === null || !products) {
		const lines = [`Revenue ${revenue}; no earlier period recorded`];
		if (summary.year_ago) lines.push(yearAgoLine(summary.year_ago, formats));
		return lines;
	}
	const lines = [
		`Revenue ${revenue}, ${formats.signedMoney(summary.revenue_change)}${signedPercent(summary.revenue_change_percent, formats)} on ${summary.previous_period}`,
	];
	if (summary.top_risers.length)
		lines.push(`Top risers: ${summary.top_risers.map(productText).join(', ')}`);
	if (summary.top_fallers.length)
		lines.push(`Top fallers: ${summary.top_fallers.map(productText).join(', ')}`);
	lines.push(
		`Premium in: ${namedCount(summary.premium_in.length, products.premiumInLabels, formats)}, out: ${namedCount(summary.premium_out.length, products.premiumOutLabels, formats)}`,
	);
	lines.push(
		`Products: ${formats.count(summary.new_products)} new, ${formats.count(summary.gone_products)} gone`,
	);
	const volume = Object.entries(summary.volume);
	if (volume.length) {
		lines.push(
			`Rows: ${volume.map(([name, change]) => `${name.replace(/_rows$/, '')} ${formats.count(change.rows)}${signedPercent(change.change_percent, formats)}`).join(', ')}`,
		);
	}
	if (summary.year_ago) lines.push(yearAgoLine(summary.year_ago, formats));
	return lines;
}

function yearAgoLine(yearAgo: YearAgoComparison, formats: NumberFormats): string {
	return `Same month last year (${yearAgo.period}): ${formats.money(yearAgo.revenue_total)}, now ${formats.signedMoney(yearAgo.revenue_change)}${signedPercent(yearAgo.revenue_change_percent, formats)}`;
}
