/**
 * A 1,000,000-row month through the shipped workflow (Table mode) in n8n's queue mode, binary
 * data in Postgres (`database` mode): the figures come back exact, or the run ends in our clear
 * error naming N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE when a table is over n8n's store limit.
 * Prints the execution's time and the peak memory of the worker that ran it (no timing asserted).
 * The month is the benchmark's (bench/run.ts): generated once into the cache, in Parquet, the
 * smallest upload (about 93 MB, under n8n's 200 MiB multipart limit, N8N_FORMDATA_FILE_SIZE_MAX).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { groupRss } from '../../bench/measure';
import { ensureN8n } from '../../scripts/n8n/instance';
import { queueModeMissing } from '../../scripts/n8n/queue';
import { EXPORTS } from '../helpers/bottleneck';
import { generateSample } from '../../scripts/sample-data/generator';
import type { ExpectedFigures } from '../../scripts/sample-data/generator';
import { queueTopologyForTests, until } from './helpers';

const BASE_PORT = 5980;
const TOKEN = 'queue-big-token';
const WEB_ROWS = 1_000_000;
/** The benchmark's seed: the same cached month as `npm run bench`. */
const SEED = 42;
const skip = queueModeMissing();

/** The benchmark's 1M-row month in Parquet, from its cache (bench/run.ts's folder), generated there when absent. */
async function benchMonth(): Promise<{ files: Record<string, string>; expected: ExpectedFigures }> {
	const month = join(ensureN8n().cache, 'bench-data', `web-${WEB_ROWS}-seed${SEED}`);
	const files = Object.fromEntries(EXPORTS.map((name) => [name, join(month, `${name}.parquet`)]));
	if (!existsSync(join(month, 'expected.json')) || !Object.values(files).every(existsSync)) {
		const started = Date.now();
		console.log(`generating ${WEB_ROWS.toLocaleString('en')} web rows (parquet) in ${month}`);
		await generateSample({ webRows: WEB_ROWS, seed: SEED, outDir: month, formats: ['parquet'] });
		console.log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	}
	return { files, expected: JSON.parse(readFileSync(join(month, 'expected.json'), 'utf8')) };
}

/** Peak resident memory of some process groups (a worker leads one, its task runner inside), sampled while a run goes on. */
function sampleGroups(groups: number[]): { stop: () => Promise<number[]> } {
	const peaks = groups.map(() => 0);
	const sample = () =>
		groups.forEach((group, i) => (peaks[i] = Math.max(peaks[i], groupRss(group))));
	sample();
	const timer = setInterval(sample, 100);
	return {
		stop: async () => {
			clearInterval(timer);
			sample();
			return peaks.map((bytes) => Math.round(bytes / 2 ** 20));
		},
	};
}

