/**
 * The shipped workflow in n8n's queue mode: Postgres, Redis, a main that takes the webhook calls
 * and two workers (own user folder, own TMPDIR, the package installed in each) that run them,
 * with binary data — every table handed between nodes — in Postgres (`database` mode).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENGINE_FOLDER_PREFIX, SCRATCH_PREFIX } from '../../nodes/shared/duckdb';
import { queueModeMissing } from '../../scripts/n8n/queue';
import { generateSample } from '../../scripts/sample-data/generator';
import { BOTTLENECK_DIR, EXPORTS, SKIP_BOTTLENECK } from '../helpers/bottleneck';
import { queueTopologyForTests, REFERENCE, until } from './helpers';

const BASE_PORT = 5930;
const TOKEN = 'queue-mode-token';
const RUNS = 20;
const skip = queueModeMissing();

interface Month {
	label: string;
	files: Record<string, string>;
	expected: { merged_rows: number; revenue_total: string; premium_count: number };
}

/** Every DuckDB folder left in a temp folder: engine folders and the scratch folders inside them. */
function duckFolders(dir: string): { engines: string[]; scratch: number } {
	const engines = readdirSync(dir).filter((name) => name.startsWith(ENGINE_FOLDER_PREFIX));
	return {
		engines,
		scratch: engines.flatMap((engine) =>
			readdirSync(join(dir, engine)).filter((name) => name.startsWith(SCRATCH_PREFIX)),
		).length,
	};
}

function upload(webhook: string, month: Month): Promise<Response> {
	const form = new FormData();
	for (const [name, path] of Object.entries(month.files))
		form.append(name, new Blob([readFileSync(path)]), path.split('/').pop()!);
	form.append(
		'expected',
		new Blob([JSON.stringify(month.expected)], { type: 'application/json' }),
		'expected.json',
	);
	return fetch(webhook, { method: 'POST', body: form, headers: { 'X-Report-Token': TOKEN } });
}

