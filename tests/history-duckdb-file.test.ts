/**
 * The embedded history store on a real DuckDB file: periods recorded and read back exactly,
 * replaced whole, recorded at the same time by several executions and by several processes
 * (DuckDB lets one process at a time hold the file), kept across a restart, and hostile files
 * refused with a fix. Node sessions are confined, as in n8n: products move through their
 * scratch folders only.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckSession, withSession } from '../nodes/shared/duckdb';
import { openDuckDbHistory } from '../nodes/shared/history/duckdbFile';
import {
	HISTORY_SCHEMA_VERSION,
	HistoryStoreError,
	PRODUCT_COLUMN_TYPES,
	PRODUCT_COLUMNS,
} from '../nodes/shared/history/types';
import type { HistoryStore, PeriodRun } from '../nodes/shared/history/types';

const root = join(__dirname, '..');
const ownTmp = mkdtempSync(join(tmpdir(), 'history-duckdb-file-'));
process.env.TMPDIR = ownTmp;
const children = new Set<ChildProcess>();
after(() => {
	for (const child of children) child.kill('SIGKILL');
	rmSync(ownTmp, { recursive: true, force: true });
});

let fileCount = 0;
/** A history path of its own for each test, in a folder that does not exist yet. */
const newHistoryPath = () => join(ownTmp, `histories-${++fileCount}`, 'history.duckdb');

type ProductRow = [
	key: string,
	label: string | null,
	price: string,
	quantity: number,
	revenue: string,
	premium: boolean,
];

const OCTOBER: ProductRow[] = [
	['a-001', 'Chaise "Louis" l\'ancienne', '149.90', 3, '449.70', true],
	['b-002', 'Café — 東京 🍣\nline two', '0.10', 7.5, '0.75', false],
	['c-003', null, '99999999999999.99', 1, '12345678901234567890123456789012.35', true],
];
const OCTOBER_TOTAL = '12345678901234567890123456789462.80';

function runOf(
	period: string,
	revenueTotal: string,
	overrides: Partial<PeriodRun> = {},
): PeriodRun {
	return {
		period,
		figures: {
			erp_rows: 120,
			liaison_rows: 118,
			web_clean_rows: 4000,
			web_dedup_rows: 3990,
			merged_rows: 3,
			revenue_total: revenueTotal,
			premium_count: 2,
			ordinary_count: 1,
		},
		checks: [
			{ name: 'rows match', status: 'pass', observed: '3', expected: '3' },
			{ name: 'no "negative" price', status: 'warn', observed: null, expected: null },
		],
		startedAt: '2024-11-02T08:30:00.123Z',
		durationMs: 1234,
		...overrides,
	};
}

let tableCount = 0;
/** Products as a temporary table of `session`, the way a node has them. */
async function productsTable(session: DuckSession, rows: ProductRow[]): Promise<string> {
	const table = `products_${++tableCount}`;
	const values = rows
		.map(
			() =>
				'(?, ?, CAST(? AS DECIMAL(18,2)), CAST(? AS DOUBLE), CAST(? AS DECIMAL(38,2)), CAST(? AS BOOLEAN))',
		)
		.join(', ');
	await session.run(
		`CREATE TEMP TABLE ${table} AS SELECT * FROM (VALUES ${values}) AS t(product_key, label, price, quantity, revenue, premium)`,
		rows.flat(),
	);
	return table;
}

async function productsOf(session: DuckSession, table: string): Promise<ProductRow[]> {
	const rows = await session.rows(
		`SELECT product_key, label, CAST(price AS VARCHAR) AS price, quantity, CAST(revenue AS VARCHAR) AS revenue, premium FROM ${table} ORDER BY product_key`,
	);
	return rows.map(
		(row) =>
			[row.product_key, row.label, row.price, row.quantity, row.revenue, row.premium] as ProductRow,
	);
}

async function record(store: HistoryStore, run: PeriodRun, rows: ProductRow[]): Promise<void> {
	await withSession(
		{ confined: true },
		async (session) => await store.record(session, run, await productsTable(session, rows)),
	);
}

async function loaded(store: HistoryStore, period: string): Promise<ProductRow[] | undefined> {
	return await withSession({ confined: true }, async (session) => {
		const table = await store.loadProducts(session, period);
		return table === undefined ? undefined : await productsOf(session, table);
	});
}

async function withStore<T>(
	path: string,
	work: (store: HistoryStore) => Promise<T>,
	lockWaitMs?: number,
): Promise<T> {
	const store = await openDuckDbHistory(path, { lockWaitMs });
	try {
		return await work(store);
	} finally {
		await store.close();
	}
}