describe(
	`a ${WEB_ROWS.toLocaleString('en')}-row month in queue mode (binary data in Postgres)`,
	{ skip },
	() => {
		if (skip) return;
		const server = queueTopologyForTests(BASE_PORT, TOKEN, 'queue-big');

		test('exact figures, or our error naming N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE', async (t) => {
			const topology = server.topology!;
			const month = await benchMonth();
			const sizes = EXPORTS.map(
				(name) => `${name} ${(statSync(month.files[name]).size / 2 ** 20).toFixed(1)} MB`,
			).join(', ');
			console.log(`1M queue mode: upload ${sizes}`);

			const form = new FormData();
			for (const [name, path] of Object.entries(month.files))
				form.append(name, new Blob([readFileSync(path)]), `${name}.parquet`);
			form.append(
				'expected',
				new Blob([JSON.stringify(month.expected)], { type: 'application/json' }),
				'expected.json',
			);

			const groups = [...topology.workerPids, topology.main!.pid!];
			const idle = await sampleGroups(groups).stop();
			const sampler = sampleGroups(groups);
			let response: Response;
			let body: string;
			let roundTrip: number;
			let execution: string[] = [];
			let peaks: number[];
			try {
				const started = Date.now();
				response = await fetch(topology.webhook, {
					method: 'POST',
					body: form,
					headers: { 'X-Report-Token': TOKEN },
				});
				body = await response.text();
				roundTrip = (Date.now() - started) / 1000;
				// The worker saves the execution as finished a moment after the webhook has its answer.
				execution = await until('the finished webhook execution in Postgres', 30, () => {
					const rows = topology.query(
						`SELECT id, status, EXTRACT(EPOCH FROM "stoppedAt" - "startedAt") FROM execution_entity WHERE "workflowId" = 'SalesMonthly0001' AND mode = 'webhook' AND status NOT IN ('new', 'running') ORDER BY id`,
					);
					return rows.length ? rows : undefined;
				}).catch(() => []);
			} finally {
				peaks = await sampler.stop();
			}
			assert.equal(
				execution.length,
				1,
				`one finished webhook execution in Postgres (webhook answered ${response.status}: ${body.slice(0, 500)})`,
			);
			const [id, status, seconds] = execution[0].split('|');
			const ranBy = await until(`a worker's event log naming execution ${id}`, 10, () => {
				const index = topology.workers.findIndex((worker) =>
					topology.executionsTakenBy(worker).includes(id),
				);
				return index < 0 ? undefined : index;
			}).catch(() => -1);
			assert.ok(ranBy >= 0, `a worker's event log says it took execution ${id}`);
			const stored = topology.query(
				`SELECT count(*) || ' files, ' || coalesce(round(sum("fileSize") / 1048576.0), 0) || ' MB, largest ' || coalesce(round(max("fileSize") / 1048576.0), 0) || ' MB' FROM binary_data`,
			)[0];

			console.log(
				`1M queue mode: execution ${id} ${status} in ${Number(seconds).toFixed(1)} s (webhook round trip ${roundTrip.toFixed(1)} s), worker peak ${peaks[ranBy]} MB (idle ${idle[ranBy]} MB)`,
			);
			console.log(
				`1M queue mode: main peak ${peaks.at(-1)} MB (idle ${idle.at(-1)} MB); binary data in Postgres after the run: ${stored}`,
			);

			if (status === 'success') {
				assert.equal(response.status, 200, body.slice(0, 2000));
				const { figures } = JSON.parse(body);
				const { expected } = month;
				assert.deepEqual(
					[figures.merged_rows, figures.revenue_total, figures.premium_count],
					[expected.merged_rows, expected.revenue_total, expected.premium_count],
				);
				t.diagnostic(
					`exact figures: ${figures.merged_rows} merged rows, revenue ${figures.revenue_total}, ${figures.premium_count} premium`,
				);
			} else {
				// What n8n recorded (execution_data is flatted JSON: a top-level array, each string once, referred to by index).
				const [named, overLimit, node, ...recorded] = topology
					.query(
						`SELECT position('N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE' IN data) > 0,
					substring(data FROM position('is over the size n8n stores in its database' IN data) - 120 FOR 240),
					(data::json) ->> (substring(data FROM '"lastNodeExecuted":"([0-9]+)"'))::int,
					(SELECT left(string_agg(DISTINCT m[1], ' | '), 3000) FROM regexp_matches(data, '"((?:[^"\\\\]|\\\\.){0,200}(Error|error|failed|exceed|limit)(?:[^"\\\\]|\\\\.){0,200})"', 'g') AS m)
				FROM execution_data WHERE "executionId" = ${Number(id)}`,
					)[0]
					.split('|');
				// The error strings, last, may hold psql's separator themselves.
				const errors = recorded.join('|');
				console.log(`1M queue mode: execution ${id} ended in node "${node}": ${errors}`);
				const seen = `node "${node}"; webhook answered ${response.status}: ${body.slice(0, 300)}; recorded: ${errors}`;
				assert.equal(status, 'error', `execution ${id} ended ${status}: ${seen}`);
				// Our NodeOperationError (nodes/shared/table/store.ts), nothing else, is the failure allowed here.
				assert.equal(
					named,
					't',
					`execution ${id} failed, but not with the error naming N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: ${seen}`,
				);
				assert.match(overLimit, /over the size n8n stores in its database/, seen);
				assert.notEqual(response.status, 200);
				t.diagnostic(`over the store limit: ${overLimit}`);
			}
		});
	},
);
