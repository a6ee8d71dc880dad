import type { CheckKind } from './types';
import { isBlank, numberFrom } from './types';

const MODES = {
	equals: 'Equals',
	between: 'Between',
	atLeast: 'At Least',
	atMost: 'At Most',
} satisfies Record<string, string>;

export type RowCountMode = keyof typeof MODES;

export const rowCount: CheckKind = {
	value: 'rowCount',
	name: 'Row Count',
	description: 'The table has the expected number of rows',
	properties: [
		{
			displayName: 'Comparison',
			name: 'rowCountMode',
			type: 'options',
			default: 'equals',
			options: Object.entries(MODES).map(([value, name]) => ({ name, value })),
		},
		{
			displayName: 'Expected Rows',
			name: 'rowCountExpected',
			type: 'string',
			default: '',
			placeholder: '825',
			description: 'A number or an expression; empty skips the check',
		},
		{
			displayName: 'Maximum Rows',
			name: 'rowCountMax',
			type: 'string',
			default: '',
			displayOptions: { show: { rowCountMode: ['between'] } },
		},
	],
	async run(input) {
		const { rowCountMode: mode, rowCountExpected: expectedRaw, rowCountMax } = input.parameters;
		if (isBlank(expectedRaw))
			return {
				passed: true,
				observed: input.table.rows,
				expected: null,
				skipped: 'no expected row count given',
			};
		const expected = numberFrom(input, 'Expected Rows', expectedRaw);
		const rows = input.table.rows;
		if (mode === 'between') {
			const max = numberFrom(input, 'Maximum Rows', rowCountMax);
			return {
				passed: rows >= expected && rows <= max,
				observed: rows,
				expected: `between ${expected} and ${max}`,
			};
		}
		if (mode === 'atLeast')
			return { passed: rows >= expected, observed: rows, expected: `at least ${expected}` };
		if (mode === 'atMost')
			return { passed: rows <= expected, observed: rows, expected: `at most ${expected}` };
		return { passed: rows === expected, observed: rows, expected };
	},
};
