import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { isBlank, numberFrom } from './types';

export const aggregateEquals: CheckKind = {
	value: 'aggregateEquals',
	name: 'Column Sum or Mean Equals',
	description:
		'The sum or mean of a column equals an expected value within a tolerance (the revenue check)',
	properties: [
		{
			displayName: 'Column',
			name: 'aggregateColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. revenue',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Aggregate',
			name: 'aggregateFunction',
			type: 'options',
			default: 'sum',
			options: [
				{ name: 'Sum', value: 'sum' },
				{ name: 'Mean', value: 'mean' },
			],
		},
		{
			displayName: 'Expected Value',
			name: 'aggregateExpected',
			type: 'string',
			default: '',
			placeholder: '70568.60',
			description: 'A number or an expression; empty skips the check',
		},
		{
			displayName: 'Tolerance',
			name: 'aggregateTolerance',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 6 },
			description: 'Largest difference still accepted (0.005 accepts a rounding to the cent)',
		},
		{
			displayName: 'Decimal Places Shown',
			name: 'aggregateDecimals',
			type: 'number',
			default: 2,
			typeOptions: { minValue: 0, maxValue: 6 },
		},
	],
	async run(input) {
		const {
			aggregateColumn,
			aggregateFunction,
			aggregateExpected,
			aggregateTolerance,
			aggregateDecimals,
		} = input.parameters;
		const column = findColumn(input.table, aggregateColumn ?? '');
		if (isBlank(aggregateExpected))
			return { passed: true, observed: null, expected: null, skipped: 'no expected value given' };
		const expected = numberFrom(input, 'Expected Value', aggregateExpected);
		const decimals = Math.max(0, Math.min(6, Math.floor(Number(aggregateDecimals ?? 2))));
		// DECIMAL arithmetic: a money total is compared to the cent, not as a float.
		const value = `try_cast(${quoteIdentifier(column.name)} AS DECIMAL(38,6))`;
		const aggregate = aggregateFunction === 'mean' ? `avg(${value})` : `sum(${value})`;
		const [row] = await input.session.rows(
			`SELECT CAST(round(${aggregate}, ${decimals}) AS VARCHAR) AS observed, abs(${aggregate} - CAST($1 AS DECIMAL(38,6))) <= CAST($2 AS DECIMAL(38,6)) AS ok FROM ${input.table.relation}`,
			[String(expected), String(Number(aggregateTolerance ?? 0))],
		);
		return {
			passed: row.ok === true,
			observed: row.observed,
			expected: Number(aggregateTolerance)
				? `${expected.toFixed(decimals)} ± ${Number(aggregateTolerance)}`
				: expected.toFixed(decimals),
		};
	},
};
