import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { isBlank, numberFrom, rowLevel } from './types';

export const valueRange: CheckKind = {
	value: 'valueRange',
	name: 'Values in Range',
	description: 'Every value of a numeric column lies between a minimum and a maximum',
	properties: [
		{
			displayName: 'Column',
			name: 'rangeColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. price',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Minimum',
			name: 'rangeMin',
			type: 'string',
			default: '',
			placeholder: '0',
			description: 'Empty: no lower bound',
		},
		{
			displayName: 'Maximum',
			name: 'rangeMax',
			type: 'string',
			default: '',
			description: 'Empty: no upper bound',
		},
		{
			displayName: 'Bounds Included',
			name: 'rangeInclusive',
			type: 'boolean',
			default: true,
			description: 'Whether a value equal to a bound passes',
		},
	],
	async run(input) {
		const { rangeColumn, rangeMin, rangeMax, rangeInclusive } = input.parameters;
		const column = quoteIdentifier(findColumn(input.table, rangeColumn ?? '').name);
		const value = `try_cast(${column} AS DOUBLE)`;
		const inclusive = rangeInclusive !== false;
		const outside: string[] = [`(${column} IS NOT NULL AND ${value} IS NULL)`];
		const params: number[] = [];
		const bounds: string[] = [];
		if (!isBlank(rangeMin)) {
			params.push(numberFrom(input, 'Minimum', rangeMin));
			outside.push(`${value} ${inclusive ? '<' : '<='} $${params.length}`);
			bounds.push(`${inclusive ? '≥' : '>'} ${params[params.length - 1]}`);
		}
		if (!isBlank(rangeMax)) {
			params.push(numberFrom(input, 'Maximum', rangeMax));
			outside.push(`${value} ${inclusive ? '>' : '>='} $${params.length}`);
			bounds.push(`${inclusive ? '≤' : '<'} ${params[params.length - 1]}`);
		}
		if (!bounds.length)
			return {
				passed: true,
				observed: null,
				expected: null,
				skipped: 'no minimum or maximum given',
			};
		return rowLevel(input, outside.join(' OR '), params, `${rangeColumn} ${bounds.join(' and ')}`);
	},
};