/** Another process with the file open in DuckDB (like `npm run report`) until `holdMs` have passed. */
const HOLD_SCRIPT = `
const { DuckDBInstance } = require('@duckdb/node-api');
DuckDBInstance.create(process.argv[1]).then((db) => {
	process.stdout.write('holding\\n');
	setTimeout(() => db.closeSync(), Number(process.argv[2]));
});`;

/** Another n8n: records a period through its own store, then keeps the store open for `holdMs`. */
const RECORD_SCRIPT = `
const { openDuckDbHistory } = require(${JSON.stringify(join(root, 'nodes/shared/history/duckdbFile.ts'))});
const { withSession } = require(${JSON.stringify(join(root, 'nodes/shared/duckdb.ts'))});
(async () => {
	const [path, period, holdMs] = process.argv.slice(1);
	const store = await openDuckDbHistory(path);
	await withSession({ confined: true }, async (session) => {
		await session.run("CREATE TEMP TABLE mine AS SELECT 'z-999' AS product_key, 'From the other process' AS label, 5.25 AS price, 2.0 AS quantity, 10.50 AS revenue, true AS premium");
		await store.record(session, { period, figures: { revenue_total: '10.50' }, checks: [], startedAt: '2024-12-01T00:00:00.000Z', durationMs: 1 }, 'mine');
	});
	process.stdout.write('holding\\n');
	setTimeout(() => store.close(), Number(holdMs));
})();`;

interface OtherProcess {
	exited: Promise<number | null>;
	stop(): Promise<void>;
}

/** Starts `script` in a child process and waits until it says it holds the file. */
async function otherProcess(
	script: string,
	args: string[],
	nodeOptions: string[] = [],
): Promise<OtherProcess> {
	const child = spawn(process.execPath, [...nodeOptions, '-e', script, ...args], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	children.add(child);
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => {
			children.delete(child);
			resolve(code);
		}),
	);
	await new Promise<void>((resolve, reject) => {
		child.stdout!.once('data', () => resolve());
		void exited.then((code) =>
			reject(new Error(`the other process ended (${code}) before it held the file`)),
		);
	});
	return {
		exited,
		stop: async () => {
			child.kill();
			await exited;
		},
	};
}

