import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBTypeId } from '@duckdb/node-api';
import { DuckSession } from '../nodes/shared/duckdb';
import { keyText } from '../nodes/shared/keys';
import { quoteIdentifier } from '../nodes/shared/sql';
import { describeColumns } from '../nodes/shared/table';
import { json, runNode } from './helpers/small';

/** A key as a DuckDB literal and the column type it is stored as. */
type Key = [literal: string, type: string];

/** The decisions of nodes/shared/keys.ts, one pair of one-row tables each. */
const CASES: Array<{ left: Key; right: Key; match: boolean }> = [
	{ left: ['15298', 'BIGINT'], right: ["'15298'", 'VARCHAR'], match: true },
	{ left: ['15298.0', 'DOUBLE'], right: ["'15298'", 'VARCHAR'], match: true },
	{ left: ['15298.0', 'DOUBLE'], right: ['15298', 'BIGINT'], match: true },
	{ left: ["' 15298 '", 'VARCHAR'], right: ['15298', 'BIGINT'], match: true },
	{ left: ["'15298.0'", 'VARCHAR'], right: ['15298.0', 'DOUBLE'], match: true },
	{
		left: ["'bon-cadeau-25-euros'", 'VARCHAR'],
		right: ["' bon-cadeau-25-euros '", 'VARCHAR'],
		match: true,
	},
	{
		left: ["'bon-cadeau-25-euros'", 'VARCHAR'],
		right: ["'BON-CADEAU-25-EUROS'", 'VARCHAR'],
		match: false,
	},
	{ left: ['NULL', 'VARCHAR'], right: ['NULL', 'VARCHAR'], match: false },
	{ left: ['NULL', 'BIGINT'], right: ['15298', 'BIGINT'], match: false },
	{ left: ["''", 'VARCHAR'], right: ["' '", 'VARCHAR'], match: false },
	{ left: ['1e3', 'DOUBLE'], right: ['1000', 'BIGINT'], match: true },
	{ left: ["'1e3'", 'VARCHAR'], right: ['1000', 'BIGINT'], match: false },
	{ left: ["'1e3'", 'VARCHAR'], right: ["'1e3'", 'VARCHAR'], match: true },
	{ left: ["'0015298'", 'VARCHAR'], right: ['15298', 'BIGINT'], match: false },
	{ left: ["'0015298'", 'VARCHAR'], right: ["'15298'", 'VARCHAR'], match: false },
	{ left: ["'0015298'", 'VARCHAR'], right: ["' 0015298'", 'VARCHAR'], match: true },
	{ left: ['12.50', 'DECIMAL(10,2)'], right: ['12.5', 'DOUBLE'], match: true },
	{ left: ["'12.50'", 'VARCHAR'], right: ['12.5', 'DOUBLE'], match: false },
	{ left: ['15298.5', 'DOUBLE'], right: ['15298', 'BIGINT'], match: false },
	{ left: ["DATE '2026-11-29'", 'DATE'], right: ["'2026-11-29'", 'VARCHAR'], match: true },
];

