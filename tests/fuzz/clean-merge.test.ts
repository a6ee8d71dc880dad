/**
 * Property-based fuzzing of the Clean Table steps and the Merge Tables keys on small random tables
 * given as n8n items, with random parameters (columns that exist or not, any case, quoted, lists;
 * every operator and rule, and some that do not exist). Each case ends in a correct table —
 * checked against the table as loaded (Clean Table with no steps) or a DuckDB reference join — or
 * in a NodeOperationError naming the column, input or step; never a crash, a hang, an open
 * connection or a scratch folder left behind (harness.ts).
 */
import {
	ALL_ROWS,
	assertNodeError,
	assertSucceeded,
	fuzz,
	guarded,
	rawError,
	summaryOf,
} from './harness';
import type { TableSummary } from './harness';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { quoteLiteral } from '../../nodes/shared/sql';
import { runNode } from '../helpers/small';
import type { WorkflowResult } from '../helpers/engine';
import { columnList, columnRef, itemTable, namesIn } from './arbitraries';
import type { ItemTable, ItemValue } from './arbitraries';

type Row = Record<string, unknown>;

const clean = (rows: IDataObject[], steps: IDataObject[]) =>
	guarded('Clean Table', () =>
		runNode('cleanTable', { steps: { step: steps }, ...ALL_ROWS }, [rows]),
	);

/** The table as the loader made it from the items: what every step starts from. */
async function loaded(rows: IDataObject[]): Promise<TableSummary> {
	// Items without a single field are no table (the pipeline property checks how they are refused).
	fc.pre(rows.some((row) => Object.keys(row).length > 0));
	const result = await clean(rows, []);
	assertSucceeded(result);
	return summaryOf(result);
}

const typeOf = (table: TableSummary, name: string) =>
	table.columns.find((column) => column.name === name)!.type;

/** A step's settings that name no column: the step says which setting is wrong. */
const SETTING_ERROR =
	/^Step \d+ \([^)]*\): (Unknown (type|condition|rule)|No (key )?column|unknown step|no columns given)/;

/** The step's failure names the column (or, for a setting that names none, the step), or the input. */
function assertStepError(result: WorkflowResult, references: string[]): void {
	const message = rawError(result)?.message ?? '';
	assertNodeError(result, [
		'the input table',
		...references.flatMap(namesIn),
		...(SETTING_ERROR.test(message) ? ['Step '] : []),
	]);
}

// ---------------------------------------------------------------------------------------------
// Random steps

const TYPES = ['text', 'integer', 'decimal', 'number', 'date', 'timestamp', 'boolean'];
const OPERATORS = [
	'equals',
	'notEquals',
	'greaterThan',
	'greaterOrEqual',
	'lessThan',
	'lessOrEqual',
	'contains',
	'startsWith',
	'inList',
	'isEmpty',
	'isNotEmpty',
];
const STRATEGIES = ['highest', 'lowest', 'first', 'last', 'failOnConflict'];
const FILTER_VALUES = [
	'',
	' ',
	'A',
	'a',
	'1',
	'12',
	'12,5',
	'1.5',
	'-3',
	'abc',
	'true',
	'2024-01-31',
	'A, b',
	"it's",
	'x"y',
	'%',
	'_',
];

function stepArbitrary(columns: string[]): fc.Arbitrary<IDataObject> {
	return fc.oneof(
		fc.record({
			stepType: fc.constant('trimText'),
			trimColumns: columnList(columns),
			emptyToNull: fc.boolean(),
		}),
		fc.record({
			stepType: fc.constant('castColumns'),
			castColumns: columnList(columns),
			castType: fc.constantFrom(...TYPES, 'money'),
			castScale: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(-1, 99, 2.5)),
			castDecimalComma: fc.boolean(),
			onCastError: fc.constantFrom('fail', 'null'),
		}),
		fc.record({
			stepType: fc.constant('dropMissing'),
			missingColumns: columnList(columns),
			blankIsMissing: fc.boolean(),
		}),
		fc.record({
			stepType: fc.constant('filterRows'),
			filterColumn: columnRef(columns),
			filterOperator: fc.constantFrom(...OPERATORS, 'like'),
			filterValue: fc.constantFrom(...FILTER_VALUES),
		}),
		fc.record({
			stepType: fc.constant('deduplicate'),
			dedupKeys: columnList(columns),
			dedupStrategy: fc.constantFrom(...STRATEGIES, 'random'),
			dedupOrderColumn: columnRef(columns),
			dedupCompareColumns: columnList(columns),
		}),
	);
}

