import { quoteIdentifier } from '../shared/sql';
import { selectInOrder } from '../shared/table';

export interface ScorePlan {
	source: string;
	/** The source rows' own order (rowid or file_row_number). */
	sourceOrder: string;
	column: string;
	method: 'zscore' | 'iqr';
	threshold: number;
	deviation: 'population' | 'sample';
	k: number;
	scoreName: string;
}

/** What makes a row premium: its score, or its value itself, strictly above `cut`. */
export interface PremiumRule {
	on: 'score' | 'value';
	cut: number;
}

/** The scored column as a number; text that is not one becomes NULL. */
export const numericValue = (plan: ScorePlan) =>
	`try_cast(${quoteIdentifier(plan.column)} AS DOUBLE)`;

/** Mean, deviation and quartiles over the values that are numbers; nulls and text are counted apart. */
export function statsSql(plan: ScorePlan): string {
	const v = numericValue(plan);
	const std = plan.deviation === 'sample' ? `stddev_samp(${v})` : `stddev_pop(${v})`;
	return (
		`SELECT count(*) AS rows, count(${v}) AS scored, ` +
		`count(*) FILTER (WHERE ${quoteIdentifier(plan.column)} IS NOT NULL AND ${v} IS NULL) AS non_numeric, ` +
		`count(*) FILTER (WHERE ${quoteIdentifier(plan.column)} IS NULL) AS empty, ` +
		`avg(${v}) AS mean, ${std} AS std, min(${v}) AS min, max(${v}) AS max, ` +
		`quantile_cont(${v}, 0.25) AS q1, quantile_cont(${v}, 0.5) AS median, quantile_cont(${v}, 0.75) AS q3 FROM ${plan.source}`
	);
}

/**
 * The score of each row: (v − centre) / spread, with centre and spread bound as $1 and $2:
 * mean and standard deviation (z-score), or Q3 and IQR so that "score > k" is the IQR
 * fence. A zero spread leaves every score empty.
 */
export function scoredSql(plan: ScorePlan): string {
	return selectInOrder(
		plan.source,
		plan.sourceOrder,
		`*, (${numericValue(plan)} - $1) / nullif($2, 0) AS ${quoteIdentifier(plan.scoreName)}`,
	);
}

/**
 * The rule for the split, or null when no row can be premium. A zero standard deviation
 * means every value is the same. An IQR of 0 (half the values or more are equal) leaves
 * no score, but Tukey's fence Q3 + k × 0 is Q3 itself, so values above Q3 still stand out.
 */
export function premiumRule(
	plan: ScorePlan,
	centre: number | null,
	spread: number | null,
): PremiumRule | null {
	if (centre === null) return null;
	if (spread) return { on: 'score', cut: plan.method === 'zscore' ? plan.threshold : plan.k };
	return plan.method === 'iqr' ? { on: 'value', cut: centre } : null;
}

/** Premium: strictly above the rule's cut ($1). Ordinary: the rest, unscored rows included. */
export function splitSql(
	scored: string,
	plan: ScorePlan,
	rule: PremiumRule | null,
	premium: boolean,
): string {
	const tested = rule?.on === 'value' ? numericValue(plan) : quoteIdentifier(plan.scoreName);
	const isPremium = rule ? `coalesce(${tested} > $1, false)` : 'false';
	return `SELECT * FROM ${scored} WHERE ${premium ? isPremium : `NOT ${isPremium}`}`;
}