describe(
	`${RUNS} webhook executions at once in queue mode (Postgres, Redis, a main and two workers)`,
	{ skip },
	() => {
		if (skip) return;
		const server = queueTopologyForTests(BASE_PORT, TOKEN, 'queue-mode');

		test('each answered with its own figures; both workers ran some; no scratch folder left on any', async (t) => {
			const topology = server.topology!;
			const months: Month[] = [];
			// The real BottleNeck month (generated stand-in without ../shared), then three generated months in xlsx, csv and parquet.
			if (!SKIP_BOTTLENECK)
				months.push({
					label: 'BottleNeck',
					files: Object.fromEntries(
						EXPORTS.map((name) => [name, join(BOTTLENECK_DIR, `${name}.xlsx`)]),
					),
					expected: REFERENCE,
				});
			for (const [index, format] of (['xlsx', 'csv', 'parquet'] as const).entries()) {
				const sample = await generateSample({
					webRows: 1500 + index * 700,
					seed: 300 + index,
					outDir: join(server.uploads, `m${index}`),
					formats: [format],
				});
				months.push({
					label: `generated ${format}`,
					files: Object.fromEntries(EXPORTS.map((name) => [name, sample.files[name][format]!])),
					expected: sample.expected,
				});
			}
			if (months.length < 4) {
				const sample = await generateSample({
					webRows: 1513,
					seed: 42,
					outDir: join(server.uploads, 'stand-in'),
					formats: ['xlsx'],
				});
				months.unshift({
					label: 'generated stand-in for BottleNeck',
					files: Object.fromEntries(EXPORTS.map((name) => [name, sample.files[name].xlsx!])),
					expected: sample.expected,
				});
			}
			const assigned = Array.from({ length: RUNS }, (_, index) => months[index % months.length]);

			const mostAtOnce = topology.workers.map(() => 0);
			const watch = setInterval(
				() =>
					topology.workers.forEach(
						(worker, i) =>
							(mostAtOnce[i] = Math.max(mostAtOnce[i], duckFolders(worker.tmpDir).scratch)),
					),
				20,
			);
			const started = Date.now();
			const responses = await Promise.all(
				assigned.map((month) => upload(topology.webhook, month)),
			).finally(() => clearInterval(watch));
			const bodies = await Promise.all(responses.map((response) => response.text()));
			const seconds = ((Date.now() - started) / 1000).toFixed(1);
			bodies.forEach((body, index) => {
				assert.equal(
					responses[index].status,
					200,
					`run ${index + 1} (${assigned[index].label}): ${body}`,
				);
				const { figures } = JSON.parse(body);
				const { expected } = assigned[index];
				assert.deepEqual(
					[figures.merged_rows, figures.revenue_total, figures.premium_count],
					[expected.merged_rows, expected.revenue_total, expected.premium_count],
					`run ${index + 1} (${assigned[index].label})`,
				);
			});
			assert.equal(server.slack.messages.length, RUNS);
			assert.equal(server.smtp.mails.length, RUNS);

			// n8n's records: the executions in Postgres, and which worker took each from the queue (its event log).
			// The webhook answers with the last node's output before the worker has saved the execution as finished, and writes its event log a moment later.
			const recorded = () => ({
				executions: topology.query(
					`SELECT id FROM execution_entity WHERE "workflowId" = 'SalesMonthly0001' AND status = 'success' AND mode = 'webhook' ORDER BY id`,
				),
				taken: topology.workers.map((worker) => topology.executionsTakenBy(worker)),
			});
			const { executions, taken } = await until(
				'every execution saved and in an event log',
				15,
				() => {
					const now = recorded();
					return now.executions.length >= RUNS && now.taken.flat().length >= RUNS ? now : undefined;
				},
			).catch(recorded);
			const statuses = topology.query(
				`SELECT id || ' ' || status || ' ' || mode FROM execution_entity ORDER BY id`,
			);
			assert.equal(
				executions.length,
				RUNS,
				`${RUNS} successful webhook executions recorded in Postgres: ${statuses.join(', ')}`,
			);
			assert.deepEqual(
				taken.flat().sort((a, b) => Number(a) - Number(b)),
				executions,
				'every execution taken from the queue by exactly one worker',
			);
			taken.forEach((ids, i) =>
				assert.ok(
					ids.length > 0,
					`worker ${i + 1} ran none of the ${RUNS} executions (${taken.map((t) => t.length).join(' / ')})`,
				),
			);
			// The workers' own log lines say the same.
			const logged = topology.workers.map(
				(worker) =>
					(worker.n8n.serverLog.join('').match(/Worker started execution \d+/g) ?? []).length,
			);
			assert.deepEqual(
				logged,
				taken.map((ids) => ids.length),
				'the workers\' "Worker started execution" lines match the event logs',
			);

			assert.ok(
				mostAtOnce.some((most) => most > 1),
				`executions had scratch folders of their own at the same time (most at once per worker: ${mostAtOnce.join(' / ')})`,
			);
			for (const [i, worker] of topology.workers.entries())
				assert.deepEqual(
					duckFolders(worker.tmpDir),
					{ engines: [], scratch: 0 },
					`no DuckDB folder left in worker ${i + 1}'s TMPDIR`,
				);
			assert.deepEqual(
				duckFolders(topology.mainTmpDir),
				{ engines: [], scratch: 0 },
				'the main ran no node',
			);
			assert.deepEqual(
				readdirSync(server.out).filter((name) => name.endsWith('.partial')),
				[],
				'no temporary report file left',
			);
			t.diagnostic(
				`${RUNS} executions in ${seconds} s; worker 1 ran ${taken[0].length}, worker 2 ran ${taken[1].length}`,
			);
		});

		test('six months uploaded at once are each compared and recorded in the Postgres history, by both workers', async (t) => {
			const topology = server.topology!;
			const sample = await generateSample({
				webRows: 1513,
				seed: 42,
				outDir: join(server.uploads, 'history-month'),
				formats: ['csv'],
			});
			const month: Month = {
				label: 'generated csv',
				files: Object.fromEntries(EXPORTS.map((name) => [name, sample.files[name].csv!])),
				expected: sample.expected,
			};
			const periods = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];
			const before = topology.workers.map((worker) => topology.executionsTakenBy(worker).length);
			const responses = await Promise.all(
				periods.map((period) => upload(`${topology.webhook}?period=${period}`, month)),
			);
			const summaries = await Promise.all(
				responses.map(async (response) => ({
					status: response.status,
					body: await response.text(),
				})),
			);
			for (const [index, { status, body }] of summaries.entries()) {
				assert.equal(status, 200, body);
				assert.equal(
					JSON.parse(body).period,
					periods[index],
					'each run is the month its call named',
				);
			}
			// Record History runs after the answer: wait for all six in the history tables.
			const recorded = await until('six months in the Postgres history', 30, () => {
				const rows = topology.query(
					`SELECT r.period || ' ' || (SELECT count(*) FROM sales_history_products p WHERE p.period = r.period) FROM sales_history_runs r WHERE r.period LIKE '2025-%' ORDER BY r.period`,
				);
				return rows.length === periods.length ? rows : undefined;
			});
			assert.deepEqual(
				recorded,
				periods.map((period) => `${period} ${sample.expected.merged_rows}`),
			);
			const took = topology.workers.map(
				(worker, i) => topology.executionsTakenBy(worker).length - before[i],
			);
			assert.equal(took[0] + took[1], periods.length, 'the workers ran the six');
			// The first test's 20 runs, every one recorded by the worker that ran it (10 and 10 here), all named the default month: one copy of it is kept.
			const defaultMonth = topology.query(
				`SELECT period FROM sales_history_runs WHERE period NOT LIKE '2025-%'`,
			);
			assert.equal(
				defaultMonth.length,
				1,
				`one record of the default month after ${RUNS} concurrent records of it: ${defaultMonth.join(', ')}`,
			);
			t.diagnostic(`worker 1 ran ${took[0]}, worker 2 ran ${took[1]} of the six months recorded`);
		});
	},
);