const pipelineCase = itemTable.chain((table) =>
	fc.record({
		table: fc.constant(table),
		steps: fc.array(stepArbitrary(table.columns), { minLength: 1, maxLength: 3 }),
	}),
);

const ROW_KEEPING = new Set(['trimText', 'castColumns']);

async function checkPipeline({
	table,
	steps,
}: {
	table: ItemTable;
	steps: IDataObject[];
}): Promise<void> {
	const result = await clean(table.rows, steps);
	if (rawError(result)) {
		assertStepError(
			result,
			steps.flatMap((step) =>
				[
					'trimColumns',
					'castColumns',
					'missingColumns',
					'filterColumn',
					'dedupKeys',
					'dedupOrderColumn',
					'dedupCompareColumns',
				].map((key) => String(step[key] ?? '')),
			),
		);
		return;
	}
	const summary = summaryOf(result);
	const { statistics } = summary;
	assert.equal(statistics.rowsIn, table.rows.length, 'one row per item');
	let rows = statistics.rowsIn;
	for (const step of statistics.steps) {
		assert.equal(step.rowsIn, rows, `step ${step.step} starts from the previous step's rows`);
		if (ROW_KEEPING.has(step.type))
			assert.equal(step.rowsOut, step.rowsIn, `${step.type} keeps every row`);
		else assert.ok(step.rowsOut <= step.rowsIn, `${step.type} never adds rows`);
		rows = step.rowsOut;
	}
	assert.equal(statistics.rowsOut, rows);
	assert.equal(summary.rowCount, rows);
	assert.equal(summary.preview.length, rows);
	// Keys that differ only in case are two columns, the second renamed by DuckDB (sku, SKU_1).
	const present = new Set(table.rows.flatMap((row) => Object.keys(row)));
	const names = summary.columns.map((column) => column.name);
	assert.equal(names.length, present.size, 'no step adds or loses a column');
	assert.equal(
		new Set(names.map((name) => name.toLowerCase())).size,
		names.length,
		`column names are unique: ${JSON.stringify(names)}`,
	);
}

// ---------------------------------------------------------------------------------------------
// Remove Duplicates against the loaded table

/** DuckDB's order: numbers and booleans by value, text by its UTF-8 bytes. */
function compare(a: unknown, b: unknown): number {
	if (typeof a === 'string' && typeof b === 'string')
		return Buffer.compare(Buffer.from(a), Buffer.from(b));
	return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
}

const keyOf = (row: Row, columns: string[]) =>
	JSON.stringify(columns.map((column) => row[column] ?? null));

/** The rows Remove Duplicates must keep, in file order; 'conflict' when failOnConflict must stop. */
function expectedDedup(
	table: TableSummary,
	keys: string[],
	strategy: string,
	by: string,
	compared: string[],
): Row[] | 'conflict' {
	const groups = new Map<string, number[]>();
	table.preview.forEach((row, index) => {
		const key = keyOf(row, keys);
		groups.set(key, [...(groups.get(key) ?? []), index]);
	});
	if (strategy === 'failOnConflict') {
		for (const members of groups.values()) {
			if (
				compared.length &&
				new Set(members.map((index) => keyOf(table.preview[index], compared))).size > 1
			)
				return 'conflict';
		}
	}
	const kept = [...groups.values()].map((members) => {
		if (strategy === 'last') return members[members.length - 1];
		if (strategy !== 'highest' && strategy !== 'lowest') return members[0];
		const sign = strategy === 'highest' ? -1 : 1;
		// Nulls last, ties keep the first in file order.
		return [...members].sort((a, b) => {
			const [x, y] = [table.preview[a][by], table.preview[b][by]];
			if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
			return sign * compare(x, y) || a - b;
		})[0];
	});
	return kept.sort((a, b) => a - b).map((index) => table.preview[index]);
}