describe('the DuckDB history file', () => {
	test('records a period and reads it back: exact money to the cent, premium flags, labels as written', async () => {
		const path = newHistoryPath();
		await withStore(path, async (store) => {
			assert.equal(store.description, `history file ${path}`);
			await record(store, runOf('2024-10', OCTOBER_TOTAL), OCTOBER);
			assert.deepEqual(await store.runs(), [runOf('2024-10', OCTOBER_TOTAL)]);
			assert.deepEqual(await loaded(store, '2024-10'), OCTOBER);
			assert.equal(await loaded(store, '2024-09'), undefined);
		});
	});

	test('a confined node session records and loads through its scratch folder only, leaving nothing in it', async () => {
		await withStore(newHistoryPath(), async (store) => {
			await withSession({ confined: true }, async (session) => {
				await store.record(
					session,
					runOf('2024-10', OCTOBER_TOTAL),
					await productsTable(session, OCTOBER),
				);
				const table = await store.loadProducts(session, '2024-10');
				assert.ok(table?.startsWith('"'), 'the name comes quoted');
				const described = await session.rows(`DESCRIBE ${table}`);
				assert.deepEqual(
					described.map((column) => [column.column_name, column.column_type]),
					PRODUCT_COLUMNS.map((column) => [column, PRODUCT_COLUMN_TYPES[column]]),
				);
				assert.equal(
					await session.value(`SELECT CAST(sum(revenue) AS VARCHAR) FROM ${table}`),
					OCTOBER_TOTAL,
				);
				assert.deepEqual(readdirSync(session.scratchDir), []);
			});
		});
	});

	test('re-recording a period replaces it: one copy, the new content', async () => {
		await withStore(newHistoryPath(), async (store) => {
			await record(store, runOf('2024-10', '449.70'), OCTOBER);
			await record(store, runOf('2024-11', '1.00'), [
				['x-1', 'November', '1.00', 1, '1.00', false],
			]);
			const corrected: ProductRow[] = [['a-001', 'Chaise corrigée', '150.00', 3, '450.00', false]];
			await record(
				store,
				runOf('2024-10', '450.00', { durationMs: 99.5, startedAt: '2024-11-03T10:00:00+02:00' }),
				corrected,
			);
			assert.deepEqual(
				(await store.runs()).map((run) => [
					run.period,
					run.figures.revenue_total,
					run.startedAt,
					run.durationMs,
				]),
				[
					['2024-10', '450.00', '2024-11-03T08:00:00.000Z', 99.5],
					['2024-11', '1.00', '2024-11-02T08:30:00.123Z', 1234],
				],
			);
			assert.deepEqual(await loaded(store, '2024-10'), corrected);
		});
	});

	test('records at the same time in one process never lose one another', async () => {
		const path = newHistoryPath();
		const [first, second] = [await openDuckDbHistory(path), await openDuckDbHistory(path)];
		try {
			const periods = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];
			await Promise.all(
				periods.map((period, index) =>
					record(index % 2 ? first : second, runOf(period, `${index}.00`), [
						[`k-${period}`, period, '1.00', 1, `${index}.00`, false],
					]),
				),
			);
			assert.deepEqual(
				(await first.runs()).map((run) => run.period),
				periods,
			);
			for (const [index, period] of periods.entries())
				assert.deepEqual(await loaded(second, period), [
					[`k-${period}`, period, '1.00', 1, `${index}.00`, false],
				]);

			// The same period twice at once: one of them wins whole, never a mix or two copies.
			const a: ProductRow[] = [
				['a', 'A', '1.00', 1, '1.00', false],
				['b', 'A', '1.00', 1, '1.00', false],
			];
			const b: ProductRow[] = [['c', 'B', '2.00', 1, '2.00', true]];
			await Promise.all([
				record(first, runOf('2024-07', '2.00'), a),
				record(second, runOf('2024-07', '2.00'), b),
			]);
			assert.equal((await first.runs()).filter((run) => run.period === '2024-07').length, 1);
			assert.ok(
				[JSON.stringify(a), JSON.stringify(b)].includes(
					JSON.stringify(await loaded(first, '2024-07')),
				),
			);
		} finally {
			await Promise.all([first.close(), second.close()]);
		}
	});

	test('survives a restart, and lets go of the file when its last user closes', async () => {
		const path = newHistoryPath();
		const first = await openDuckDbHistory(path);
		const second = await openDuckDbHistory(path);
		await record(first, runOf('2024-10', '449.70'), OCTOBER);
		await first.close();
		await first.close();
		await assert.rejects(first.runs(), /closed/);
		assert.equal((await second.runs()).length, 1, 'the other user of the file still has it');
		await second.close();

		// Nobody in this process uses the file now: another process can open it at once.
		const other = await otherProcess(HOLD_SCRIPT, [path, '0']);
		assert.equal(await other.exited, 0);

		await withStore(path, async (store) => {
			assert.deepEqual(await store.runs(), [runOf('2024-10', '449.70')]);
			assert.deepEqual(await loaded(store, '2024-10'), OCTOBER);
		});
	});

	test('refuses a period that is not YYYY-MM', async () => {
		await withStore(newHistoryPath(), async (store) => {
			await assert.rejects(record(store, runOf('2024-13', '1.00'), OCTOBER), /not a period/);
			await assert.rejects(loaded(store, "2024-10' OR 1=1"), /not a period/);
		});
	});
});

describe('another process with the file', () => {
	test('a store opened while another process holds the file waits, then records once it is released', async () => {
		const path = newHistoryPath();
		await withStore(path, async (store) => await record(store, runOf('2024-09', '1.00'), OCTOBER));
		const other = await otherProcess(HOLD_SCRIPT, [path, '1500']);
		const started = Date.now();
		await withStore(
			path,
			async (store) => await record(store, runOf('2024-10', '449.70'), OCTOBER),
			20_000,
		);
		assert.ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
		assert.equal(await other.exited, 0);
		await withStore(path, async (store) =>
			assert.deepEqual(
				(await store.runs()).map((run) => run.period),
				['2024-09', '2024-10'],
			),
		);
	});

	test('still held after lockWaitMs: a HistoryStoreError naming the file, the other process and the Postgres store', async () => {
		const path = newHistoryPath();
		mkdirSync(join(path, '..'), { recursive: true });
		const other = await otherProcess(HOLD_SCRIPT, [path, '30000']);
		try {
			const started = Date.now();
			const error = await openDuckDbHistory(path, { lockWaitMs: 700 }).then(
				() => assert.fail('opened a file another process holds'),
				(reason: unknown) => reason,
			);
			assert.ok(error instanceof HistoryStoreError, String(error));
			assert.match(
				error.message,
				new RegExp(
					`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*another process \\(another n8n, or \`npm run report\`: .*PID \\d+\\)`,
				),
			);
			assert.match(error.fix, /Postgres/);
			assert.match(error.fix, /queue mode/i);
			assert.ok(Date.now() - started >= 500, `gave up after ${Date.now() - started} ms`);
		} finally {
			await other.stop();
		}
		// The failure is not kept: once the other process is gone the file opens.
		await withStore(path, async (store) => assert.deepEqual(await store.runs(), []));
	});

	test('two processes recording different periods into one file both keep theirs', async () => {
		const path = newHistoryPath();
		const other = await otherProcess(RECORD_SCRIPT, [path, '2024-12', '1000'], ['--import', 'tsx']);
		await withStore(
			path,
			async (store) => await record(store, runOf('2024-11', '449.70'), OCTOBER),
			20_000,
		);
		assert.equal(await other.exited, 0);
		await withStore(path, async (store) => {
			assert.deepEqual(
				(await store.runs()).map((run) => [run.period, run.figures.revenue_total]),
				[
					['2024-11', '449.70'],
					['2024-12', '10.50'],
				],
			);
			assert.deepEqual(await loaded(store, '2024-12'), [
				['z-999', 'From the other process', '5.25', 2, '10.50', true],
			]);
		});
	});
});

