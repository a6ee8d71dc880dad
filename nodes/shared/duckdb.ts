import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue, JS } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SqlValue = DuckDBValue;

export interface EngineLimits {
	/** DuckDB memory_limit, e.g. "2GB" or "75%"; empty means DEFAULT_MEMORY_LIMIT. */
	memoryLimit?: string;
	threads?: number;
}

/**
 * What DuckDB may hold in memory, per n8n process, when no engine-settings credential says
 * otherwise. DuckDB's own default (80% of RAM) lets one big month take the memory n8n and its
 * other workflows need; past this limit DuckDB spills to disk instead. Measured on the bench's
 * same-work script at 1M web rows: 1GB kept the time (13.7 s against 14.9 s) and halved the peak
 * (1.37 GB against 2.69 GB); 512MB cost 1.6x the time.
 */
export const DEFAULT_MEMORY_LIMIT = '1GB';

/** Prefix of every scratch folder a session makes in the temp folder (tests count them). */
export const SCRATCH_PREFIX = 'n8n-sales-analytics-';

/**
 * One in-memory DuckDB instance per n8n process and engine-settings credential, opened on first
 * use: opening one costs ~50 ms, a connection far less. Nothing a node creates lives in the
 * shared database itself: every table is TEMP, and temporary objects belong to the connection
 * that made them, so executions running at the same time never see each other's tables.
 */
const instances = new Map<string, Promise<DuckDBInstance>>();

function instanceKey(limits: EngineLimits): string {
	return JSON.stringify([memoryLimitOf(limits), limits.threads ?? 0]);
}

function memoryLimitOf(limits: EngineLimits): string {
	return limits.memoryLimit?.trim() || DEFAULT_MEMORY_LIMIT;
}

function instanceFor(limits: EngineLimits): Promise<DuckDBInstance> {
	const key = instanceKey(limits);
	let instance = instances.get(key);
	if (!instance) {
		const options: Record<string, string> = { temp_directory: spillFolder(), memory_limit: memoryLimitOf(limits) };
		if (limits.threads) options.threads = String(limits.threads);
		instance = DuckDBInstance.create(':memory:', options);
		// A failed open (a bad limit) must not stay cached for the next execution.
		instance.catch(() => instances.delete(key));
		instances.set(key, instance);
	}
	return instance;
}

/**
 * Where DuckDB spills what exceeds its memory limit: one folder per instance, made by DuckDB only
 * when it spills, its files removed by DuckDB as soon as the query that needed them ends.
 */
function spillFolder(): string {
	return join(tmpdir(), `sales-analytics-duckdb-spill-${randomUUID()}`);
}

/**
 * A node execution's own connection on the shared instance and its own scratch folder.
 * close() ends the connection (dropping its temporary tables and views) and removes the folder.
 */
export class DuckSession {
	/** Connections open in this process right now; tests check it returns to zero, failures included. */
	static openCount = 0;

	/** Engine instances opened in this process so far (one per distinct engine settings). */
	static get instanceCount(): number {
		return instances.size;
	}

	private constructor(
		private readonly connection: DuckDBConnection,
		readonly scratchDir: string,
		private readonly instanceKey: string,
	) {}

	static async open(limits: EngineLimits = {}): Promise<DuckSession> {
		const scratchDir = await mkdtemp(join(tmpdir(), SCRATCH_PREFIX));
		let session: DuckSession | undefined;
		try {
			session = new DuckSession(await (await instanceFor(limits)).connect(), scratchDir, instanceKey(limits));
			DuckSession.openCount++;
			return session;
		} finally {
			if (!session) await rm(scratchDir, { recursive: true, force: true });
		}
	}

	async run(sql: string, params: SqlValue[] = []): Promise<void> {
		await this.guard(this.connection.run(sql, params));
	}

	/** Rows as plain JS values (BIGINT as bigint, DECIMAL as number, dates as Date). */
	async rows(sql: string, params: SqlValue[] = []): Promise<Array<Record<string, JS>>> {
		const reader = await this.guard(this.connection.runAndReadAll(sql, params));
		return reader.getRowObjectsJS();
	}

	/** Rows with every value in its JSON form: DECIMAL and BIGINT as exact strings. */
	async jsonRows(sql: string, params: SqlValue[] = []): Promise<Array<Record<string, unknown>>> {
		const reader = await this.guard(this.connection.runAndReadAll(sql, params));
		return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
	}

	async value(sql: string, params: SqlValue[] = []): Promise<JS> {
		const rows = await this.guard(this.connection.runAndReadAll(sql, params));
		return rows.getRowsJS()[0]?.[0] ?? null;
	}

	async count(sql: string, params: SqlValue[] = []): Promise<number> {
		return Number(await this.value(sql, params));
	}

	/** A streaming result, for readers that take a large result a chunk at a time. */
	async stream(sql: string, params: SqlValue[] = []) {
		return await this.guard(this.connection.stream(sql, params));
	}

	/**
	 * After an internal or fatal error DuckDB refuses every further query on that instance
	 * ("database has been invalidated"): the instance is dropped from the cache so the next
	 * node execution opens a fresh one, instead of the whole n8n process failing until restart.
	 */
	private async guard<T>(work: Promise<T>): Promise<T> {
		return await work.catch(async (error: unknown) => {
			if (/^(INTERNAL|FATAL) Error|database has been invalidated/m.test((error as Error)?.message ?? '')) instances.delete(this.instanceKey);
			return await Promise.reject(error);
		});
	}

	scratchPath(name: string): string {
		return join(this.scratchDir, name);
	}

	async close(): Promise<void> {
		try {
			this.connection.closeSync();
		} finally {
			DuckSession.openCount--;
			await rm(this.scratchDir, { recursive: true, force: true });
		}
	}
}

/** DuckDB reached its memory limit: the fix is the limit, whatever the node was doing. */
export function isOutOfMemory(error: unknown): boolean {
	return /Out of Memory/i.test((error as Error)?.message ?? '');
}

export async function withSession<T>(limits: EngineLimits, work: (session: DuckSession) => Promise<T>): Promise<T> {
	const session = await DuckSession.open(limits);
	try {
		return await work(session);
	} finally {
		await session.close();
	}
}