const dedupCase = itemTable.chain((table) =>
	fc.record({
		table: fc.constant(table),
		keys: fc.shuffledSubarray(table.columns, {
			minLength: 1,
			maxLength: Math.min(2, table.columns.length),
		}),
		strategy: fc.constantFrom(...STRATEGIES),
		by: fc.constantFrom(...table.columns),
		compared: fc.subarray(table.columns, { maxLength: Math.min(2, table.columns.length) }),
	}),
);

async function checkDedup({
	table,
	keys,
	strategy,
	by,
	compared,
}: {
	table: ItemTable;
	keys: string[];
	strategy: string;
	by: string;
	compared: string[];
}): Promise<void> {
	const input = await loaded(table.rows);
	// A column no item has a value for is not in the table.
	fc.pre(
		[...keys, by, ...compared].every((name) =>
			input.columns.some((column) => column.name === name),
		),
	);
	// A column named rowid hides the row order (todo regression below).
	fc.pre(!input.columns.some((column) => column.name.toLowerCase() === 'rowid'));
	const step = {
		stepType: 'deduplicate',
		dedupKeys: keys.map((k) => `"${k.replace(/"/g, '""')}"`).join(', '),
		dedupStrategy: strategy,
		dedupOrderColumn: `"${by.replace(/"/g, '""')}"`,
		dedupCompareColumns: compared.map((k) => `"${k.replace(/"/g, '""')}"`).join(', '),
	};
	const result = await clean(table.rows, [step]);
	const comparedColumns = (
		compared.length ? compared : input.columns.map((column) => column.name)
	).filter((name) => !keys.includes(name));
	const expected = expectedDedup(input, keys, strategy, by, comparedColumns);
	if (expected === 'conflict') {
		assertStepError(result, keys);
		assert.match(rawError(result)!.message ?? '', /have duplicate rows that disagree/);
		return;
	}
	assertSucceeded(result);
	const output = summaryOf(result);
	assert.ok(output.rowCount <= input.rowCount, 'deduplication never adds rows');
	assert.deepEqual(
		output.preview,
		expected,
		`kept rows for ${strategy} on ${keys.join(', ')}${strategy === 'highest' || strategy === 'lowest' ? ` by ${by}` : ''}`,
	);
}

// ---------------------------------------------------------------------------------------------
// Keep Rows Matching a Condition: a condition and its negation

const NEGATIONS: Array<[string, string, 'all' | 'non-null']> = [
	['isEmpty', 'isNotEmpty', 'all'],
	['equals', 'notEquals', 'all'],
	['greaterThan', 'lessOrEqual', 'non-null'],
	['lessThan', 'greaterOrEqual', 'non-null'],
];

const filterCase = itemTable.chain((table) =>
	fc.record({
		table: fc.constant({
			...table,
			rows: table.rows.map((row, index) => ({ rid: index + 1, ...row })),
		}),
		column: fc.constantFrom(...table.columns),
		pair: fc.constantFrom(...NEGATIONS),
		value: fc.oneof(
			fc.constantFrom(...FILTER_VALUES),
			fc.constantFrom(
				'',
				...table.rows.flatMap((row) => Object.values(row)).map((value) => String(value ?? '')),
			),
		),
	}),
);

async function checkFilterPartition({
	table,
	column,
	pair,
	value,
}: {
	table: ItemTable;
	column: string;
	pair: [string, string, 'all' | 'non-null'];
	value: string;
}): Promise<void> {
	const input = await loaded(table.rows);
	fc.pre(input.columns.some((c) => c.name === column));
	const filter = (operator: string) =>
		clean(table.rows, [
			{
				stepType: 'filterRows',
				filterColumn: `"${column.replace(/"/g, '""')}"`,
				filterOperator: operator,
				filterValue: value,
			},
		]);
	const [kept, rest] = [await filter(pair[0]), await filter(pair[1])];
	if (rawError(kept) || rawError(rest)) {
		// A value the column cannot hold is refused by a condition and its negation alike.
		for (const result of [kept, rest]) assertStepError(result, [column]);
		return;
	}
	const ids = (result: WorkflowResult) => summaryOf(result).preview.map((row) => row.rid as number);
	const [a, b] = [ids(kept), ids(rest)];
	assert.equal(
		a.filter((id) => b.includes(id)).length,
		0,
		`${pair[0]} and ${pair[1]} ${JSON.stringify(value)} share no row`,
	);
	const nulls = input.preview.filter((row) => row[column] === null).map((row) => row.rid as number);
	const expected =
		pair[2] === 'all'
			? input.preview.map((row) => row.rid)
			: input.preview.map((row) => row.rid).filter((id) => !nulls.includes(id as number));
	assert.deepEqual(
		[...a, ...b].sort((x, y) => x - y),
		expected,
		`${pair[0]} and ${pair[1]} ${JSON.stringify(value)} on ${column} (${typeOf(input, column)}) together keep ${pair[2] === 'all' ? 'every row' : 'every row with a value'}`,
	);
}