const show = ([literal, type]: Key) => `${type} ${literal}`;
const dir = mkdtempSync(join(tmpdir(), 'keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Parquet keeps each key's exact type, which JSON items cannot (15298.0 would arrive as BIGINT).
const files = CASES.map((_, index) => ({
	left: join(dir, `${index}-left.parquet`),
	right: join(dir, `${index}-right.parquet`),
}));
before(async () => {
	const session = await DuckSession.open();
	try {
		for (const [index, { left, right }] of CASES.entries()) {
			await session.run(
				`COPY (SELECT CAST(${left[0]} AS ${left[1]}) AS key) TO '${files[index].left}' (FORMAT parquet)`,
			);
			await session.run(
				`COPY (SELECT CAST(${right[0]} AS ${right[1]}) AS ref) TO '${files[index].right}' (FORMAT parquet)`,
			);
		}
	} finally {
		await session.close();
	}
});

/** Whether Merge Tables' inner join pairs the two rows, after checking both keys kept their type. */
async function mergeMatches(index: number): Promise<boolean> {
	const { left, right } = CASES[index];
	const result = await runNode(
		'mergeTables',
		{
			outputMode: 'table',
			joins: { join: [{ input: 2, joinType: 'inner', leftKeys: 'key', rightKeys: 'ref' }] },
		},
		[{ files: [{ path: files[index].left }] }, { files: [{ path: files[index].right }] }],
	);
	assert.equal(result.error, undefined, result.error?.message);
	const summary = json(result)[0] as any;
	assert.deepEqual(summary.columns, [
		{ name: 'key', type: left[1] },
		{ name: 'ref', type: right[1] },
	]);
	return summary.statistics.joins[0].rowsOut === 1;
}

/** Whether the Referential Integrity check finds the left key in the right table. */
async function checkMatches(index: number): Promise<boolean> {
	const result = await runNode(
		'dataQualityCheck',
		{
			onFailure: 'route',
			outputMode: 'table',
			checks: {
				check: [
					{
						checkName: 'key',
						checkType: 'referentialIntegrity',
						severity: 'error',
						referenceKey: 'key',
						referenceColumn: 'ref',
					},
				],
			},
		},
		[{ files: [{ path: files[index].left }] }, { files: [{ path: files[index].right }] }],
	);
	assert.equal(result.error, undefined, result.error?.message);
	const report = (json(result, 1)[0] as any) ?? (json(result, 0)[0] as any).statistics;
	return report.checks[0].status === 'pass';
}

describe('keys: Merge Tables and the Referential Integrity check match the same keys', () => {
	for (const [index, { left, right, match }] of CASES.entries()) {
		test(`${show(left)} ${match ? 'meets' : 'does not meet'} ${show(right)}`, async () => {
			assert.deepEqual(
				{ merge: await mergeMatches(index), check: await checkMatches(index) },
				{ merge: match, check: match },
			);
		});
	}
});

describe('keys: the key text on DuckDB values', () => {
	const TEXTS: Array<[literal: string, type: string, text: string | null]> = [
		['15298', 'BIGINT', '15298'],
		['-15298', 'INTEGER', '-15298'],
		['15298.0', 'DOUBLE', '15298'],
		['-15298.0', 'DOUBLE', '-15298'],
		['1e3', 'DOUBLE', '1000'],
		['15298.5', 'DOUBLE', '15298.5'],
		['1e16', 'DOUBLE', '1e+16'],
		['15298', 'FLOAT', '15298'],
		['15298.00', 'DECIMAL(10,2)', '15298'],
		['12.50', 'DECIMAL(10,2)', '12.5'],
		['1000', 'DECIMAL(10,0)', '1000'],
		["'15298'", 'VARCHAR', '15298'],
		["' 15298 '", 'VARCHAR', '15298'],
		["'15298.0'", 'VARCHAR', '15298'],
		["'-15298.00'", 'VARCHAR', '-15298'],
		["'12.50'", 'VARCHAR', '12.50'],
		["'1000'", 'VARCHAR', '1000'],
		["chr(160) || '15298' || chr(8239)", 'VARCHAR', '15298'],
		["'0015298'", 'VARCHAR', '0015298'],
		["'1e3'", 'VARCHAR', '1e3'],
		["'bon-cadeau-25-euros'", 'VARCHAR', 'bon-cadeau-25-euros'],
		["''", 'VARCHAR', null],
		["'   '", 'VARCHAR', null],
		['NULL', 'VARCHAR', null],
		['NULL', 'DOUBLE', null],
		["DATE '2026-11-29'", 'DATE', '2026-11-29'],
	];
	let session: DuckSession;
	before(async () => {
		session = await DuckSession.open();
	});
	after(() => session.close());

	/** The key text of a one-row column, described by DuckDB as a loaded table's columns are. */
	const textOf = async (literal: string, type: string, name = 'k', options = {}) => {
		const relation = `(SELECT CAST(${literal} AS ${type}) AS ${quoteIdentifier(name)})`;
		const [column] = await describeColumns(session, relation);
		return session.value(`SELECT ${keyText(column, options)} FROM ${relation}`);
	};

	for (const [literal, type, text] of TEXTS) {
		test(`${type} ${literal} → ${text === null ? 'NULL' : JSON.stringify(text)}`, async () => {
			assert.equal(await textOf(literal, type), text);
		});
	}

	test('letter case only on request; the column name is quoted, through an alias', async () => {
		assert.equal(await textOf("' Bon-Cadeau '", 'VARCHAR'), 'Bon-Cadeau');
		assert.equal(
			await textOf("' Bon-Cadeau '", 'VARCHAR', 'k', { ignoreCase: true }),
			'bon-cadeau',
		);
		assert.equal(await textOf("'x'", 'VARCHAR', 'a "key"; --'), 'x');
		assert.match(
			keyText({ name: 'sku', type: 'VARCHAR', typeId: DuckDBTypeId.VARCHAR }, { alias: 'l' }),
			/\bl\."sku"/,
		);
	});
});
