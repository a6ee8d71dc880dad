import type { Column } from '../shared/table';
import { quoteIdentifier, quoteList } from '../shared/sql';

export interface RevenuePlan {
	source: string;
	/** The source rows' own order (rowid or file_row_number). */
	sourceOrder: string;
	price: Column;
	quantity: Column;
	groupBy: Column[];
	names: { revenue: string; share: string; cumulative: string };
}

/** The column counting the input rows of each group, when grouped. */
export const GROUP_ROW_COUNT = 'row_count';

/**
 * Exact money: each line is price × quantity in DECIMAL, rounded half-up to the cent, and the
 * total is the sum of those cents — never a floating-point sum. Text that is not a number
 * gives no revenue and is counted, not guessed.
 */
const lineRevenue = (plan: RevenuePlan) =>
	`round(try_cast(${quoteIdentifier(plan.price.name)} AS DECIMAL(18,4)) * try_cast(${quoteIdentifier(plan.quantity.name)} AS DECIMAL(18,4)), 2)`;

/** Revenue per row (or per group), sorted by revenue, with each row's share and the running share. */
export function revenueSql(plan: RevenuePlan): string {
	const revenue = quoteIdentifier(plan.names.revenue);
	const lines = plan.groupBy.length
		? `SELECT ${quoteList(plan.groupBy.map((c) => c.name))}, sum(try_cast(${quoteIdentifier(plan.quantity.name)} AS DECIMAL(18,4))) AS ${quoteIdentifier(plan.quantity.name)}, ` +
			`count(*) AS ${quoteIdentifier(GROUP_ROW_COUNT)}, CAST(sum(${lineRevenue(plan)}) AS DECIMAL(18,2)) AS ${revenue}, min(${plan.sourceOrder}) AS __order FROM ${plan.source} GROUP BY ALL`
		: `SELECT *, CAST(${lineRevenue(plan)} AS DECIMAL(18,2)) AS ${revenue}, ${plan.sourceOrder} AS __order FROM ${plan.source}`;
	const share = `CAST(${revenue} AS DOUBLE) / nullif(CAST(sum(${revenue}) OVER () AS DOUBLE), 0)`;
	const running = `CAST(sum(${revenue}) OVER (ORDER BY ${revenue} DESC NULLS LAST, __order ROWS UNBOUNDED PRECEDING) AS DOUBLE) / nullif(CAST(sum(${revenue}) OVER () AS DOUBLE), 0)`;
	return (
		`SELECT * EXCLUDE (__order), ${share} AS ${quoteIdentifier(plan.names.share)}, ` +
		`CASE WHEN ${revenue} IS NOT NULL THEN ${running} END AS ${quoteIdentifier(plan.names.cumulative)} ` +
		`FROM (${lines}) ORDER BY ${revenue} DESC NULLS LAST, __order`
	);
}

/** Totals for the summary, money as exact strings. */
export function totalsSql(plan: RevenuePlan, relation: string): string {
	const revenue = quoteIdentifier(plan.names.revenue);
	return (
		`SELECT CAST(coalesce(sum(${revenue}), 0) AS DECIMAL(38,2))::VARCHAR AS total_revenue, ` +
		`count(${revenue}) AS rows_with_revenue, count(*) - count(${revenue}) AS rows_without_revenue, ` +
		`CAST(coalesce(sum(try_cast(${quoteIdentifier(plan.quantity.name)} AS DECIMAL(38,4))), 0) AS DOUBLE) AS units FROM ${relation}`
	);
}
