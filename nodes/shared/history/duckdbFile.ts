/**
 * The embedded history store: one DuckDB database file. DuckDB locks the file for as long as an
 * instance has it open and lets one process at a time write it, so this process opens the file
 * once, shares that instance between the executions using the store at the same time, and closes
 * it as soon as the last one is done: another process (`npm run report`, another n8n) can then
 * take its turn. Products reach the store and leave it as Parquet files in the node session's
 * scratch folder, the only folder a confined session may touch.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sleep } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_MEMORY_LIMIT } from '../duckdb';
import type { DuckSession } from '../duckdb';
import { quoteIdentifier, quoteList } from '../sql';
import {
	HISTORY_SCHEMA_VERSION,
	HistoryStoreError,
	PERIOD_PATTERN,
	PRODUCT_COLUMN_TYPES,
	PRODUCT_COLUMNS,
} from './types';
import type { HistoryStore, Period, PeriodRun } from './types';

const DEFAULT_LOCK_WAIT_MS = 30_000;
const LOCK_RETRY_MS = 200;
/** Records of the same period at once conflict in DuckDB (different periods were not seen to): each is retried. */
const TRANSACTION_ATTEMPTS = 5;

const META_TABLE = 'history_meta';
const RUNS_TABLE = 'runs';
const PRODUCTS_TABLE = 'products';
const SCHEMA_VERSION_KEY = 'schema_version';

const TABLES: Record<string, { columns: string[]; definition: string }> = {
	[META_TABLE]: {
		columns: ['name', 'value'],
		definition: '"name" VARCHAR PRIMARY KEY, "value" VARCHAR NOT NULL',
	},
	[RUNS_TABLE]: {
		columns: ['period', 'figures', 'checks', 'started_at', 'duration_ms', 'recorded_at'],
		definition:
			'"period" VARCHAR PRIMARY KEY, "figures" VARCHAR NOT NULL, "checks" VARCHAR NOT NULL, "started_at" TIMESTAMPTZ NOT NULL, "duration_ms" DOUBLE NOT NULL, "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp',
	},
	[PRODUCTS_TABLE]: {
		columns: ['period', ...PRODUCT_COLUMNS],
		// Unindexed on purpose: a period's rows arrive together, so DuckDB's zone maps find them, and
		// an index would only slow the delete of a replaced period.
		definition: [
			'"period" VARCHAR NOT NULL',
			...PRODUCT_COLUMNS.map(
				(column) =>
					`${quoteIdentifier(column)} ${PRODUCT_COLUMN_TYPES[column]}${column === 'product_key' ? ' NOT NULL' : ''}`,
			),
		].join(', '),
	},
};

const productList = quoteList(PRODUCT_COLUMNS);
const productsCast = PRODUCT_COLUMNS.map(
	(column) =>
		`CAST(${quoteIdentifier(column)} AS ${PRODUCT_COLUMN_TYPES[column]}) AS ${quoteIdentifier(column)}`,
).join(', ');

/** The process's open database files, by resolved path, each with how many stores use it. */
interface SharedDatabase {
	readonly file: string;
	users: number;
	readonly opened: Promise<DuckDBInstance>;
}
const databases = new Map<string, SharedDatabase>();