// ---------------------------------------------------------------------------------------------
// Trim Text, Drop Rows With Missing Values, Change Column Type, against the loaded table

/** What Trim Text removes: spaces, tabs, line ends and the non-breaking space. */
const TRIMMED = /^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g;
const isBlank = (value: unknown) => typeof value === 'string' && value.replace(TRIMMED, '') === '';

const SQL_TYPES: Record<string, (scale: number) => string> = {
	text: () => 'VARCHAR',
	integer: () => 'BIGINT',
	decimal: (scale) => `DECIMAL(18,${scale})`,
	number: () => 'DOUBLE',
	date: () => 'DATE',
	timestamp: () => 'TIMESTAMP',
	boolean: () => 'BOOLEAN',
};

const singleStepCase = itemTable.chain((table) =>
	fc.record({
		table: fc.constant(table),
		chosen: fc.subarray(table.columns, { maxLength: Math.min(3, table.columns.length) }),
		step: fc.oneof(
			fc.record({ stepType: fc.constant('trimText'), emptyToNull: fc.boolean() }),
			fc.record({ stepType: fc.constant('dropMissing'), blankIsMissing: fc.boolean() }),
			fc.record({
				stepType: fc.constant('castColumns'),
				castType: fc.constantFrom(...TYPES),
				castScale: fc.integer({ min: 0, max: 6 }),
				castDecimalComma: fc.boolean(),
				onCastError: fc.constantFrom('fail', 'null'),
			}),
		) as fc.Arbitrary<IDataObject>,
	}),
);

const COLUMNS_SETTING: Record<string, string> = {
	trimText: 'trimColumns',
	dropMissing: 'missingColumns',
	castColumns: 'castColumns',
};

async function checkSingleStep({
	table,
	chosen,
	step,
}: {
	table: ItemTable;
	chosen: string[];
	step: IDataObject;
}): Promise<void> {
	const input = await loaded(table.rows);
	fc.pre(chosen.every((name) => input.columns.some((column) => column.name === name)));
	const list = chosen.map((name) => `"${name.replace(/"/g, '""')}"`).join(', ');
	const key = COLUMNS_SETTING[step.stepType as string];
	if (step.stepType === 'castColumns') fc.pre(chosen.length > 0);
	// An empty list means "any column" only when the step says so (Look In: Any Column).
	const scope = step.stepType === 'dropMissing' && !chosen.length ? { missingScope: 'any' } : {};
	const result = await clean(table.rows, [{ ...step, ...scope, [key]: list }]);
	const columns = chosen.length ? chosen : input.columns.map((column) => column.name);

	if (step.stepType === 'trimText') {
		const notText = chosen.filter((name) => typeOf(input, name) !== 'VARCHAR');
		if (notText.length) {
			assertStepError(result, notText);
			assert.match(rawError(result)!.message ?? '', /is not text/);
			return;
		}
		assertSucceeded(result);
		const trimmed = columns.filter((name) => typeOf(input, name) === 'VARCHAR');
		const expected = input.preview.map((row) => {
			const out = { ...row };
			for (const name of trimmed) {
				if (typeof row[name] !== 'string') continue;
				const text = (row[name] as string).replace(TRIMMED, '');
				out[name] = text === '' && step.emptyToNull ? null : text;
			}
			return out;
		});
		assert.deepEqual(summaryOf(result).preview, expected);
		return;
	}

	if (step.stepType === 'dropMissing') {
		assertSucceeded(result);
		const missing = (row: Row) =>
			columns.some(
				(name) =>
					row[name] === null ||
					(step.blankIsMissing === true && typeOf(input, name) === 'VARCHAR' && isBlank(row[name])),
			);
		assert.deepEqual(
			summaryOf(result).preview,
			input.preview.filter((row) => !missing(row)),
			`drop rows missing ${columns.join(', ')}`,
		);
		return;
	}

	// Change Column Type
	const nullsIn = (summary: TableSummary, name: string) =>
		summary.preview.filter((row) => row[name] === null).length;
	if (rawError(result)) {
		assertStepError(result, chosen);
		const message = rawError(result)!.message ?? '';
		assert.equal(step.onCastError, 'fail', `emptying values never fails: ${message}`);
		const refused = /(\d+) value\(s\) in column "(.*)" cannot be converted/.exec(message);
		assert.ok(refused, message);
		// The same conversion, emptying what does not convert, empties at least those values.
		const emptied = await clean(table.rows, [{ ...step, [key]: list, onCastError: 'null' }]);
		assertSucceeded(emptied);
		assert.ok(summaryOf(emptied).statistics.steps[0].valuesEmptied! >= Number(refused[1]));
		return;
	}
	assertSucceeded(result);
	const output = summaryOf(result);
	assert.equal(output.rowCount, input.rowCount, 'a cast keeps every row');
	const sqlType = SQL_TYPES[step.castType as string](step.castScale as number);
	let emptied = 0;
	for (const name of chosen) {
		assert.equal(typeOf(output, name), sqlType, `${name} is now ${sqlType}`);
		emptied += nullsIn(output, name) - nullsIn(input, name);
	}
	assert.equal(
		output.statistics.steps[0].valuesEmptied,
		emptied,
		'valuesEmptied counts the values that became empty',
	);
	if (step.onCastError === 'fail')
		assert.equal(emptied, 0, 'without "Set It to Empty" no value is lost');
	for (const column of input.columns.filter((c) => !chosen.includes(c.name))) {
		assert.deepEqual(
			output.preview.map((row) => row[column.name]),
			input.preview.map((row) => row[column.name]),
			`${column.name} is untouched`,
		);
	}
}

