/**
 * Rows output refuses a table too big for n8n's memory, before its rows reach JavaScript, and
 * releases the execution's DuckDB connection and scratch folder; Table output is never limited.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckSession, SCRATCH_PREFIX, withSession } from '../nodes/shared/duckdb';
import { json, runNode } from './helpers/small';

// A temp folder of this test's own, so other processes' scratch folders are not counted.
const ownTmp = mkdtempSync(join(tmpdir(), 'rows-limit-'));
process.env.TMPDIR = ownTmp;
after(() => rmSync(ownTmp, { recursive: true, force: true }));
const scratchFolders = () =>
	readdirSync(ownTmp).filter((name) => name.startsWith(SCRATCH_PREFIX)).length;

const big = join(ownTmp, 'big.csv');
const wide = join(ownTmp, 'wide.csv');
before(async () => {
	await withSession({}, async (session) => {
		await session.run(
			`COPY (SELECT range AS id, 'sku-' || range AS sku, range % 97 AS price FROM range(150000)) TO '${big}' (HEADER)`,
		);
		// 100 rows of 30 KB of text each: 3 MB, more than a limit of 1,000 rows allows (2 MB).
		await session.run(
			`COPY (SELECT range AS id, repeat('x', 30000) AS description FROM range(100)) TO '${wide}' (HEADER)`,
		);
	});
});

/** The most rows any one query handed to JavaScript while `work` ran. */
async function mostRowsRead<T>(work: () => Promise<T>): Promise<{ result: T; most: number }> {
	const original = DuckSession.prototype.rows;
	let most = 0;
	DuckSession.prototype.rows = async function (
		this: DuckSession,
		...args: Parameters<typeof original>
	) {
		const rows = await original.apply(this, args);
		most = Math.max(most, rows.length);
		return rows;
	};
	try {
		return { result: await work(), most };
	} finally {
		DuckSession.prototype.rows = original;
	}
}

const clean = (extra: object = {}) => ({ steps: { step: [] }, ...extra });

describe('Rows Output Limit', () => {
	test('150,000 rows in Rows mode with the defaults: refused with the counts and the ways out, nothing read into JavaScript, nothing left open', async () => {
		const connections = DuckSession.openCount;
		const { result, most } = await mostRowsRead(() =>
			runNode('cleanTable', clean(), [{ files: [{ path: big }] }]),
		);
		assert.equal(
			result.error?.message,
			'Node: 150,000 rows (3 columns) are too many for Rows output (limit 100,000)',
		);
		assert.match(result.error?.description ?? '', /Set Output to Table/);
		assert.match(
			result.error?.description ?? '',
			/raise Rows Output Limit under Table Options \(0 means no limit\)/,
		);
		assert.ok(most < 1000, `${most} rows were read into JavaScript before the refusal`);
		assert.equal(DuckSession.openCount, connections);
		assert.equal(scratchFolders(), 0);
	});

	test('the same table in Table mode is not limited', async () => {
		const result = await runNode('cleanTable', clean({ outputMode: 'table' }), [
			{ files: [{ path: big }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(json(result)[0].rowCount, 150000);
	});

	test('0 means no limit: the 150,000 rows come out as items', async () => {
		const result = await runNode('cleanTable', clean({ tableOptions: { rowsOutputLimit: 0 } }), [
			{ files: [{ path: big }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		const rows = json(result);
		assert.equal(rows.length, 150000);
		assert.deepEqual(rows[149999], { id: 149999, sku: 'sku-149999', price: 149999 % 97 });
	});

	test('a table at the limit passes; one row more is refused', async () => {
		const items = Array.from({ length: 500 }, (_, i) => ({ id: i, sku: `sku-${i}` }));
		const passed = await runNode('cleanTable', clean({ tableOptions: { rowsOutputLimit: 500 } }), [
			items,
		]);
		assert.equal(passed.error, undefined, passed.error?.message);
		assert.equal(json(passed).length, 500);
		const refused = await runNode('cleanTable', clean({ tableOptions: { rowsOutputLimit: 499 } }), [
			items,
		]);
		assert.equal(
			refused.error?.message,
			'Node: 500 rows (2 columns) are too many for Rows output (limit 499)',
		);
	});

	test('few rows holding much text: refused by the size DuckDB estimates, with the size', async () => {
		const connections = DuckSession.openCount;
		const { result, most } = await mostRowsRead(() =>
			runNode('cleanTable', clean({ tableOptions: { rowsOutputLimit: 1000 } }), [
				{ files: [{ path: wide }] },
			]),
		);
		assert.equal(
			result.error?.message,
			'Node: 100 rows (2 columns) hold about 3 MB, too much for Rows output (limit 1,000 rows, 2 MB)',
		);
		assert.ok(most < 100, `${most} rows were read into JavaScript before the refusal`);
		assert.equal(DuckSession.openCount, connections);
		assert.equal(scratchFolders(), 0);
		// The same rows pass under the default limit, whose size allowance is 100 times larger.
		const passed = await runNode('cleanTable', clean(), [{ files: [{ path: wide }] }]);
		assert.equal(passed.error, undefined, passed.error?.message);
		assert.equal(json(passed).length, 100);
	});

	test('a node with two outputs is limited on the rows of both together', async () => {
		const rows = Array.from({ length: 1000 }, (_, i) => ({
			sku: `sku-${i}`,
			price: i % 100 === 0 ? 1000 : 10 + (i % 7),
		}));
		const passed = await runNode(
			'premiumScore',
			{ scoreColumn: 'price', tableOptions: { rowsOutputLimit: 1000 } },
			[rows],
		);
		assert.equal(passed.error, undefined, passed.error?.message);
		assert.equal(json(passed, 0).length + json(passed, 1).length, 1000);
		assert.ok(json(passed, 0).length > 0 && json(passed, 1).length > 0);
		const refused = await runNode(
			'premiumScore',
			{ scoreColumn: 'price', tableOptions: { rowsOutputLimit: 999 } },
			[rows],
		);
		assert.match(
			refused.error?.message ?? '',
			/^Node: 1,000 rows \(\d+ columns\) are too many for Rows output \(limit 999\)$/,
		);
	});
});
