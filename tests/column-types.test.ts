import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckSession } from '../nodes/shared/duckdb';
import { keyText } from '../nodes/shared/keys';
import { quoteIdentifier } from '../nodes/shared/sql';
import {
	describeColumns,
	isFixedSize,
	isJson,
	isNumeric,
	isText,
	isTimestamp,
	isWholeNumber,
	type Column,
} from '../nodes/shared/table';
import { cellKind, type CellKind } from '../nodes/shared/xlsx/write';

/** What each type decides: numeric, whole number, plain text, fixed size in JSON, and its kind of Excel cell. */
interface Decisions {
	numeric: boolean;
	whole: boolean;
	text: boolean;
	fixed: boolean;
	timestamp: boolean;
	json: boolean;
	cell: CellKind;
}

const NONE: Decisions = {
	numeric: false,
	whole: false,
	text: false,
	fixed: false,
	timestamp: false,
	json: false,
	cell: 'text',
};
const WHOLE: Decisions = { ...NONE, numeric: true, whole: true, fixed: true, cell: 'exact' };
const STAMP: Decisions = { ...NONE, fixed: true, timestamp: true, cell: 'safeText' };

/** A value of each DuckDB type, as SQL, with the decisions the type names used to give. */
const TYPES: Array<[sql: string, type: string, decisions: Decisions]> = [
	['1::TINYINT', 'TINYINT', WHOLE],
	['1::USMALLINT', 'USMALLINT', WHOLE],
	['1::INTEGER', 'INTEGER', WHOLE],
	['1::UINTEGER', 'UINTEGER', WHOLE],
	['1::BIGINT', 'BIGINT', { ...WHOLE, cell: 'bigint' }],
	['1::HUGEINT', 'HUGEINT', { ...WHOLE, cell: 'bigint' }],
	['1::UBIGINT', 'UBIGINT', { ...WHOLE, cell: 'bigint' }],
	['1::UHUGEINT', 'UHUGEINT', { ...WHOLE, cell: 'bigint' }],
	['1.5::DECIMAL(18,2)', 'DECIMAL(18,2)', { ...WHOLE, whole: false }],
	['1.5::DECIMAL(38,4)', 'DECIMAL(38,4)', { ...WHOLE, whole: false }],
	['1.5::FLOAT', 'FLOAT', { ...WHOLE, whole: false, cell: 'float' }],
	['1.5::DOUBLE', 'DOUBLE', { ...WHOLE, whole: false, cell: 'float' }],
	['1::VARINT', 'BIGNUM', NONE],
	["'x'", 'VARCHAR', { ...NONE, text: true }],
	["'x' COLLATE NOCASE", 'VARCHAR', { ...NONE, text: true }],
	['\'{"a": 1}\'::JSON', 'JSON', { ...NONE, json: true }],
	["'a'::ENUM('a', 'b')", "ENUM('a', 'b')", NONE],
	['[1, 2]', 'INTEGER[]', NONE],
	["{'x': 1}", 'STRUCT(x INTEGER)', NONE],
	["'a'::BLOB", 'BLOB', { ...NONE, cell: 'safeText' }],
	['true', 'BOOLEAN', { ...NONE, fixed: true, cell: 'boolean' }],
	["DATE '2024-05-31'", 'DATE', { ...NONE, fixed: true, cell: 'safeText' }],
	["TIMESTAMP '2024-05-31 08:00:00'", 'TIMESTAMP', STAMP],
	["TIMESTAMP_S '2024-05-31 08:00:00'", 'TIMESTAMP_S', STAMP],
	["TIMESTAMP_MS '2024-05-31 08:00:00'", 'TIMESTAMP_MS', STAMP],
	["TIMESTAMP_NS '2024-05-31 08:00:00'", 'TIMESTAMP_NS', STAMP],
	["TIMESTAMPTZ '2024-05-31 08:00:00+00'", 'TIMESTAMP WITH TIME ZONE', STAMP],
	["TIME '08:00:00'", 'TIME', { ...NONE, fixed: true }],
	["TIMETZ '08:00:00+02'", 'TIME WITH TIME ZONE', { ...NONE, fixed: true }],
	['INTERVAL 1 DAY', 'INTERVAL', { ...NONE, fixed: true }],
	["'00000000-0000-0000-0000-000000000001'::UUID", 'UUID', { ...NONE, fixed: true }],
];

function decisionsOf(column: Column): Decisions {
	return {
		numeric: isNumeric(column),
		whole: isWholeNumber(column),
		text: isText(column),
		fixed: isFixedSize(column),
		timestamp: isTimestamp(column),
		json: isJson(column),
		cell: cellKind(column),
	};
}

describe('column types: decided on DuckDB type ids, as described by DuckDB', () => {
	let session: DuckSession;
	let columns: Column[];
	before(async () => {
		session = await DuckSession.open();
		const select = TYPES.map(([sql], index) => `${sql} AS ${quoteIdentifier(`c${index}`)}`).join(
			', ',
		);
		await session.run(`CREATE TEMP TABLE typed AS SELECT ${select}`);
		columns = await describeColumns(session, 'typed');
	});
	after(() => session.close());

	for (const [index, [sql, type, decisions]] of TYPES.entries()) {
		test(`${type} (${sql})`, () => {
			assert.equal(columns[index].type, type, "the SQL text stays DESCRIBE's");
			assert.deepEqual(decisionsOf(columns[index]), decisions);
		});
	}

	test('the type text plays no part: a column is what its type id says', () => {
		const bigint = columns[TYPES.findIndex(([, type]) => type === 'BIGINT')];
		const decimal = columns[TYPES.findIndex(([, type]) => type === 'DECIMAL(18,2)')];
		assert.deepEqual(decisionsOf({ ...decimal, type: bigint.type }), decisionsOf(decimal));
		assert.deepEqual(decisionsOf({ ...bigint, type: 'VARCHAR' }), decisionsOf(bigint));
	});

	test('key text: a BIGINT as written, a DECIMAL without its zero fraction, a VARCHAR trimmed', async () => {
		await session.run(
			`CREATE TEMP TABLE keyed AS SELECT 15298::BIGINT AS whole, 15298.00::DECIMAL(10,2) AS money, ' 15298.0 ' AS code`,
		);
		const [whole, money, code] = await describeColumns(session, 'keyed');
		const texts = await session.rows(
			`SELECT ${keyText(whole)} AS whole, ${keyText(money)} AS money, ${keyText(code)} AS code FROM keyed`,
		);
		assert.deepEqual(texts, [{ whole: '15298', money: '15298', code: '15298' }]);
		// The rule picks its SQL by type: integers are cast, decimals lose zeros, text is trimmed.
		assert.doesNotMatch(keyText(whole), /regexp_replace|trim/);
		assert.match(keyText(money), /regexp_replace\(CAST/);
		assert.match(keyText(code), /trim\(/);
	});
});
