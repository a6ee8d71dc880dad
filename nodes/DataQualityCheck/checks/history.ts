import type { INodeProperties } from 'n8n-workflow';
import { PERIOD_HINT } from '../../shared/history/open';
import { PERIOD_PATTERN } from '../../shared/history/types';
import { rounded } from '../../shared/reading';
import type { NumberFormats } from '../../shared/reports/format';
import { snakeCase } from '../../shared/reports/summary';
import type { CheckInput, CheckOutcome } from './types';
import { isBlank, numberFrom } from './types';

/**
 * What the checks against the month-over-month history share (Volume Anomaly, Revenue Anomaly,
 * Row Count Change against the last recorded period): the Period and Recorded Figure fields, a
 * figure's values in the periods recorded before a run's period, and the z-score rule of
 * dbt/Elementary's volume anomalies with its wording.
 */

/** The figure Save Report Files records this node's row count under: "Check ERP" → check_erp_rows. */
export const ownRowsFigure = (nodeName: string) => `${snakeCase(nodeName)}_rows`;

/** The checks against the history's z-score range, each with the fields anomalyFields makes. */
export type AnomalyKind = 'volumeAnomaly' | 'revenueAnomaly';

/** The fields holding a check's Period and Recorded Figure. */
type PeriodField = 'changePeriod' | `${AnomalyKind}Period`;
type FigureField = 'changeFigure' | `${AnomalyKind}Figure`;

export const OWN_ROWS_HINT =
	"Empty: this node's own row count, which Save Report Files records as its name in snake_case + _rows (Check ERP → check_erp_rows)";

export function periodField(name: string): INodeProperties {
	return {
		displayName: 'Period',
		name,
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2026-10',
		description:
			"The month this table is for (YYYY-MM). Only periods recorded before it are history: a re-run ignores the month's own earlier record.",
	};
}

export function figureField(name: string, placeholder: string, hint: string): INodeProperties {
	return {
		displayName: 'Recorded Figure',
		name,
		type: 'string',
		default: '',
		placeholder,
		hint,
		description: 'The figure of the recorded periods to compare with',
	};
}

/** The check's Period, `YYYY-MM`; anything else is a configuration error, never "now". */
export function periodOf(input: CheckInput, field: PeriodField): string {
	const value = String(input.parameters[field] ?? '').trim();
	if (!PERIOD_PATTERN.test(value)) {
		input.misconfigured(
			value ? `Period "${value}" is not a month` : 'no Period given',
			PERIOD_HINT,
		);
	}
	return value;
}

/** The figure the check names, or `fallback` when its field is empty. */
export function figureOf(input: CheckInput, field: FigureField, fallback: string): string {
	return isBlank(input.parameters[field]) ? fallback : String(input.parameters[field]).trim();
}

export interface RecordedValue {
	period: string;
	value: number;
}

/** The figure's values in the periods recorded before `period`, oldest first; a period without it (or with no number) is left out. */
export async function recordedBefore(
	input: CheckInput,
	figure: string,
	period: string,
): Promise<RecordedValue[]> {
	const runs = await input.history();
	return runs
		.filter((run) => run.period < period && figure in run.figures)
		.map((run) => ({ period: run.period, value: Number(String(run.figures[figure]).trim()) }))
		.filter((recorded) => Number.isFinite(recorded.value))
		.sort((a, b) => a.period.localeCompare(b.period));
}

export type Direction = 'both' | 'spike' | 'drop';

export interface Verdict {
	mean: number;
	/** The sample standard deviation of the history. */
	deviation: number;
	/** Undefined when the history never varied and the value differs from it. */
	z: number | undefined;
	flagged: boolean;
	low: number;
	high: number;
}

/**
 * The z-score rule: flagged when |z| exceeds the sensitivity in the chosen direction. A history
 * that never varied flags any value that differs from it (a float sum of equal decimals may miss
 * its mean by a hair: that is no variation).
 */
export function zScoreVerdict(
	history: number[],
	observed: number,
	sensitivity: number,
	direction: Direction,
): Verdict {
	const mean = history.reduce((sum, value) => sum + value, 0) / history.length;
	const hair = 1e-9 * Math.max(1, Math.abs(mean));
	const spread = Math.sqrt(
		history.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (history.length - 1),
	);
	const deviation = spread <= hair ? 0 : spread;
	const z = deviation
		? (observed - mean) / deviation
		: Math.abs(observed - mean) <= hair
			? 0
			: undefined;
	const above = z === undefined ? observed > mean : z > sensitivity;
	const below = z === undefined ? observed < mean : z < -sensitivity;
	const flagged = direction === 'spike' ? above : direction === 'drop' ? below : above || below;
	return {
		mean,
		deviation,
		z,
		flagged,
		low: mean - sensitivity * deviation,
		high: mean + sensitivity * deviation,
	};
}

