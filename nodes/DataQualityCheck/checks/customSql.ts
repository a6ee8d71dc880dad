import { quoteIdentifier } from '../../shared/sql';
import { rowsToJson } from '../../shared/table';
import type { Table } from '../../shared/table';
import type { CheckInput, CheckKind } from './types';

/** Scalar functions a condition may call: pure computations on the row, nothing that reads files or settings. */
const ALLOWED_FUNCTIONS = new Set([
	'abs',
	'round',
	'floor',
	'ceil',
	'ceiling',
	'sign',
	'sqrt',
	'ln',
	'log',
	'log10',
	'exp',
	'power',
	'pow',
	'mod',
	'least',
	'greatest',
	'isnan',
	'isfinite',
	'lower',
	'upper',
	'length',
	'strlen',
	'trim',
	'ltrim',
	'rtrim',
	'concat',
	'substring',
	'substr',
	'left',
	'right',
	'replace',
	'starts_with',
	'ends_with',
	'prefix',
	'suffix',
	'contains',
	'regexp_matches',
	'regexp_full_match',
	'nullif',
	'ifnull',
	'coalesce',
	'year',
	'month',
	'day',
	'hour',
	'date_part',
	'datepart',
	'date_diff',
	'datediff',
	'date_trunc',
	'strftime',
	'strptime',
	'current_date',
	'today',
	'now',
	'current_timestamp',
	'try_cast',
]);
const ALLOWED_OPERATORS = new Set([
	'+',
	'-',
	'*',
	'/',
	'//',
	'%',
	'^',
	'**',
	'||',
	'~~',
	'!~~',
	'~~*',
	'!~~*',
]);
const ALLOWED_CLASSES = new Set([
	'OPERATOR',
	'CONJUNCTION',
	'COMPARISON',
	'COLUMN_REF',
	'CONSTANT',
	'CAST',
	'FUNCTION',
	'CASE',
	'BETWEEN',
]);

type Ast = { [key: string]: unknown };

/** The view the condition runs over: the user can name columns, never another table. */
const VIEW = 'checked_rows';

/**
 * The user's condition cannot be a bound parameter, so it is accepted only if DuckDB's own
 * parser reads the whole query as one plain SELECT over our view whose WHERE holds nothing
 * but known columns, constants, operators and allow-listed functions: no subquery, no table
 * function, no second statement, no comment-trick that changes the query's shape.
 */
async function validated(input: CheckInput, condition: string, table: Table): Promise<string> {
	const sql = `SELECT * FROM ${VIEW} WHERE NOT coalesce((${condition}\n), false)`;
	const parsed = JSON.parse(
		String(await input.session.value(`SELECT json_serialize_sql(CAST($1 AS VARCHAR))`, [sql])),
	) as Ast;
	const refuse = (why: string): never =>
		input.misconfigured(
			`the SQL condition is not accepted: ${why}`,
			'Write one condition on the row, e.g. price > 0 OR onsale_web = 0, using column names, constants, operators and common functions.',
		);
	if (parsed.error) refuse(String(parsed.error_message));
	const statements = parsed.statements as Ast[];
	if (statements.length !== 1) refuse('it holds more than one statement');
	const node = statements[0].node as Ast;
	const from = node.from_table as Ast;
	const shapeIsOurs =
		node.type === 'SELECT_NODE' &&
		(node.modifiers as unknown[]).length === 0 &&
		((node.cte_map as Ast).map as unknown[]).length === 0 &&
		((node.group_expressions as unknown[]) ?? []).length === 0 &&
		!node.having &&
		!node.qualify &&
		!node.sample &&
		(node.select_list as unknown[]).length === 1 &&
		from?.type === 'BASE_TABLE' &&
		from.table_name === VIEW &&
		!from.schema_name &&
		!from.catalog_name;
	if (!shapeIsOurs) refuse('it changes the shape of the query');
	const columns = new Set(table.columns.map((c) => c.name.toLowerCase()));
	const visit = (value: unknown): void => {
		if (Array.isArray(value)) return value.forEach(visit);
		if (!value || typeof value !== 'object') return;
		const ast = value as Ast;
		if (typeof ast.class === 'string') {
			if (!ALLOWED_CLASSES.has(ast.class)) refuse(`${ast.class.toLowerCase()} is not allowed`);
			if (ast.class === 'COLUMN_REF') {
				const names = ast.column_names as string[];
				if (names.length !== 1 || !columns.has(names[0].toLowerCase())) {
					refuse(
						`unknown column ${names.join('.')} (columns: ${table.columns.map((c) => c.name).join(', ')})`,
					);
				}
			}
			if (ast.class === 'FUNCTION') {
				const name = String(ast.function_name).toLowerCase();
				const ok = ast.is_operator
					? ALLOWED_OPERATORS.has(name)
					: ALLOWED_FUNCTIONS.has(name) && !ast.schema && !ast.catalog;
				if (!ok) refuse(`function ${name} is not allowed`);
			}
		}
		for (const [key, child] of Object.entries(ast)) if (key !== 'value') visit(child);
	};
	visit(node.where_clause);
	return sql;
}

export const customSql: CheckKind = {
	value: 'customSql',
	name: 'Custom SQL Condition',
	description: 'A condition every row must meet, written in SQL',
	properties: [
		{
			displayName: 'Condition',
			name: 'sqlCondition',
			type: 'string',
			default: '',
			placeholder: 'price > 0 OR onsale_web = 0',
			typeOptions: { rows: 2 },
			description: 'True for a good row. Columns, constants, operators and common functions only.',
		},
	],
	async run(input) {
		const condition = String(input.parameters.sqlCondition ?? '').trim();
		if (!condition)
			input.misconfigured(
				'no condition given',
				'Write the condition a good row meets, e.g. price > 0.',
			);
		await input.session.run(
			`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(VIEW)} AS SELECT * FROM ${input.table.relation}`,
		);
		const sql = await validated(input, condition, input.table);
		let failingRows: number;
		try {
			failingRows = await input.session.count(`SELECT count(*) FROM (${sql})`);
		} catch (error) {
			return input.misconfigured(
				`the SQL condition cannot run: ${(error as Error).message.split('\n')[0]}`,
				'Check the column names and value types in the condition.',
			);
		}
		const samples = failingRows
			? rowsToJson(await input.session.rows(`SELECT * FROM (${sql}) LIMIT 5`))
			: [];
		return {
			passed: failingRows === 0,
			observed: `${failingRows} failing row(s)`,
			expected: condition,
			failingRows,
			samples,
		};
	},
};
