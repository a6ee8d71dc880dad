import type { IDataObject } from 'n8n-workflow';
import type { CheckOutcome } from './checks';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckResult extends IDataObject {
	name: string;
	type: string;
	severity: 'error' | 'warning';
	status: CheckStatus;
	observed: IDataObject[string];
	expected: IDataObject[string];
	message: string;
}

/** A check's observed or expected value as people read it: a dash when there is none. */
export const shownValue = (value: unknown) =>
	value === null || value === undefined ? '—' : String(value);

export function checkResult(
	name: string,
	type: string,
	severity: 'error' | 'warning',
	outcome: CheckOutcome,
): CheckResult {
	const status: CheckStatus = outcome.skipped
		? 'skipped'
		: outcome.passed
			? 'pass'
			: severity === 'error'
				? 'fail'
				: 'warn';
	const message = outcome.skipped
		? `${name}: skipped (${outcome.skipped})`
		: `${name}: ${status.toUpperCase()} — observed ${shownValue(outcome.observed)}, expected ${shownValue(outcome.expected)}`;
	const result: CheckResult = {
		name,
		type,
		severity,
		status,
		observed: (outcome.observed ?? null) as IDataObject[string],
		expected: (outcome.expected ?? null) as IDataObject[string],
		message,
	};
	if (outcome.failingRows !== undefined) {
		result.failingRows = outcome.failingRows;
		result.samples = outcome.samples ?? [];
	}
	return result;
}

export interface QualityReport extends IDataObject {
	passed: boolean;
	errors: number;
	warnings: number;
	skipped: number;
	checks: CheckResult[];
}

export function qualityReport(checks: CheckResult[]): QualityReport {
	const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
	return {
		passed: count('fail') === 0,
		errors: count('fail'),
		warnings: count('warn'),
		skipped: count('skipped'),
		checks,
	};
}