// ---------------------------------------------------------------------------------------------
// Merge Tables keys against a DuckDB reference join

const KEY_VALUES: Record<string, ItemValue[]> = {
	int: [1, 2, 3, null],
	float: [1.5, 2, 2.5, null],
	// ('' keys are left out: whether two empty keys meet is an open question, see the report.)
	text: ['1', ' 2 ', '3.0', '2.50', 'a', 'A', ' a', 'b', null],
	bool: [true, false, null],
	mixed: [1, '1', ' 2 ', 2, 2.5, 'a', 'A', true, null],
};

interface Side {
	keys: string[];
	rows: Array<Record<string, ItemValue>>;
}

function sideArbitrary(keyNames: string[], other: string): fc.Arbitrary<Side> {
	return fc
		.array(fc.constantFrom(...Object.keys(KEY_VALUES)), {
			minLength: keyNames.length,
			maxLength: keyNames.length,
		})
		.chain((kinds) =>
			fc.array(
				fc
					.tuple(
						fc.tuple(...kinds.map((kind) => fc.constantFrom(...KEY_VALUES[kind]))),
						fc.constantFrom<ItemValue>('x', 'y', null),
					)
					.map(([keys, value]) => {
						const row: Record<string, ItemValue> = {};
						keyNames.forEach((name, index) => (row[name] = keys[index]));
						row[other] = value;
						return row;
					}),
				{ minLength: 1, maxLength: 8 },
			),
		)
		.map((rows) => ({ keys: keyNames, rows }));
}

const mergeCase = fc
	.record({
		leftKeys: fc.constantFrom<string[]>(['id'], ['k'], ['id', 'k'], ['sku']),
		rightNames: fc.constantFrom<string[]>(['id', 'k'], ['ID', 'k2'], ['ref', 'id']),
		joinType: fc.constantFrom('inner', 'left', 'right', 'full', 'anti', 'inner', 'cross'),
		comparison: fc.constantFrom('text', 'text', 'exact'),
		ignoreCase: fc.boolean(),
		input: fc.constantFrom(2, 2, 2, 2, 3),
		mangle: fc.constantFrom('none', 'none', 'none', 'missing', 'count', 'case'),
	})
	.chain((plan) => {
		const rightKeys = plan.rightNames.slice(0, plan.leftKeys.length);
		return fc.record({
			plan: fc.constant({ ...plan, rightKeys }),
			left: sideArbitrary(plan.leftKeys, 'v'),
			right: sideArbitrary(rightKeys, 'v'),
		});
	});

