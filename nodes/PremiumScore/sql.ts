import { quoteIdentifier } from '../shared/sql';

export interface ScorePlan {
	source: string;
	column: string;
	method: 'zscore' | 'iqr';
	threshold: number;
	deviation: 'population' | 'sample';
	k: number;
	scoreName: string;
}

const value = (plan: ScorePlan) => `try_cast(${quoteIdentifier(plan.column)} AS DOUBLE)`;

/** Mean, deviation and quartiles over the values that are numbers; nulls and text are counted apart. */
export function statsSql(plan: ScorePlan): string {
	const v = value(plan);
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
	return `SELECT *, (${value(plan)} - $1) / nullif($2, 0) AS ${quoteIdentifier(plan.scoreName)} FROM ${plan.source} ORDER BY rowid`;
}

/** Premium: score strictly above the cut ($1). Ordinary: the rest, unscored rows included. */
export function splitSql(scored: string, plan: ScorePlan, premium: boolean): string {
	const score = quoteIdentifier(plan.scoreName);
	const condition = premium ? `${score} > $1` : `${score} IS NULL OR ${score} <= $1`;
	return `SELECT * FROM ${scored} WHERE ${condition} ORDER BY rowid`;
}

export const cutOf = (plan: ScorePlan) => (plan.method === 'zscore' ? plan.threshold : plan.k);
