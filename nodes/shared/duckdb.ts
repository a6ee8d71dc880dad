import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue, JS } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SqlValue = DuckDBValue;

export interface EngineLimits {
	/** DuckDB memory_limit, e.g. "2GB" or "75%"; empty keeps DuckDB's default (80% of RAM). */
	memoryLimit?: string;
	threads?: number;
}

/**
 * One DuckDB database and scratch folder per node execution: nothing is shared between
 * executions running at the same time, and close() removes every temporary file.
 */
export class DuckSession {
	/** Sessions open in this process right now; tests check it returns to zero, failures included. */
	static openCount = 0;

	private constructor(
		private readonly instance: DuckDBInstance,
		private readonly connection: DuckDBConnection,
		readonly scratchDir: string,
	) {}

	static async open(limits: EngineLimits = {}): Promise<DuckSession> {
		const scratchDir = await mkdtemp(join(tmpdir(), 'n8n-sales-analytics-'));
		const options: Record<string, string> = { temp_directory: join(scratchDir, 'spill') };
		if (limits.memoryLimit) options.memory_limit = limits.memoryLimit;
		if (limits.threads) options.threads = String(limits.threads);
		let session: DuckSession | undefined;
		try {
			const instance = await DuckDBInstance.create(':memory:', options);
			session = new DuckSession(instance, await instance.connect(), scratchDir);
			DuckSession.openCount++;
			return session;
		} finally {
			if (!session) await rm(scratchDir, { recursive: true, force: true });
		}
	}

	async run(sql: string, params: SqlValue[] = []): Promise<void> {
		await this.connection.run(sql, params);
	}

	/** Rows as plain JS values (BIGINT as bigint, DECIMAL as number, dates as Date). */
	async rows(sql: string, params: SqlValue[] = []): Promise<Array<Record<string, JS>>> {
		const reader = await this.connection.runAndReadAll(sql, params);
		return reader.getRowObjectsJS();
	}

	/** Rows with every value in its JSON form: DECIMAL and BIGINT as exact strings. */
	async jsonRows(sql: string, params: SqlValue[] = []): Promise<Array<Record<string, unknown>>> {
		const reader = await this.connection.runAndReadAll(sql, params);
		return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
	}

	async value(sql: string, params: SqlValue[] = []): Promise<JS> {
		const rows = await this.connection.runAndReadAll(sql, params);
		return rows.getRowsJS()[0]?.[0] ?? null;
	}

	async count(sql: string, params: SqlValue[] = []): Promise<number> {
		return Number(await this.value(sql, params));
	}

	scratchPath(name: string): string {
		return join(this.scratchDir, name);
	}

	async close(): Promise<void> {
		try {
			this.connection.closeSync();
			this.instance.closeSync();
		} finally {
			DuckSession.openCount--;
			await rm(this.scratchDir, { recursive: true, force: true });
		}
	}
}

export async function withSession<T>(limits: EngineLimits, work: (session: DuckSession) => Promise<T>): Promise<T> {
	const session = await DuckSession.open(limits);
	try {
		return await work(session);
	} finally {
		await session.close();
	}
}
