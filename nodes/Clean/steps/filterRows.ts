import { COLUMN_FIELD, findColumn, isNumeric, isText, sqlTypeOf } from '../../shared/table';
import { quoteIdentifier } from '../../shared/sql';
import type { CleanStep } from './types';

type Comparison = (column: string, type: string) => string;

interface Operator {
	name: string;
	words: string;
	needsValue: boolean;
	sql: Comparison;
}

/** Each operator's SQL uses the column (quoted) and at most one bound value, $1. */
const OPERATORS = {
	equals: {
		name: 'Is Equal To',
		words: 'is',
		needsValue: true,
		sql: (c, t) => `${c} = try_cast($1 AS ${t})`,
	},
	notEquals: {
		name: 'Is Not Equal To',
		words: 'is not',
		needsValue: true,
		sql: (c, t) => `${c} IS DISTINCT FROM try_cast($1 AS ${t})`,
	},
	greaterThan: {
		name: 'Is Greater Than',
		words: 'is over',
		needsValue: true,
		sql: (c, t) => `${c} > try_cast($1 AS ${t})`,
	},
	greaterOrEqual: {
		name: 'Is Greater Than or Equal To',
		words: 'is at least',
		needsValue: true,
		sql: (c, t) => `${c} >= try_cast($1 AS ${t})`,
	},
	lessThan: {
		name: 'Is Less Than',
		words: 'is under',
		needsValue: true,
		sql: (c, t) => `${c} < try_cast($1 AS ${t})`,
	},
	lessOrEqual: {
		name: 'Is Less Than or Equal To',
		words: 'is at most',
		needsValue: true,
		sql: (c, t) => `${c} <= try_cast($1 AS ${t})`,
	},
	contains: {
		name: 'Contains',
		words: 'contains',
		needsValue: true,
		sql: (c) => `contains(CAST(${c} AS VARCHAR), $1)`,
	},
	startsWith: {
		name: 'Starts With',
		words: 'starts with',
		needsValue: true,
		sql: (c) => `starts_with(CAST(${c} AS VARCHAR), $1)`,
	},
	inList: {
		name: 'Is One Of (Comma-Separated)',
		words: 'is one of',
		needsValue: true,
		sql: (c) =>
			`list_contains(list_transform(string_split($1, ','), x -> trim(x)), CAST(${c} AS VARCHAR))`,
	},
	isEmpty: {
		name: 'Is Empty',
		words: 'is empty',
		needsValue: false,
		sql: (c) => `(${c} IS NULL OR trim(CAST(${c} AS VARCHAR)) = '')`,
	},
	isNotEmpty: {
		name: 'Is Not Empty',
		words: 'is not empty',
		needsValue: false,
		sql: (c) => `(${c} IS NOT NULL AND trim(CAST(${c} AS VARCHAR)) <> '')`,
	},
} satisfies Record<string, Operator>;

export type FilterOperator = keyof typeof OPERATORS;

/** Operators that compare the column with the value converted to the column's type. */
const TYPED_COMPARISONS: FilterOperator[] = [
	'equals',
	'notEquals',
	'greaterThan',
	'greaterOrEqual',
	'lessThan',
	'lessOrEqual',
];

export const filterRows: CleanStep = {
	value: 'filterRows',
	name: 'Keep Rows Matching a Condition',
	description: 'Keep only the rows where a column meets a condition',
	properties: [
		{
			displayName: 'Column',
			name: 'filterColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. post_type',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Condition',
			name: 'filterOperator',
			type: 'options',
			default: 'equals',
			options: Object.entries(OPERATORS).map(([value, { name }]) => ({ name, value })),
		},
		{
			displayName: 'Value',
			name: 'filterValue',
			type: 'string',
			default: '',
			placeholder: 'e.g. product',
			displayOptions: { hide: { filterOperator: ['isEmpty', 'isNotEmpty'] } },
		},
	],
	label: (p) => {
		const operator: Operator | undefined = p.filterOperator
			? OPERATORS[p.filterOperator]
			: undefined;
		const value = operator && !operator.needsValue ? '' : String(p.filterValue ?? '');
		return `keep rows where ${String(p.filterColumn ?? '').trim() || '?'} ${operator?.words ?? p.filterOperator} ${value}`.trim();
	},
	async build({ session, table, parameters, fail }) {
		const column = findColumn(table, parameters.filterColumn ?? '');
		const operatorKey = parameters.filterOperator;
		// Typed by the list, but an expression may give any text.
		const operator: Operator | undefined = operatorKey ? OPERATORS[operatorKey] : undefined;
		if (!operatorKey || !operator)
			return fail(`Unknown condition "${operatorKey}"`, 'Choose a condition from the list.');
		const name = quoteIdentifier(column.name);
		if (!operator.needsValue)
			return {
				select: `SELECT * FROM ${table.relation} WHERE ${operator.sql(name, sqlTypeOf(column))}`,
			};
		const value = String(parameters.filterValue ?? '');
		// A value the column's type cannot hold would compare as NULL: "is not equal to" would then drop
		// the empty rows and keep the rest, while "is equal to" keeps nothing. Both refuse it instead.
		if (!isText(column) && TYPED_COMPARISONS.includes(operatorKey)) {
			const converts = await session.value(
				`SELECT try_cast($1 AS ${sqlTypeOf(column)}) IS NOT NULL`,
				[value],
			);
			if (!converts) {
				const numeric = isNumeric(column);
				fail(
					`The value "${value}" is not ${numeric ? 'a number' : `a ${column.type} value`}, but column "${column.name}" holds ${numeric ? 'numbers' : 'that type'} (${column.type})`,
					numeric
						? 'Enter a number such as 10 or 24.5 (with a point).'
						: 'Enter a value of that type (e.g. 2024-01-31 for a date, true or false), or convert the column to text first.',
				);
			}
		}
		return {
			select: `SELECT * FROM ${table.relation} WHERE ${operator.sql(name, sqlTypeOf(column))}`,
			params: [value],
		};
	},
};
