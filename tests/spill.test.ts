import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withSession } from '../nodes/shared/duckdb';

/** A sort far over the memory limit: DuckDB must write it to its spill folder. */
const SPILLING = `CREATE TEMP TABLE sorted AS SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(2000000) t(i) ORDER BY s`;

describe('spilling to disk, node after node (a confined engine removes its folder between executions)', () => {
	test('a spill after the engine folder was removed and made again still finds its spill folder', async () => {
		// One engine (same limits): every session is one node execution; the folder goes with the last.
		for (const round of [1, 2, 3]) {
			const rows = await withSession(
				{ memoryLimit: '64MB', threads: 1, confined: true },
				async (session) => {
					await session.run(SPILLING);
					return await session.count('SELECT count(*) FROM sorted');
				},
			);
			assert.equal(rows, 2_000_000, `round ${round}`);
		}
	});
});