/** The fields every anomaly check has, named `<kind><Field>` (volumeAnomalyPeriod…). */
export function anomalyFields(
	kind: AnomalyKind,
	figure: { placeholder: string; hint: string },
): INodeProperties[] {
	return [
		periodField(`${kind}Period`),
		figureField(`${kind}Figure`, figure.placeholder, figure.hint),
		{
			displayName: 'Periods to Compare',
			name: `${kind}Periods`,
			type: 'number',
			default: 12,
			typeOptions: { minValue: 2 },
			description: 'How many of the latest recorded periods before Period make the history',
		},
		{
			displayName: 'Minimum Periods',
			name: `${kind}MinPeriods`,
			type: 'number',
			default: 3,
			typeOptions: { minValue: 2 },
			description: 'With fewer recorded periods the check is skipped, never failed',
		},
		{
			displayName: 'Sensitivity',
			name: `${kind}Sensitivity`,
			type: 'number',
			default: 3,
			typeOptions: { minValue: 0, numberPrecision: 2 },
			description:
				'Flagged when the value is more than this many standard deviations from the mean (z-score)',
		},
		{
			displayName: 'Direction',
			name: `${kind}Direction`,
			type: 'options',
			default: 'both',
			options: [
				{ name: 'Both', value: 'both', description: 'A spike or a drop is flagged' },
				{
					name: 'Spike',
					value: 'spike',
					description: 'Only a value above the usual range is flagged',
				},
				{
					name: 'Drop',
					value: 'drop',
					description: 'Only a value below the usual range is flagged',
				},
			],
		},
	];
}

/** How a kind shows its value, in the node's locale: rows as counts (means to 1 decimal), money to the cent. */
export interface Measure {
	/** The observed value as people read it: "908 rows", "70,568.60". */
	observedText: string;
	format(value: number): string;
}

export const rowsMeasure = (formats: NumberFormats, rows: number): Measure => ({
	observedText: `${formats.count(rows)} rows`,
	format: (value) => formats.number(value, 1),
});
/** Money without a currency: the checks compare amounts, the messages name the currency. */
export const moneyMeasure = (formats: NumberFormats, total: string): Measure => ({
	observedText: formats.money(total),
	format: (value) => formats.money(value),
});

/** A z-score with a real minus sign, which reads better than a hyphen beside "=". */
const zText = (z: number, formats: NumberFormats) => {
	const shown = rounded(z, 1) ?? z;
	return shown < 0 ? `−${formats.number(Math.abs(shown), 1)}` : formats.number(shown, 1);
};

/** An anomaly check of `observed` against `figure` in the periods before the check's Period, read from the fields anomalyFields made. */
export async function anomalyCheck(
	input: CheckInput,
	kind: AnomalyKind,
	figure: string,
	observed: number,
	measure: Measure,
): Promise<CheckOutcome> {
	const { parameters } = input;
	const period = periodOf(input, `${kind}Period`);
	const compared = Math.floor(
		numberFrom(input, 'Periods to Compare', parameters[`${kind}Periods`] ?? 12),
	);
	const minimum = Math.floor(
		numberFrom(input, 'Minimum Periods', parameters[`${kind}MinPeriods`] ?? 3),
	);
	const sensitivity = numberFrom(input, 'Sensitivity', parameters[`${kind}Sensitivity`] ?? 3);
	const chosenDirection = parameters[`${kind}Direction`];
	const direction: Direction =
		chosenDirection === 'spike' || chosenDirection === 'drop' ? chosenDirection : 'both';
	// A standard deviation needs two values.
	if (minimum < 2)
		input.misconfigured(
			`Minimum Periods is ${minimum}`,
			'A standard deviation needs at least 2 recorded periods: set Minimum Periods to 2 or more.',
		);
	if (compared < minimum)
		input.misconfigured(
			`Periods to Compare (${compared}) is fewer than Minimum Periods (${minimum})`,
			'Compare with at least as many periods as the minimum.',
		);
	if (sensitivity <= 0)
		input.misconfigured(
			`Sensitivity is ${sensitivity}`,
			'Set a number of standard deviations above 0, e.g. 3.',
		);

	const history = (await recordedBefore(input, figure, period)).slice(-compared);
	if (history.length < minimum) {
		return {
			passed: true,
			observed: measure.observedText,
			expected: null,
			skipped: `${history.length} of ${minimum} periods recorded (${figure} before ${period})`,
		};
	}
	const verdict = zScoreVerdict(
		history.map((recorded) => recorded.value),
		observed,
		sensitivity,
		direction,
	);
	const { format } = measure;
	const low = format(verdict.low);
	const high = format(verdict.high);
	const range =
		direction === 'spike'
			? `at most ${high}`
			: direction === 'drop'
				? `at least ${low}`
				: low === high
					? low
					: `between ${low} and ${high}`;
	const basis = `${figure}: mean ${format(verdict.mean)} ± ${sensitivity} × ${format(verdict.deviation)} over ${history.length} periods, ${history[0].period} to ${history[history.length - 1].period}`;
	return {
		passed: !verdict.flagged,
		observed: `${measure.observedText} (${verdict.z === undefined ? 'the history never varied' : `z = ${zText(verdict.z, input.formats)}`})`,
		expected: `${range} (${basis})`,
	};
}