export async function openDuckDbHistory(
	path: string,
	options: { lockWaitMs?: number } = {},
): Promise<HistoryStore> {
	const file = resolve(path);
	const database =
		databases.get(file) ?? openShared(file, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
	database.users++;
	const instance = await database.opened.catch(async (error: unknown) => {
		database.users--;
		return await Promise.reject(error);
	});
	return new DuckDbFileHistory(database, instance);
}

function openShared(file: string, lockWaitMs: number): SharedDatabase {
	const database: SharedDatabase = { file, users: 0, opened: openDatabase(file, lockWaitMs) };
	// A failed open is not kept: the next execution tries the file afresh.
	database.opened.catch(() => databases.get(file) === database && databases.delete(file));
	databases.set(file, database);
	return database;
}

class DuckDbFileHistory implements HistoryStore {
	readonly description: string;
	private closed = false;

	constructor(
		private readonly database: SharedDatabase,
		private readonly instance: DuckDBInstance,
	) {
		this.description = `history file ${database.file}`;
	}

	async record(session: DuckSession, run: PeriodRun, productsRelation: string): Promise<void> {
		checkPeriod(run.period);
		const file = session.scratchPath(`history-record-${randomUUID()}.parquet`);
		try {
			await session.run(
				`COPY (SELECT ${productsCast} FROM ${productsRelation}) TO $1 (FORMAT parquet)`,
				[file],
			);
			await this.transaction(async (connection) => {
				await connection.run(`DELETE FROM ${quoteIdentifier(PRODUCTS_TABLE)} WHERE "period" = $1`, [
					run.period,
				]);
				await connection.run(`DELETE FROM ${quoteIdentifier(RUNS_TABLE)} WHERE "period" = $1`, [
					run.period,
				]);
				await connection.run(
					`INSERT INTO ${quoteIdentifier(PRODUCTS_TABLE)} ("period", ${productList}) SELECT $1, ${productList} FROM read_parquet($2)`,
					[run.period, file],
				);
				await connection.run(
					`INSERT INTO ${quoteIdentifier(RUNS_TABLE)} ("period", "figures", "checks", "started_at", "duration_ms") VALUES ($1, $2, $3, CAST($4 AS TIMESTAMPTZ), $5)`,
					[
						run.period,
						JSON.stringify(run.figures),
						JSON.stringify(run.checks),
						run.startedAt,
						run.durationMs,
					],
				);
			});
		} finally {
			await rm(file, { force: true });
		}
	}

	async runs(): Promise<PeriodRun[]> {
		const rows = await this.connected(async (connection) => {
			const reader = await connection.runAndReadAll(
				`SELECT "period", "figures", "checks", epoch_ms("started_at") AS started_ms, "duration_ms" FROM ${quoteIdentifier(RUNS_TABLE)} ORDER BY "period"`,
			);
			return reader.getRowObjectsJS();
		});
		return rows.map((row) => ({
			period: String(row.period),
			figures: JSON.parse(String(row.figures)) as PeriodRun['figures'],
			checks: JSON.parse(String(row.checks)) as PeriodRun['checks'],
			startedAt: new Date(Number(row.started_ms)).toISOString(),
			durationMs: Number(row.duration_ms),
		}));
	}

	async loadProducts(session: DuckSession, period: Period): Promise<string | undefined> {
		checkPeriod(period);
		const file = session.scratchPath(`history-load-${randomUUID()}.parquet`);
		try {
			// One transaction: the run that says the period is recorded and the products copied are the same version.
			const recorded = await this.transaction(async (connection) => {
				const found = await connection.runAndReadAll(
					`SELECT count(*) FROM ${quoteIdentifier(RUNS_TABLE)} WHERE "period" = $1`,
					[period],
				);
				if (Number(found.getRowsJS()[0][0]) === 0) return false;
				await connection.run(
					`COPY (SELECT ${productList} FROM ${quoteIdentifier(PRODUCTS_TABLE)} WHERE "period" = $1 ORDER BY "product_key") TO $2 (FORMAT parquet)`,
					[period, file],
				);
				return true;
			});
			if (!recorded) return undefined;
			const table = quoteIdentifier(
				`history_products_${period.replace('-', '_')}_${randomUUID().replace(/-/g, '')}`,
			);
			await session.run(
				`CREATE TEMP TABLE ${table} AS SELECT ${productList} FROM read_parquet($1)`,
				[file],
			);
			return table;
		} finally {
			await rm(file, { force: true });
		}
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		// Synchronous from here: a store opened meanwhile must not see the file still held by this instance.
		if (--this.database.users > 0) return;
		if (databases.get(this.database.file) === this.database) databases.delete(this.database.file);
		this.instance.closeSync();
	}

	private async connected<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
		if (this.closed) throw new Error(`The ${this.description} was used after it was closed`);
		const connection = await this.instance.connect();
		try {
			return await work(connection);
		} finally {
			connection.closeSync();
		}
	}

	/** `work` in one transaction on its own connection, run again when it conflicts with another execution's. */
	private async transaction<T>(
		work: (connection: DuckDBConnection) => Promise<T>,
		attempt = 1,
	): Promise<T> {
		// A transaction still open when its connection closes (work failed) is rolled back.
		const done = this.connected(async (connection) => {
			await connection.run('BEGIN TRANSACTION');
			const result = await work(connection);
			await connection.run('COMMIT');
			return result;
		});
		return await done.catch(async (error: unknown) => {
			if (attempt >= TRANSACTION_ATTEMPTS || !isConflict(error)) return await Promise.reject(error);
			await sleep(25 * attempt);
			return await this.transaction(work, attempt + 1);
		});
	}
}

function checkPeriod(period: Period): void {
	if (!PERIOD_PATTERN.test(period)) throw new Error(`"${period}" is not a period (YYYY-MM)`);
}

function isConflict(error: unknown): boolean {
	return /Conflict on|write-write conflict|duplicate key/i.test((error as Error)?.message ?? '');
}

async function openDatabase(file: string, lockWaitMs: number): Promise<DuckDBInstance> {
	await mkdir(dirname(file), { recursive: true }).catch(
		async (error: Error) =>
			await Promise.reject(
				new HistoryStoreError(
					`Cannot create the folder of the history file ${file}: ${error.message}`,
					'Choose a history file in a folder n8n may write to.',
				),
			),
	);
	const instance = await createWaitingForLock(file, lockWaitMs);
	await prepareSchema(instance, file).catch(async (error: unknown) => {
		instance.closeSync();
		return await Promise.reject(error);
	});
	return instance;
}

