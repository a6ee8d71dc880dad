/**
 * What every fuzz case shares: how many runs and which seed, a time limit per case, and the
 * checks that hold whatever the case did — no DuckDB connection left open, no scratch folder
 * left behind, and a failure only ever as a NodeOperationError that says where.
 */
import { PRIVATE_TMP } from './private-tmp';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { DuckSession, SCRATCH_PREFIX } from '../../nodes/shared/duckdb';
import type { WorkflowResult } from '../helpers/engine';

export { PRIVATE_TMP };

/** A case slower than this is a hang (a normal case takes well under a second). */
export const CASE_TIMEOUT_MS = Number(process.env.FUZZ_CASE_TIMEOUT_MS ?? 0) || 10_000;

/** `npm run fuzz` sets FUZZ_RUNS; `npm test` runs each property's default. */
export function runsOf(defaultRuns: number): number {
	return Number(process.env.FUZZ_RUNS ?? 0) || defaultRuns;
}

/** Fixed seeds by default, so CI is reproducible; FUZZ_SEED replays or explores another. */
export function seedOf(defaultSeed: number): number {
	const seed = Number(process.env.FUZZ_SEED ?? '');
	return process.env.FUZZ_SEED && Number.isInteger(seed) ? seed : defaultSeed;
}

export function scratchFolders(): number {
	return readdirSync(tmpdir()).filter((name) => name.startsWith(SCRATCH_PREFIX)).length;
}

/**
 * Runs one case against a timer, then checks it released what it took. A case that hangs fails
 * the property (its run is abandoned, not awaited).
 */
export async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
	assert.equal(DuckSession.openCount, 0, 'a DuckDB connection was already open before the case');
	const before = scratchFolders();
	let timer: NodeJS.Timeout | undefined;
	const hang = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`hang: ${what} did not finish within ${CASE_TIMEOUT_MS} ms`)),
			CASE_TIMEOUT_MS,
		);
	});
	let result: T;
	try {
		result = await Promise.race([run(), hang]);
	} finally {
		clearTimeout(timer);
	}
	assert.equal(DuckSession.openCount, 0, `${what}: a DuckDB connection was left open`);
	assert.equal(scratchFolders(), before, `${what}: a scratch folder was left in ${tmpdir()}`);
	return result;
}

/** Runs a property with its seed and run count, and says both (and how many cases ran) in the test output. */
export async function fuzz<T>(
	t: TestContext,
	arbitrary: fc.Arbitrary<T>,
	predicate: (value: T) => Promise<void>,
	defaults: { runs: number; seed: number },
): Promise<void> {
	const seed = seedOf(defaults.seed);
	const numRuns = runsOf(defaults.runs);
	let cases = 0;
	t.diagnostic(`seed ${seed} (set FUZZ_SEED to change), ${numRuns} runs`);
	try {
		await fc.assert(
			fc.asyncProperty(arbitrary, async (value) => {
				cases++;
				await predicate(value);
			}),
			{ seed, numRuns, includeErrorInReport: true },
		);
	} finally {
		t.diagnostic(`${cases} cases run`);
	}
}

interface RawError {
	name?: string;
	message?: string;
	description?: string;
}

/** The error the run stopped with, as n8n-core recorded it (a NodeOperationError keeps its name). */
export function rawError(result: WorkflowResult): RawError | undefined {
	return result.run.data.resultData.error as RawError | undefined;
}

/** Engine errors that only a bug in our SQL can cause: a user's input must never reach them. */
const ENGINE_BUG =
	/DuckDB could not run this step|(INTERNAL|FATAL|Binder|Parser|Catalog|Not implemented) Error|database has been invalidated/;

/**
 * The run failed the way a user's bad input must fail: a NodeOperationError from our node whose
 * message names one of `mentions` (the file, the input, the column, the step).
 */
export function assertNodeError(result: WorkflowResult, mentions: string[]): RawError {
	const error = rawError(result);
	assert.ok(error, 'expected the run to fail');
	assert.equal(
		error.name,
		'NodeOperationError',
		`crash, not a NodeOperationError: ${error.name}: ${error.message}`,
	);
	assert.equal(
		result.error?.node,
		'Node',
		`the error came from ${result.error?.node}, not the node under test`,
	);
	const message = error.message ?? '';
	assert.doesNotMatch(message, ENGINE_BUG, `an engine error reached the user: ${message}`);
	const named = mentions.filter(Boolean);
	// Names are found ignoring case, as the nodes find columns.
	assert.ok(
		named.some((mention) => message.toLowerCase().includes(mention.toLowerCase())),
		`the message names none of ${JSON.stringify(named)}: ${message}`,
	);
	return error;
}

/** The run succeeded; otherwise fails with its error. */
export function assertSucceeded(result: WorkflowResult): void {
	const error = rawError(result);
	assert.equal(error, undefined, `${error?.name}: ${error?.message}`);
}

export interface TableSummary {
	rowCount: number;
	columns: Array<{ name: string; type: string }>;
	preview: Array<Record<string, unknown>>;
	statistics: {
		rowsIn: number;
		rowsOut: number;
		steps: Array<{
			step: number;
			type: string;
			rowsIn: number;
			rowsOut: number;
			valuesEmptied?: number;
			duplicateKeys?: number;
		}>;
		joins?: Array<Record<string, unknown>>;
	};
}

/** The Table-mode summary item of the node under test. */
export function summaryOf(result: WorkflowResult): TableSummary {
	return result.output('Node')[0].json as unknown as TableSummary;
}

/** Enough preview rows to see every row of a fuzz case's table. */
export const ALL_ROWS = { outputMode: 'table', tableOptions: { previewRows: 10_000 } };
