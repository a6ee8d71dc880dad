import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBValue, JS } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { quoteLiteral } from './sql';

export type SqlValue = DuckDBValue;

export interface EngineLimits {
	/** DuckDB memory_limit, e.g. "2GB" or "75%"; empty means DEFAULT_MEMORY_LIMIT. */
	memoryLimit?: string;
	threads?: number;
	/**
	 * Confine the engine to its own folder: DuckDB may then read and write nothing but the
	 * scratch folders of its sessions and its spill folder (enable_external_access off,
	 * allowed_directories, configuration locked). Every node runs confined; unconfined sessions
	 * are for scripts and tests that make fixtures.
	 */
	confined?: boolean;
}

/**
 * What DuckDB may hold in memory, per n8n process, when no engine-settings credential says
 * otherwise. DuckDB's own default (80% of RAM) lets one big month take the memory n8n and its
 * other workflows need; past this limit DuckDB spills to disk instead. Measured on the bench's
 * same-work script at 1M web rows: 1GB kept the time (13.7 s against 14.9 s) and halved the peak
 * (1.37 GB against 2.69 GB); 512MB cost 1.6x the time.
 */
export const DEFAULT_MEMORY_LIMIT = '1GB';

/** Prefix of every session's scratch folder, in tmpdir or in a confined engine's folder (tests count them). */
export const SCRATCH_PREFIX = 'n8n-sales-analytics-';

/** The confined engine's spill folder, inside its own folder. */
const SPILL_FOLDER = 'spill';

/** Prefix of the folder a confined engine keeps its sessions' scratch folders and its spill files in. */
export const ENGINE_FOLDER_PREFIX = 'sales-analytics-duckdb-';

/**
 * One in-memory DuckDB instance per n8n process and engine settings, opened on first use:
 * opening one costs ~50 ms, a connection far less. Nothing a node creates lives in the shared
 * database itself: every table is TEMP, and temporary objects belong to the connection that made
 * them, so executions running at the same time never see each other's tables.
 */
class Engine {
	private sessions = 0;
	private folderWork: Promise<unknown> = Promise.resolve();

	private constructor(
		readonly instance: DuckDBInstance,
		/** Where sessions make their scratch folders: tmpdir, or a confined engine's own folder. */
		readonly root: string,
		private readonly confined: boolean,
	) {}

	static async open(limits: EngineLimits): Promise<Engine> {
		// A confined engine's folder is made when a session needs it and removed when the last one
		// ends, so an idle n8n leaves nothing in tmpdir. Named by UUID: the scanner forbids the pid.
		const root = limits.confined
			? join(tmpdir(), `${ENGINE_FOLDER_PREFIX}${randomUUID()}`)
			: tmpdir();
		const options: Record<string, string> = {
			// Its files go as soon as the query that needed them ends.
			temp_directory: limits.confined
				? join(root, SPILL_FOLDER)
				: join(root, `sales-analytics-spill-${randomUUID()}`),
			memory_limit: memoryLimitOf(limits),
		};
		if (limits.threads) options.threads = String(limits.threads);
		const instance = await DuckDBInstance.create(':memory:', options);
		if (limits.confined) {
			// allowed_directories must be set before external access is switched off, and locking the
			// configuration stops any later statement from widening it again.
			const setup = await instance.connect();
			try {
				await setup.run(
					`SET allowed_directories = [${quoteLiteral(root + sep)}]; SET enable_external_access = false; SET lock_configuration = true`,
				);
			} finally {
				setup.closeSync();
			}
		}
		return new Engine(instance, root, Boolean(limits.confined));
	}

	/** A new scratch folder for a session, the engine's folder made first when needed. */
	async scratchFolder(): Promise<string> {
		return await this.serialised(async () => {
			this.sessions++;
			// DuckDB makes its temp directory once per instance, on its first spill, and never again:
			// the spill folder is made with the engine's folder each time, or a spill after the
			// folder was removed (the last session ended) would fail to open its file.
			if (this.confined) await mkdir(join(this.root, SPILL_FOLDER), { recursive: true });
			return await mkdtemp(join(this.root, SCRATCH_PREFIX));
		});
	}

	async removeScratchFolder(folder: string): Promise<void> {
		await this.serialised(async () => {
			await rm(folder, { recursive: true, force: true });
			if (--this.sessions === 0 && this.confined)
				await rm(this.root, { recursive: true, force: true });
		});
	}

	/** Folder changes one at a time: a session starting must not see its folder removed by one ending. */
	private serialised<T>(work: () => Promise<T>): Promise<T> {
		const result = this.folderWork.then(work);
		this.folderWork = result.catch(() => undefined);
		return result;
	}
}

const instances = new Map<string, Promise<Engine>>();

function instanceKey(limits: EngineLimits): string {
	return JSON.stringify([memoryLimitOf(limits), limits.threads ?? 0, limits.confined ?? false]);
}

function memoryLimitOf(limits: EngineLimits): string {
	return limits.memoryLimit?.trim() || DEFAULT_MEMORY_LIMIT;
}

function engineFor(limits: EngineLimits): Promise<Engine> {
	const key = instanceKey(limits);
	let engine = instances.get(key);
	if (!engine) {
		engine = Engine.open(limits);
		// A failed open (a bad limit) must not stay cached for the next execution.
		engine.catch(() => instances.delete(key));
		instances.set(key, engine);
	}
	return engine;
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
		private readonly engine: Engine,
		readonly scratchDir: string,
		private readonly instanceKey: string,
	) {}

	static async open(limits: EngineLimits = {}): Promise<DuckSession> {
		const engine = await engineFor(limits);
		const scratchDir = await engine.scratchFolder();
		let session: DuckSession | undefined;
		try {
			session = new DuckSession(
				await engine.instance.connect(),
				engine,
				scratchDir,
				instanceKey(limits),
			);
			DuckSession.openCount++;
			return session;
		} finally {
			if (!session) await engine.removeScratchFolder(scratchDir);
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

	/** The types of the columns `sql` returns, in order: the statement is prepared, not run. */
	async columnTypes(sql: string): Promise<DuckDBType[]> {
		const prepared = await this.guard(this.connection.prepare(sql));
		try {
			return Array.from({ length: prepared.columnCount }, (_, index) => prepared.columnType(index));
		} finally {
			prepared.destroySync();
		}
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
			if (
				/^(INTERNAL|FATAL) Error|database has been invalidated/m.test(
					(error as Error)?.message ?? '',
				)
			)
				instances.delete(this.instanceKey);
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
			await this.engine.removeScratchFolder(this.scratchDir);
		}
	}
}

/** DuckDB reached its memory limit: the fix is the limit, whatever the node was doing. */
export function isOutOfMemory(error: unknown): boolean {
	return /Out of Memory/i.test((error as Error)?.message ?? '');
}

export async function withSession<T>(
	limits: EngineLimits,
	work: (session: DuckSession) => Promise<T>,
): Promise<T> {
	const session = await DuckSession.open(limits);
	try {
		return await work(session);
	} finally {
		await session.close();
	}
}