async function createWaitingForLock(file: string, lockWaitMs: number): Promise<DuckDBInstance> {
	const deadline = Date.now() + lockWaitMs;
	for (;;) {
		const opened = await DuckDBInstance.create(file, { memory_limit: DEFAULT_MEMORY_LIMIT }).then(
			(instance) => ({ instance }),
			(error: unknown) => ({ message: (error as Error)?.message ?? String(error) }),
		);
		if ('instance' in opened) return opened.instance;
		if (/Could not set lock on file/.test(opened.message)) {
			if (Date.now() + LOCK_RETRY_MS > deadline)
				throw lockedError(file, lockWaitMs, opened.message);
			await sleep(LOCK_RETRY_MS);
		} else if (/not a valid DuckDB database file/.test(opened.message)) {
			// An empty file (made beforehand, e.g. to set its owner) is a new history, not a corrupt one.
			if ((await stat(file)).size > 0) throw notDuckDbError(file);
			await rm(file);
		} else {
			throw new HistoryStoreError(
				`Cannot open the history file ${file}: ${opened.message}`,
				'Check the history file path and that n8n may read and write that file and its folder.',
			);
		}
	}
}

function lockedError(file: string, lockWaitMs: number, duckDbMessage: string): HistoryStoreError {
	const holder = /Conflicting lock is held in ([^\n]*?\(PID \d+\))/.exec(duckDbMessage)?.[1];
	return new HistoryStoreError(
		`The history file ${file} is held by another process (another n8n, or \`npm run report\`${holder ? `: ${holder}` : ''}) and was still locked after ${Math.round(lockWaitMs / 100) / 10} s.`,
		'DuckDB lets one process at a time use a history file: run again once the other process is done. Queue mode with several workers needs the Postgres history store instead of a history file.',
	);
}

function notDuckDbError(file: string): HistoryStoreError {
	return new HistoryStoreError(
		`The history file ${file} is not a DuckDB database, or it is corrupt.`,
		'Point the history file setting at a new file (it is created on first use) or at an existing history; restore this file from a backup if it was the history.',
	);
}

/** Creates the tables in a new database, and refuses a database that is not a history this version reads. */
async function prepareSchema(instance: DuckDBInstance, file: string): Promise<void> {
	const connection = await instance.connect();
	try {
		const reader = await connection.runAndReadAll(
			`SELECT table_name, list(column_name) AS columns FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' GROUP BY table_name ORDER BY table_name`,
		);
		const found = new Map(
			reader
				.getRowObjectsJS()
				.map((row) => [String(row.table_name), (row.columns as string[]).map(String)]),
		);
		if (found.size === 0) {
			await connection.run('BEGIN TRANSACTION');
			for (const [table, { definition }] of Object.entries(TABLES))
				await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${definition})`);
			await connection.run(`INSERT INTO ${quoteIdentifier(META_TABLE)} VALUES ($1, $2)`, [
				SCHEMA_VERSION_KEY,
				String(HISTORY_SCHEMA_VERSION),
			]);
			await connection.run('COMMIT');
			return;
		}
		for (const [table, { columns }] of Object.entries(TABLES)) {
			const present = found.get(table);
			const missing = present ? columns.find((column) => !present.includes(column)) : undefined;
			if (!present || missing) {
				throw new HistoryStoreError(
					`The history file ${file} is a DuckDB database but not a sales-analytics history: ${present ? `its table "${table}" has no column "${missing}"` : `it has no table "${table}"`} (its tables: ${[...found.keys()].join(', ')}).`,
					'Point the history file setting at a new file (it is created on first use) or at an existing history; leave this database to whatever made it.',
				);
			}
		}
		const versionReader = await connection.runAndReadAll(
			`SELECT "value" FROM ${quoteIdentifier(META_TABLE)} WHERE "name" = $1`,
			[SCHEMA_VERSION_KEY],
		);
		const version = Number(versionReader.getRowsJS()[0]?.[0]);
		if (!Number.isInteger(version) || version < 1) {
			throw new HistoryStoreError(
				`The history file ${file} has no valid schema version in its table "${META_TABLE}".`,
				'Restore the history file from a backup, or point the history file setting at a new file.',
			);
		}
		if (version > HISTORY_SCHEMA_VERSION) {
			throw new HistoryStoreError(
				`The history file ${file} was written by a newer version of n8n-nodes-sales-analytics (history schema ${version}; this version reads up to ${HISTORY_SCHEMA_VERSION}).`,
				'Update n8n-nodes-sales-analytics to the version that wrote this history, or point the history file setting at another file.',
			);
		}
	} finally {
		connection.closeSync();
	}
}
