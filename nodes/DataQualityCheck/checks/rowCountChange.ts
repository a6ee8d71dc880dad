import type { CheckKind } from './types';
import { isBlank, numberFrom } from './types';

export const rowCountChange: CheckKind = {
	value: 'rowCountChange',
	name: 'Row Count Change',
	description: 'The row count is within ±X % of a reference (last month\'s count, for example)',
	properties: [
		{ displayName: 'Reference Row Count', name: 'changeReference', type: 'string', default: '', placeholder: '={{ $json.last_month_rows }}', description: 'Empty skips the check' },
		{ displayName: 'Allowed Change (%)', name: 'changePercent', type: 'number', default: 10, typeOptions: { minValue: 0 } },
	],
	async run(input) {
		const { changeReference, changePercent } = input.parameters;
		if (isBlank(changeReference)) return { passed: true, observed: input.table.rows, expected: null, skipped: 'no reference row count given' };
		const reference = numberFrom(input, 'Reference Row Count', changeReference);
		const allowed = numberFrom(input, 'Allowed Change (%)', changePercent);
		const change = reference === 0 ? (input.table.rows === 0 ? 0 : Infinity) : ((input.table.rows - reference) / reference) * 100;
		return {
			passed: Math.abs(change) <= allowed,
			observed: `${input.table.rows} rows (${change >= 0 ? '+' : ''}${Number.isFinite(change) ? change.toFixed(1) : '∞'} %)`,
			expected: `${reference} ± ${allowed} %`,
		};
	},
};
