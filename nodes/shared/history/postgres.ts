/**
 * The month-over-month history in Postgres, for queue mode: the main and every worker record to
 * and read from one database. Products travel as CSV files in the node session's scratch folder,
 * streamed through Postgres's COPY in both directions, so no row passes through JavaScript and a
 * confined session never has to reach the database itself.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Pool, escapeLiteral } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DuckSession } from '../duckdb';
import { quoteIdentifier, quoteList, quoteLiteral } from '../sql';
import {
	HISTORY_SCHEMA_VERSION,
	HistoryStoreError,
	PERIOD_PATTERN,
	PRODUCT_COLUMNS,
	PRODUCT_COLUMN_TYPES,
} from './types';
import type { HistoryStore, Period, PeriodRun } from './types';

/**
 * The fields of n8n's own Postgres credential (`postgres` in n8n-nodes-base) this store reads, so
 * a node passes that credential as it is; SSL is understood the way n8n's Postgres node does.
 */
export interface PostgresConnection {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	ssl?: 'disable' | 'allow' | 'require' | 'verify' | 'verify-full';
	allowUnauthorizedCerts?: boolean;
	maxConnections?: number;
	/** The store connects directly: a credential that needs its SSH tunnel is refused with a fix. */
	sshTunnel?: boolean;
}

export interface PostgresHistoryOptions {
	schema?: string;
	tablePrefix?: string;
}

const DEFAULT_SCHEMA = 'public';
const DEFAULT_TABLE_PREFIX = 'sales_history_';
/** One record and one read at a time per store is all a node needs; more would only wait. */
const POOL_SIZE = 3;
const CONNECT_TIMEOUT_MS = 10_000;
/** Postgres silently cuts longer names, which would point two prefixes at the same tables. */
const MAX_IDENTIFIER_BYTES = 63;
const SCHEMA_VERSION_KEY = 'schema_version';

const POSTGRES_COLUMN_TYPES: Readonly<Record<(typeof PRODUCT_COLUMNS)[number], string>> = {
	product_key: 'text',
	label: 'text',
	price: 'numeric(18,2)',
	quantity: 'double precision',
	revenue: 'numeric(38,2)',
	premium: 'boolean',
};

/**
 * Opens (and on first use creates) the history tables in `schema`, named `tablePrefix` + meta,
 * runs and products. Throws HistoryStoreError when the database cannot be reached or its tables
 * cannot be used as they are.
 */
export async function openPostgresHistory(
	connection: PostgresConnection,
	options: PostgresHistoryOptions = {},
): Promise<HistoryStore> {
	const schema = options.schema ?? DEFAULT_SCHEMA;
	const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
	checkNames(schema, tablePrefix);
	if (connection.sshTunnel) {
		throw new HistoryStoreError(
			`The Postgres history (${connection.database}@${connection.host}:${connection.port}) cannot be reached through an SSH tunnel`,
			'Use a Postgres credential without SSH tunnel whose host the n8n main and workers reach directly.',
		);
	}
	const store = new PostgresHistory(connection, schema, tablePrefix);
	let prepared = false;
	try {
		await store.prepare();
		prepared = true;
		return store;
	} finally {
		if (!prepared) await store.close();
	}
}

class PostgresHistory implements HistoryStore {
	readonly description: string;
	private readonly pool: Pool;
	private readonly tables: { meta: string; runs: string; products: string };
	private readonly tableNames: { meta: string; runs: string; products: string };
	private ended: Promise<void> | undefined;

	constructor(
		private readonly connection: PostgresConnection,
		private readonly schema: string,
		private readonly tablePrefix: string,
	) {
		this.description = `Postgres history (${connection.database}@${connection.host}:${connection.port})`;
		this.tableNames = {
			meta: `${tablePrefix}meta`,
			runs: `${tablePrefix}runs`,
			products: `${tablePrefix}products`,
		};
		const qualified = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
		this.tables = {
			meta: qualified(this.tableNames.meta),
			runs: qualified(this.tableNames.runs),
			products: qualified(this.tableNames.products),
		};
		this.pool = new Pool(poolConfig(connection));
		// A pooled connection that drops while idle is discarded by the pool and the next operation
		// opens a new one; without a listener the 'error' event would end the n8n process.
		this.pool.on('error', () => undefined);
	}

