/**
 * The Postgres history store (queue mode) against a real Postgres: products exact to the cent
 * and NULL apart from an empty label after the trip through COPY, records of several workers at
 * once, a confined node session on both ends, and the refusals a person must act on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckSession, withSession } from '../nodes/shared/duckdb';
import { openPostgresHistory } from '../nodes/shared/history/postgres';
import type { PostgresConnection } from '../nodes/shared/history/postgres';
import {
	HISTORY_SCHEMA_VERSION,
	HistoryStoreError,
	PRODUCT_COLUMN_TYPES,
} from '../nodes/shared/history/types';
import type { HistoryStore, PeriodRun } from '../nodes/shared/history/types';
import { LocalPostgres, postgresMissing } from '../scripts/n8n/postgres';

const PORT = 5890;
const NOTHING_LISTENS = 5899;

/** Labels that break naive CSV: NULL, empty, quotes, commas, newlines, COPY's end marker on its own line, unicode. */
const PRODUCTS_SQL = `SELECT * FROM (VALUES
	('sku-1', NULL, 19.99, 3.0, 59.97, false),
	('sku-2', '', 0.01, 0.1, 0.01, false),
	('sku-3', 'say "hi", then, leave', 9999999999999999.99, 1.0 / 3, 70568.60, true),
	('sku-4', 'two
lines', -0.01, 1e20, 123456789012345678901234567890123456.78, true),
	('sku-5', 'before
\\.
after', 100.00, 2.5, 250.00, NULL),
	('sku-6', 'Crème brûlée — 日本 🚀', 5.50, 7.0, 38.50, true),
	('sku-7', 'NULL', 1.10, 1.0, 1.10, false),
	('sku-8', '  padded  ', 2.00, 1.0, 2.00, false),
	('sku 9 "quoted key"', '\\.', 3.00, 1.0, 3.00, false)
) AS t(product_key, label, price, quantity, revenue, premium)`;

const TYPED_COLUMNS = Object.entries(PRODUCT_COLUMN_TYPES)
	.map(([column, type]) => `CAST(${column} AS ${type}) AS ${column}`)
	.join(', ');

async function makeProducts(
	session: DuckSession,
	name: string,
	sql = PRODUCTS_SQL,
): Promise<string> {
	await session.run(
		`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT ${TYPED_COLUMNS} FROM (${sql})`,
	);
	return name;
}

/** `count` products named by `prefix`, for records that must be told apart. */
function generatedProducts(prefix: string, count: number): string {
	return `SELECT '${prefix}-' || i AS product_key, 'label ' || i AS label, i + 0.25 AS price, 1.0 AS quantity, i + 0.25 AS revenue, i % 2 = 0 AS premium FROM range(${count}) r(i)`;
}

function runOf(period: string, revenueTotal = '70568.60'): PeriodRun {
	return {
		period,
		figures: {
			erp_rows: 10,
			liaison_rows: 4,
			web_clean_rows: 7,
			web_dedup_rows: 6,
			merged_rows: 9,
			revenue_total: revenueTotal,
			premium_count: 4,
			ordinary_count: 5,
		},
		checks: [
			{ name: 'rows_match', status: 'pass', observed: '9', expected: '9' },
			{ name: 'no_negative', status: 'warn', observed: null, expected: null },
		],
		startedAt: '2024-06-01T08:30:15.123Z',
		durationMs: 4321,
	};
}

/** Rows in one relation and not the other, both ways: zero when the two hold exactly the same values. */
async function differences(session: DuckSession, left: string, right: string): Promise<number> {
	return await session.count(
		`SELECT count(*) FROM ((SELECT * FROM ${left} EXCEPT ALL SELECT * FROM ${right}) UNION ALL (SELECT * FROM ${right} EXCEPT ALL SELECT * FROM ${left}))`,
	);
}