type MergeCase = typeof mergeCase extends fc.Arbitrary<infer T> ? T : never;

/** The key as Merge Tables compares it "as text": its written form, spaces trimmed, 3.0 as 3. */
function keyText(value: ItemValue | undefined, ignoreCase: boolean): string | null {
	if (value === null || value === undefined) return null;
	const text = (typeof value === 'string' ? value.replace(/^ +| +$/g, '') : String(value)).replace(
		/^(-?[0-9]+)\.0+$/,
		'$1',
	);
	return ignoreCase ? text.toLowerCase() : text;
}

let reference: DuckDBConnection;
let referenceInstance: DuckDBInstance;

/** Inner matches and unmatched rows of each side, counted by DuckDB on the keys as text. */
async function referenceJoin(
	left: Side,
	right: Side,
	ignoreCase: boolean,
): Promise<{ inner: number; leftOnly: number; rightOnly: number }> {
	const values = (side: Side) =>
		side.rows
			.map(
				(row) =>
					`(${side.keys
						.map((name) => keyText(row[name], ignoreCase))
						.map((text) => (text === null ? 'NULL::VARCHAR' : quoteLiteral(text)))
						.join(', ')})`,
			)
			.join(', ');
	const columns = left.keys.map((_, index) => `k${index}`).join(', ');
	const on = left.keys.map((_, index) => `l.k${index} = r.k${index}`).join(' AND ');
	const count = async (sql: string) =>
		Number((await reference.runAndReadAll(sql)).getRowsJS()[0][0]);
	const l = `(SELECT * FROM (VALUES ${values(left)}) t(${columns}))`;
	const r = `(SELECT * FROM (VALUES ${values(right)}) t(${columns}))`;
	return {
		inner: await count(`SELECT count(*) FROM ${l} l JOIN ${r} r ON ${on}`),
		leftOnly: await count(`SELECT count(*) FROM ${l} l ANTI JOIN ${r} r ON ${on}`),
		rightOnly: await count(`SELECT count(*) FROM ${r} r ANTI JOIN ${l} l ON ${on}`),
	};
}

async function checkMerge({ plan, left, right }: MergeCase): Promise<void> {
	let leftKeys = plan.leftKeys.join(', ');
	let rightKeys = plan.rightKeys.join(', ');
	if (plan.mangle === 'missing') rightKeys = `${rightKeys}_missing`;
	if (plan.mangle === 'count') leftKeys = `${leftKeys}, v`;
	if (plan.mangle === 'case') leftKeys = leftKeys.toUpperCase();
	const join = { input: plan.input, joinType: plan.joinType, leftKeys, rightKeys };
	const options = { keyComparison: plan.comparison, ignoreCase: plan.ignoreCase };
	const result = await guarded('Merge Tables', () =>
		runNode('mergeTables', { joins: { join: [join] }, joinOptions: options, ...ALL_ROWS }, [
			left.rows,
			right.rows,
		]),
	);
	const valid =
		plan.input === 2 &&
		plan.joinType !== 'cross' &&
		(plan.mangle === 'none' || plan.mangle === 'case');
	if (rawError(result)) {
		assertNodeError(result, ['Join 1', 'input 2', ...namesIn(leftKeys), ...namesIn(rightKeys)]);
		if (valid && plan.comparison === 'text')
			assert.fail(`a valid text join failed: ${rawError(result)!.message}`);
		return;
	}
	assert.ok(valid, 'an invalid join is refused');
	const summary = summaryOf(result);
	const stats = summary.statistics.joins![0] as Record<string, number>;
	assert.deepEqual([stats.rowsLeft, stats.rowsRight], [left.rows.length, right.rows.length]);
	if (plan.comparison !== 'text') return;
	const expected = await referenceJoin(left, right, plan.ignoreCase);
	const rowsByType: Record<string, number> = {
		inner: expected.inner,
		left: expected.inner + expected.leftOnly,
		right: expected.inner + expected.rightOnly,
		full: expected.inner + expected.leftOnly + expected.rightOnly,
		anti: expected.leftOnly,
	};
	const rows = rowsByType[plan.joinType];
	assert.equal(summary.rowCount, rows, `${plan.joinType} join on ${leftKeys} = ${rightKeys}: rows`);
	assert.deepEqual(
		[stats.unmatchedLeftRows, stats.unmatchedRightRows],
		[expected.leftOnly, expected.rightOnly],
		'unmatched rows per side',
	);
}