	/** Checks the tables, creating them when none is there; one worker at a time, so two starting together do not race. */
	async prepare(): Promise<void> {
		await this.transaction(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey('schema')]);
			const present = await this.presentTables(client);
			if (!present.has(this.tableNames.meta)) {
				const strangers = [this.tableNames.runs, this.tableNames.products].filter((name) =>
					present.has(name),
				);
				if (strangers.length) {
					throw new HistoryStoreError(
						`${this.where()}: ${strangers.map((name) => `table "${this.schema}"."${name}"`).join(' and ')} exist without "${this.tableNames.meta}", so they were not made by this package`,
						'Choose another table prefix (or schema) for the history, or drop those tables if they are not needed.',
					);
				}
				await this.create(client);
				return;
			}
			const missing = [this.tableNames.runs, this.tableNames.products].filter(
				(name) => !present.has(name),
			);
			if (missing.length) {
				throw new HistoryStoreError(
					`${this.where()} is missing ${missing.map((name) => `table "${this.schema}"."${name}"`).join(' and ')}`,
					`Restore the missing table from a backup, or drop "${this.schema}"."${this.tableNames.meta}" (and the other history tables) to start an empty history.`,
				);
			}
			await this.checkVersion(client);
		}).catch((error: unknown) => {
			if ((error as { code?: string }).code === '42501') {
				throw new HistoryStoreError(
					`${this.where()}: user "${this.connection.user}" may not create or read the history tables: ${(error as Error).message}`,
					`Grant the user USAGE and CREATE on schema "${this.schema}" (GRANT USAGE, CREATE ON SCHEMA ... TO ...), or create the tables once as their owner.`,
				);
			}
			throw error;
		});
	}

	async record(session: DuckSession, run: PeriodRun, productsRelation: string): Promise<void> {
		const period = checkedPeriod(run.period);
		const file = session.scratchPath(`history-record-${randomUUID()}.csv`);
		try {
			// The period goes in the file with the products: Postgres's COPY takes whole rows.
			const columns = PRODUCT_COLUMNS.map(
				(column) =>
					`CAST(${quoteIdentifier(column)} AS ${PRODUCT_COLUMN_TYPES[column]}) AS ${quoteIdentifier(column)}`,
			);
			await session.run(
				`COPY (SELECT $1 AS period, ${columns.join(', ')} FROM ${productsRelation}) TO ${quoteLiteral(file)} (FORMAT csv, HEADER false)`,
				[period],
			);
			await this.transaction(async (client) => {
				// Two records of one period wait for each other: the second then deletes what the first wrote.
				await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
					this.lockKey(`period ${period}`),
				]);
				await client.query(`DELETE FROM ${this.tables.products} WHERE period = $1`, [period]);
				await client.query(`DELETE FROM ${this.tables.runs} WHERE period = $1`, [period]);
				// Postgres's CSV reads an unquoted empty field as NULL and "" as an empty string, as DuckDB writes them.
				await pipeline(
					createReadStream(file),
					client.query(
						copyFrom(
							`COPY ${this.tables.products} (${quoteList(['period', ...PRODUCT_COLUMNS])}) FROM STDIN WITH (FORMAT csv)`,
						),
					),
				);
				await client.query(
					`INSERT INTO ${this.tables.runs} (period, figures, checks, started_at, duration_ms) VALUES ($1, $2::jsonb, $3::jsonb, $4::timestamptz, $5)`,
					[
						period,
						JSON.stringify(run.figures),
						JSON.stringify(run.checks),
						run.startedAt,
						Math.round(run.durationMs),
					],
				);
			});
		} finally {
			await rm(file, { force: true });
		}
	}

	async runs(): Promise<PeriodRun[]> {
		// Every value as text, parsed here: n8n's own Postgres node changes pg's global type parsers.
		const rows = await this.transaction(async (client) => {
			const result = await client.query<{
				period: string;
				figures: string;
				checks: string;
				started_at: string;
				duration_ms: string;
			}>(
				`SELECT period, figures::text AS figures, checks::text AS checks,
					to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at, duration_ms::text AS duration_ms
				FROM ${this.tables.runs} ORDER BY period`,
			);
			return result.rows;
		});
		return rows.map((row) => ({
			period: row.period,
			figures: JSON.parse(row.figures) as PeriodRun['figures'],
			checks: JSON.parse(row.checks) as PeriodRun['checks'],
			startedAt: row.started_at,
			durationMs: Number(row.duration_ms),
		}));
	}

	async loadProducts(session: DuckSession, period: Period): Promise<string | undefined> {
		const checked = checkedPeriod(period);
		const file = session.scratchPath(`history-load-${randomUUID()}.csv`);
		try {
			// One snapshot: the run and its products as one record left them.
			const recorded = await this.transaction(async (client) => {
				const run = await client.query(`SELECT 1 FROM ${this.tables.runs} WHERE period = $1`, [
					checked,
				]);
				if (!run.rowCount) return false;
				// Every double exactly: Postgres before 12 writes 15 digits unless told otherwise.
				await client.query('SET LOCAL extra_float_digits = 3');
				// COPY takes no bind parameter; the period matched PERIOD_PATTERN and is escaped besides.
				const copy = `COPY (SELECT ${quoteList(PRODUCT_COLUMNS)} FROM ${this.tables.products} WHERE period = ${escapeLiteral(checked)}) TO STDOUT WITH (FORMAT csv)`;
				await pipeline(client.query(copyTo(copy)), createWriteStream(file));
				return true;
			}, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
			if (!recorded) return undefined;
			const table = quoteIdentifier(`history_products_${checked}_${randomUUID()}`);
			const columns = PRODUCT_COLUMNS.map(
				(column) => `${quoteLiteral(column)}: ${quoteLiteral(PRODUCT_COLUMN_TYPES[column])}`,
			).join(', ');
			// allow_quoted_nulls off: "" is an empty label, only an unquoted empty field is NULL.
			await session.run(
				`CREATE TEMP TABLE ${table} AS SELECT * FROM read_csv(${quoteLiteral(file)}, columns = {${columns}}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false)`,
			);
			return table;
		} finally {
			await rm(file, { force: true });
		}
	}

	async close(): Promise<void> {
		this.ended ??= this.pool.end();
		await this.ended;
	}

	private async create(client: PoolClient): Promise<void> {
		await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schema)}`);
		await client.query(
			`CREATE TABLE ${this.tables.meta} (name text PRIMARY KEY, value text NOT NULL)`,
		);
		await client.query(
			`CREATE TABLE ${this.tables.runs} (period text PRIMARY KEY, figures jsonb NOT NULL, checks jsonb NOT NULL, started_at timestamptz NOT NULL, duration_ms bigint NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
		);
		const productColumns = PRODUCT_COLUMNS.map(
			(column) =>
				`${quoteIdentifier(column)} ${POSTGRES_COLUMN_TYPES[column]}${column === 'product_key' ? ' NOT NULL' : ''}`,
		);
		await client.query(
			`CREATE TABLE ${this.tables.products} (period text NOT NULL, ${productColumns.join(', ')}, PRIMARY KEY (period, product_key))`,
		);
		await client.query(`INSERT INTO ${this.tables.meta} (name, value) VALUES ($1, $2)`, [
			SCHEMA_VERSION_KEY,
			String(HISTORY_SCHEMA_VERSION),
		]);
	}

	private async checkVersion(client: PoolClient): Promise<void> {
		const result = await client.query<{ value: string }>(
			`SELECT value FROM ${this.tables.meta} WHERE name = $1`,
			[SCHEMA_VERSION_KEY],
		);
		const text = result.rows[0]?.value;
		const version = Number(text);
		if (!Number.isInteger(version) || version < 1) {
			throw new HistoryStoreError(
				`${this.where()}: "${this.schema}"."${this.tableNames.meta}" holds no valid ${SCHEMA_VERSION_KEY} (${text === undefined ? 'none' : JSON.stringify(text)})`,
				`Restore the history tables from a backup, or drop them to start an empty history.`,
			);
		}
		if (version > HISTORY_SCHEMA_VERSION) {
			throw new HistoryStoreError(
				`${this.where()} was written by a newer n8n-nodes-sales-analytics (history schema version ${version}; this one reads up to ${HISTORY_SCHEMA_VERSION})`,
				'Update n8n-nodes-sales-analytics on the main and every worker to the version that wrote this history, or point this one at another schema or table prefix.',
			);
		}
	}

	private async presentTables(client: PoolClient): Promise<Set<string>> {
		const result = await client.query<{ relname: string }>(
			`SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
			[this.schema, Object.values(this.tableNames)],
		);
		return new Set(result.rows.map((row) => row.relname));
	}

	/** One transaction on a pooled connection, rolled back on any error; the text exchanged is UTF-8 whatever the server's default. */
	private async transaction<T>(
		work: (client: PoolClient) => Promise<T>,
		begin = 'BEGIN',
	): Promise<T> {
		const client = await this.connect();
		let committed = false;
		let broken: Error | undefined;
		try {
			await client.query(begin);
			await client.query(`SET LOCAL client_encoding = 'UTF8'`);
			const result = await work(client);
			await client.query('COMMIT');
			committed = true;
			return result;
		} finally {
			if (!committed) {
				// A connection that cannot even roll back is not given back to the pool.
				await client.query('ROLLBACK').catch((rollbackError: Error) => {
					broken = rollbackError;
				});
			}
			client.release(broken);
		}
	}

	private async connect(): Promise<PoolClient> {
		try {
			return await this.pool.connect();
		} catch (error) {
			throw connectionError(this.connection, error as Error & { code?: string });
		}
	}

	/** Advisory locks of this history only: another schema or prefix never waits for this one. */
	private lockKey(what: string): string {
		return `n8n-nodes-sales-analytics history ${this.schema}.${this.tablePrefix} ${what}`;
	}

	private where(): string {
		return `The ${this.description} in "${this.schema}"."${this.tablePrefix}*"`;
	}
}

/** The pg settings n8n's Postgres node makes from the same credential, so one that works there works here. */
function poolConfig(connection: PostgresConnection): PoolConfig {
	const ssl: PoolConfig['ssl'] =
		connection.allowUnauthorizedCerts === true
			? { rejectUnauthorized: false }
			: connection.ssl !== undefined && connection.ssl !== 'disable';
	return {
		host: connection.host,
		port: connection.port,
		database: connection.database,
		user: connection.user,
		password: connection.password,
		ssl,
		max: Math.max(1, Math.min(connection.maxConnections || POOL_SIZE, POOL_SIZE)),
		connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		keepAlive: true,
		application_name: 'n8n-nodes-sales-analytics history',
	};
}

function connectionError(
	connection: PostgresConnection,
	error: Error & { code?: string },
): HistoryStoreError {
	const target = `${connection.host}:${connection.port}/${connection.database}`;
	const reason = error.message || error.code || String(error);
	return new HistoryStoreError(
		`Cannot connect to the Postgres history at ${target} as user "${connection.user}": ${reason}`,
		connectionFix(error),
	);
}

function connectionFix(error: Error & { code?: string }): string {
	switch (error.code) {
		case '28P01':
		case '28000':
			return 'Check User and Password in the Postgres credential, and that pg_hba.conf lets this user reach this database from the n8n hosts.';
		case '3D000':
			return 'Check Database in the Postgres credential, or create the database (CREATE DATABASE ...).';
		case '53300':
			return "Postgres has no connection left: raise its max_connections, or lower other clients' pools.";
		case 'DEPTH_ZERO_SELF_SIGNED_CERT':
		case 'SELF_SIGNED_CERT_IN_CHAIN':
		case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
		case 'ERR_TLS_CERT_ALTNAME_INVALID':
			return "The server's SSL certificate could not be verified: give Node.js its CA (NODE_EXTRA_CA_CERTS), or turn on Ignore SSL Issues in the Postgres credential.";
	}
	if (/does not support SSL/i.test(error.message))
		return 'The server does not offer SSL: set SSL to Disable in the Postgres credential, or enable SSL on the server.';
	return 'Check Host and Port in the Postgres credential, and that Postgres runs there and accepts TCP connections from the n8n main and workers (listen_addresses, firewall).';
}

function checkNames(schema: string, tablePrefix: string): void {
	const longest = `${tablePrefix}products`;
	if (
		!schema ||
		[schema, longest].some(
			(name) => name.includes('\u0000') || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES,
		)
	) {
		throw new HistoryStoreError(
			`The Postgres history's schema "${schema}" or table prefix "${tablePrefix}" cannot name its tables`,
			`Use a non-empty schema and a table prefix of at most ${MAX_IDENTIFIER_BYTES - 'products'.length} bytes, without NUL characters.`,
		);
	}
}

function checkedPeriod(period: Period): Period {
	if (!PERIOD_PATTERN.test(period))
		throw new HistoryStoreError(
			`"${period}" is not a history period`,
			'A period is a month written YYYY-MM, e.g. 2024-05.',
		);
	return period;
}