describe('the Postgres history store', { skip: postgresMissing() }, () => {
	let server: LocalPostgres;
	let connection: PostgresConnection;
	const stores: HistoryStore[] = [];

	/** A store on its own tables, closed after the suite. */
	async function open(
		tablePrefix: string,
		overrides: Partial<PostgresConnection> = {},
	): Promise<HistoryStore> {
		const store = await openPostgresHistory({ ...connection, ...overrides }, { tablePrefix });
		stores.push(store);
		return store;
	}

	before(() => {
		server = new LocalPostgres(PORT, 'history').start();
		connection = {
			host: server.host,
			port: server.port,
			database: server.database,
			user: server.user,
			password: '',
			ssl: 'disable',
			allowUnauthorizedCerts: false,
			maxConnections: 100,
		};
	});

	after(async () => {
		try {
			for (const store of stores) await store.close();
		} finally {
			server?.stop();
		}
		assert.equal(DuckSession.openCount, 0);
	});

	test('records a period and reads it back exactly: money to the cent, premium flags, NULL apart from an empty label', async () => {
		const store = await open('exact_');
		assert.match(
			store.description,
			new RegExp(`^Postgres history \\(history@127\\.0\\.0\\.1:${PORT}\\)$`),
		);
		await withSession({}, async (session) => {
			const products = await makeProducts(session, 'products');
			await store.record(session, runOf('2024-05'), products);
			const loaded = await store.loadProducts(session, '2024-05');
			assert.ok(loaded);
			assert.deepEqual(
				(await session.columnTypes(`SELECT * FROM ${loaded}`)).map(String),
				Object.values(PRODUCT_COLUMN_TYPES),
			);
			assert.equal(await differences(session, products, loaded), 0);
			const rows = await session.jsonRows(
				`SELECT product_key, label, label IS NULL AS label_null, CAST(price AS VARCHAR) AS price, CAST(revenue AS VARCHAR) AS revenue, premium FROM ${loaded} ORDER BY product_key`,
			);
			assert.deepEqual(rows, [
				{
					product_key: 'sku 9 "quoted key"',
					label: '\\.',
					label_null: false,
					price: '3.00',
					revenue: '3.00',
					premium: false,
				},
				{
					product_key: 'sku-1',
					label: null,
					label_null: true,
					price: '19.99',
					revenue: '59.97',
					premium: false,
				},
				{
					product_key: 'sku-2',
					label: '',
					label_null: false,
					price: '0.01',
					revenue: '0.01',
					premium: false,
				},
				{
					product_key: 'sku-3',
					label: 'say "hi", then, leave',
					label_null: false,
					price: '9999999999999999.99',
					revenue: '70568.60',
					premium: true,
				},
				{
					product_key: 'sku-4',
					label: 'two\nlines',
					label_null: false,
					price: '-0.01',
					revenue: '123456789012345678901234567890123456.78',
					premium: true,
				},
				{
					product_key: 'sku-5',
					label: 'before\n\\.\nafter',
					label_null: false,
					price: '100.00',
					revenue: '250.00',
					premium: null,
				},
				{
					product_key: 'sku-6',
					label: 'Crème brûlée — 日本 🚀',
					label_null: false,
					price: '5.50',
					revenue: '38.50',
					premium: true,
				},
				{
					product_key: 'sku-7',
					label: 'NULL',
					label_null: false,
					price: '1.10',
					revenue: '1.10',
					premium: false,
				},
				{
					product_key: 'sku-8',
					label: '  padded  ',
					label_null: false,
					price: '2.00',
					revenue: '2.00',
					premium: false,
				},
			]);
			assert.equal(
				await session.value(`SELECT quantity FROM ${loaded} WHERE product_key = 'sku-3'`),
				1 / 3,
			);
			assert.deepEqual(await store.runs(), [runOf('2024-05')]);
			assert.deepEqual(
				server.query(
					`SELECT count(*), sum(revenue)::text FROM exact_products WHERE period = '2024-05'`,
				),
				['9|123456789012345678901234567890194379.96'],
			);
		});
	});

	test('lists every run oldest first, and loads nothing for a period never recorded', async () => {
		const store = await open('order_');
		await withSession({}, async (session) => {
			const products = await makeProducts(session, 'products', generatedProducts('p', 3));
			for (const period of ['2024-03', '2023-12', '2024-01'])
				await store.record(
					session,
					{ ...runOf(period), startedAt: `${period}-28T23:59:59.999Z` },
					products,
				);
			const runs = await store.runs();
			assert.deepEqual(
				runs.map((run) => run.period),
				['2023-12', '2024-01', '2024-03'],
			);
			assert.equal(runs[0].startedAt, '2023-12-28T23:59:59.999Z');
			assert.equal(await store.loadProducts(session, '2022-01'), undefined);
			await assert.rejects(store.loadProducts(session, "2024-01' OR '1'='1"), HistoryStoreError);
		});
	});

	test('a period recorded with no product loads as an empty table, not as unrecorded', async () => {
		const store = await open('empty_');
		await withSession({}, async (session) => {
			const none = await makeProducts(session, 'none', `${generatedProducts('x', 1)} LIMIT 0`);
			await store.record(session, runOf('2024-02'), none);
			const loaded = await store.loadProducts(session, '2024-02');
			assert.ok(loaded);
			assert.equal(await session.count(`SELECT count(*) FROM ${loaded}`), 0);
		});
	});

	test('recording a period again replaces it: one copy of the run and of the products', async () => {
		const store = await open('replace_');
		await withSession({}, async (session) => {
			await store.record(
				session,
				runOf('2024-04', '1.00'),
				await makeProducts(session, 'first', generatedProducts('first', 50)),
			);
			const second = await makeProducts(session, 'second', generatedProducts('second', 20));
			await store.record(session, runOf('2024-04', '2.00'), second);
			assert.deepEqual(
				(await store.runs()).map((run) => run.figures.revenue_total),
				['2.00'],
			);
			const loaded = await store.loadProducts(session, '2024-04');
			assert.ok(loaded);
			assert.equal(await differences(session, second, loaded), 0);
			assert.deepEqual(server.query(`SELECT count(*) FROM replace_products`), ['20']);
		});
	});

	test('a record that fails leaves the period as it was', async () => {
		const store = await open('failed_');
		await withSession({}, async (session) => {
			const good = await makeProducts(session, 'good', generatedProducts('good', 5));
			await store.record(session, runOf('2024-07', '1.00'), good);
			// The same key twice: Postgres refuses the COPY half-way, and the whole transaction with it.
			const twice = await makeProducts(
				session,
				'twice',
				`${generatedProducts('dup', 3)} UNION ALL ${generatedProducts('dup', 1)}`,
			);
			await assert.rejects(store.record(session, runOf('2024-07', '2.00'), twice), /duplicate key/);
			assert.deepEqual(
				(await store.runs()).map((run) => run.figures.revenue_total),
				['1.00'],
			);
			const loaded = await store.loadProducts(session, '2024-07');
			assert.ok(loaded);
			assert.equal(await differences(session, good, loaded), 0);
		});
	});

	test('two workers opening a new history at once both get it', async () => {
		const [first, second] = await Promise.all([open('race_'), open('race_')]);
		assert.deepEqual(await first.runs(), []);
		assert.deepEqual(await second.runs(), []);
		assert.deepEqual(server.query(`SELECT value FROM race_meta`), [String(HISTORY_SCHEMA_VERSION)]);
	});

	test('two workers recording different periods at once lose neither', async () => {
		const workerA = await open('workers_');
		const workerB = await open('workers_');
		await Promise.all([
			withSession(
				{},
				async (session) =>
					await workerA.record(
						session,
						runOf('2024-08'),
						await makeProducts(session, 'a', generatedProducts('a', 20000)),
					),
			),
			withSession(
				{},
				async (session) =>
					await workerB.record(
						session,
						runOf('2024-09'),
						await makeProducts(session, 'b', generatedProducts('b', 20000)),
					),
			),
		]);
		assert.deepEqual(
			(await workerA.runs()).map((run) => run.period),
			['2024-08', '2024-09'],
		);
		assert.deepEqual(
			server.query(`SELECT period, count(*) FROM workers_products GROUP BY period ORDER BY period`),
			['2024-08|20000', '2024-09|20000'],
		);
	});

	test('two workers recording the same period at once leave exactly one copy, of one of them', async () => {
		const workerA = await open('same_');
		const workerB = await open('same_');
		await Promise.all([
			withSession(
				{},
				async (session) =>
					await workerA.record(
						session,
						runOf('2024-10', 'A'),
						await makeProducts(session, 'a', generatedProducts('a', 20000)),
					),
			),
			withSession(
				{},
				async (session) =>
					await workerB.record(
						session,
						runOf('2024-10', 'B'),
						await makeProducts(session, 'b', generatedProducts('b', 15000)),
					),
			),
		]);
		const runs = await workerB.runs();
		assert.equal(runs.length, 1);
		const winner = runs[0].figures.revenue_total === 'A' ? ['a', '20000'] : ['b', '15000'];
		assert.deepEqual(
			server.query(`SELECT left(product_key, 1), count(*) FROM same_products GROUP BY 1`),
			[winner.join('|')],
		);
	});

	test('survives closing and reopening, and closing twice is harmless', async () => {
		const store = await openPostgresHistory(connection, { tablePrefix: 'reopen_' });
		await withSession({}, async (session) => {
			const products = await makeProducts(session, 'products');
			await store.record(session, runOf('2024-11'), products);
			await store.close();
			await store.close();
			const reopened = await open('reopen_');
			assert.deepEqual(await reopened.runs(), [runOf('2024-11')]);
			const loaded = await reopened.loadProducts(session, '2024-11');
			assert.ok(loaded);
			assert.equal(await differences(session, products, loaded), 0);
		});
	});

	test('works with a confined node session, which reaches nothing but its scratch folder', async () => {
		const store = await open('confined_');
		await withSession({ confined: true }, async (session) => {
			const products = await makeProducts(session, 'products');
			await store.record(session, runOf('2024-12'), products);
			const loaded = await store.loadProducts(session, '2024-12');
			assert.ok(loaded);
			assert.equal(await differences(session, products, loaded), 0);
		});
	});

	test('refuses a history written by a newer version', async () => {
		await (await open('newer_')).close();
		server.query(
			`UPDATE newer_meta SET value = '${HISTORY_SCHEMA_VERSION + 1}' WHERE name = 'schema_version'`,
		);
		await assert.rejects(
			openPostgresHistory(connection, { tablePrefix: 'newer_' }),
			(error: HistoryStoreError) => {
				assert.ok(error instanceof HistoryStoreError);
				assert.match(error.message, new RegExp(`newer .*version ${HISTORY_SCHEMA_VERSION + 1}`));
				assert.match(error.fix, /Update n8n-nodes-sales-analytics/);
				return true;
			},
		);
	});

	test('refuses a history missing a table, and tables it did not make', async () => {
		await (await open('missing_')).close();
		server.query(`DROP TABLE missing_products`);
		await assert.rejects(
			openPostgresHistory(connection, { tablePrefix: 'missing_' }),
			(error: HistoryStoreError) => {
				assert.ok(error instanceof HistoryStoreError);
				assert.match(error.message, /missing table "public"\."missing_products"/);
				assert.match(error.fix, /Restore the missing table/);
				return true;
			},
		);
		server.query(`CREATE TABLE stranger_runs (id int)`);
		await assert.rejects(
			openPostgresHistory(connection, { tablePrefix: 'stranger_' }),
			(error: HistoryStoreError) => {
				assert.ok(error instanceof HistoryStoreError);
				assert.match(error.message, /"stranger_runs" exist without "stranger_meta"/);
				assert.match(error.fix, /another table prefix/);
				return true;
			},
		);
	});

	test('names the server and the fix when it cannot connect: wrong port, missing database, SSL the server lacks', async () => {
		const refusals: Array<[Partial<PostgresConnection>, RegExp, RegExp]> = [
			[
				{ port: NOTHING_LISTENS },
				new RegExp(`127\\.0\\.0\\.1:${NOTHING_LISTENS}/history .*ECONNREFUSED`),
				/Check Host and Port/,
			],
			[
				{ database: 'no_such_database' },
				new RegExp(`127\\.0\\.0\\.1:${PORT}/no_such_database .*does not exist`),
				/Check Database/,
			],
			[{ ssl: 'require' }, /does not support SSL/, /set SSL to Disable/],
		];
		for (const [overrides, message, fix] of refusals) {
			await assert.rejects(
				openPostgresHistory({ ...connection, ...overrides }, { tablePrefix: 'refused_' }),
				(error: HistoryStoreError) => {
					assert.ok(error instanceof HistoryStoreError, String(error));
					assert.match(error.message, message);
					assert.match(error.fix, fix);
					return true;
				},
			);
		}
		await assert.rejects(openPostgresHistory({ ...connection, sshTunnel: true }), /SSH tunnel/);
	});
});