// ---------------------------------------------------------------------------------------------

describe('fuzz regressions: Clean Table', () => {
	test('a column listed twice is trimmed or converted once (seed 31: "SKU, SKU")', async () => {
		const rows = [{ SKU: 'B ' }, { SKU: ' ' }, { SKU: '7' }];
		const trimmed = await clean(rows, [
			{ stepType: 'trimText', trimColumns: 'SKU, SKU', emptyToNull: false },
		]);
		assertSucceeded(trimmed);
		assert.deepEqual(summaryOf(trimmed).preview, [{ SKU: 'B' }, { SKU: '' }, { SKU: '7' }]);
		const cast = await clean(rows, [
			{
				stepType: 'castColumns',
				castColumns: 'SKU, sku',
				castType: 'integer',
				onCastError: 'null',
			},
		]);
		assertSucceeded(cast);
		assert.deepEqual(
			summaryOf(cast).preview.map((row) => row.SKU),
			[null, null, 7],
		);
	});

	test('a value the column cannot hold is refused by "is equal to" and "is not equal to" alike (seed 33: "" on a number column)', async () => {
		const rows = [
			{ rid: 1, sku: 0 },
			{ rid: 2, sku: null },
		];
		for (const filterOperator of ['equals', 'notEquals']) {
			const result = await clean(rows, [
				{ stepType: 'filterRows', filterColumn: 'sku', filterOperator, filterValue: '' },
			]);
			assertStepError(result, ['sku']);
			assert.match(
				rawError(result)!.message ?? '',
				/The value "" is not a number, but column "sku" holds numbers/,
			);
		}
		const flags = [{ flag: true }, { flag: null }];
		const notDate = await clean(flags, [
			{
				stepType: 'filterRows',
				filterColumn: 'flag',
				filterOperator: 'notEquals',
				filterValue: 'maybe',
			},
		]);
		assert.match(
			rawError(notDate)!.message ?? '',
			/The value "maybe" is not a BOOLEAN value, but column "flag" holds that type \(BOOLEAN\)/,
		);
	});

	test(
		'Remove Duplicates keeps file order when the table has a column named rowid (seed 32)',
		{
			todo: "a column named rowid hides DuckDB's rowid, the order load.ts gives every table (INSERTION_ORDER): deduplicate (and Merge Tables' ORDER BY) sort by the user's column",
		},
		async () => {
			const rows = [
				{ k: 'a', rowid: 9 },
				{ k: 'b', rowid: 1 },
			];
			const result = await clean(rows, [
				{ stepType: 'deduplicate', dedupKeys: 'k', dedupStrategy: 'first' },
			]);
			assertSucceeded(result);
			assert.deepEqual(summaryOf(result).preview, rows);
		},
	);
});

describe('fuzz: Clean Table steps and Merge Tables keys', () => {
	before(async () => {
		referenceInstance = await DuckDBInstance.create(':memory:');
		reference = await referenceInstance.connect();
	});
	after(() => {
		reference?.closeSync();
		referenceInstance?.closeSync();
	});

	test('random step pipelines with random parameters: consistent row counts and columns, or an error naming the step or column', async (t) => {
		await fuzz(t, pipelineCase, checkPipeline, { runs: 200, seed: 31 });
	});

	test('Remove Duplicates keeps exactly one row per key, the one its rule picks, in file order', async (t) => {
		await fuzz(t, dedupCase, checkDedup, { runs: 200, seed: 32 });
	});

	test('a condition and its negation split the rows between them', async (t) => {
		await fuzz(t, filterCase, checkFilterPartition, { runs: 200, seed: 33 });
	});

	test('Trim Text, Drop Rows With Missing Values and Change Column Type do what they say to the loaded table', async (t) => {
		await fuzz(t, singleStepCase, checkSingleStep, { runs: 200, seed: 34 });
	});

	test('Merge Tables keys: row counts of every join type equal a DuckDB reference join on the keys as text', async (t) => {
		await fuzz(t, mergeCase, checkMerge, { runs: 200, seed: 35 });
	});
});