describe('a file that is not a history this version reads', () => {
	async function duckDbFile(path: string, sql: string): Promise<void> {
		mkdirSync(join(path, '..'), { recursive: true });
		const instance = await DuckDBInstance.create(path);
		const connection = await instance.connect();
		try {
			await connection.run(sql);
		} finally {
			connection.closeSync();
			instance.closeSync();
		}
	}

	async function refusal(path: string): Promise<HistoryStoreError> {
		const error = await openDuckDbHistory(path, { lockWaitMs: 0 }).then(
			() => assert.fail('opened a file it should refuse'),
			(reason: unknown) => reason,
		);
		assert.ok(error instanceof HistoryStoreError, String(error));
		assert.ok(error.message.includes(path), error.message);
		assert.ok(error.fix.length > 0);
		return error;
	}

	test('garbage bytes: refused as not a DuckDB database, and left as they were', async () => {
		const path = newHistoryPath();
		mkdirSync(join(path, '..'), { recursive: true });
		const garbage = Buffer.from('this is a spreadsheet, honest\u0000\u0001\u0002'.repeat(500));
		writeFileSync(path, garbage);
		assert.match((await refusal(path)).message, /not a DuckDB database, or it is corrupt/);
		assert.deepEqual(readFileSync(path), garbage);
	});

	test('an empty file (made beforehand) becomes a new history', async () => {
		const path = newHistoryPath();
		mkdirSync(join(path, '..'), { recursive: true });
		writeFileSync(path, '');
		await withStore(
			path,
			async (store) => await record(store, runOf('2024-10', '449.70'), OCTOBER),
		);
		await withStore(path, async (store) => assert.equal((await store.runs()).length, 1));
	});

	test('a DuckDB file with only the meta table: refused, missing table named', async () => {
		const path = newHistoryPath();
		await duckDbFile(
			path,
			`CREATE TABLE history_meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO history_meta VALUES ('schema_version', '1')`,
		);
		assert.match(
			(await refusal(path)).message,
			/not a sales-analytics history: it has no table "runs"/,
		);
	});

	test("a stranger's DuckDB database: refused, and its tables left alone", async () => {
		const path = newHistoryPath();
		await duckDbFile(
			path,
			`CREATE TABLE customers (id INTEGER, name VARCHAR); CREATE TABLE runs (id INTEGER); INSERT INTO customers VALUES (1, 'Ada')`,
		);
		assert.match(
			(await refusal(path)).message,
			/not a sales-analytics history: .*(no table "history_meta"|no column).*its tables: customers, runs/,
		);
		const instance = await DuckDBInstance.create(path);
		const connection = await instance.connect();
		try {
			const tables = (
				await connection.runAndReadAll(
					'SELECT table_name FROM information_schema.tables ORDER BY 1',
				)
			)
				.getRowsJS()
				.flat();
			assert.deepEqual(tables, ['customers', 'runs']);
		} finally {
			connection.closeSync();
			instance.closeSync();
		}
	});

	test('a history from a newer schema version: refused with the versions; readable again once it is ours', async () => {
		const path = newHistoryPath();
		await withStore(
			path,
			async (store) => await record(store, runOf('2024-10', '449.70'), OCTOBER),
		);
		await duckDbFile(
			path,
			`UPDATE history_meta SET value = '${HISTORY_SCHEMA_VERSION + 1}' WHERE name = 'schema_version'`,
		);
		const error = await refusal(path);
		assert.match(
			error.message,
			new RegExp(
				`newer version .*schema ${HISTORY_SCHEMA_VERSION + 1}; this version reads up to ${HISTORY_SCHEMA_VERSION}`,
			),
		);
		assert.match(error.fix, /Update n8n-nodes-sales-analytics/);
		await duckDbFile(
			path,
			`UPDATE history_meta SET value = '${HISTORY_SCHEMA_VERSION}' WHERE name = 'schema_version'`,
		);
		await withStore(path, async (store) => assert.equal((await store.runs()).length, 1));
	});
});

test('every session closed', () => {
	assert.equal(DuckSession.openCount, 0);
});
