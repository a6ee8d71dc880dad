/**
 * `npm run bench`, small: every variant — before (the package at the before ref, built in this
 * run) and both DuckDB floors included — on every format once, and the warm `npm run report`
 * now and before, in the real n8n; so the benchmark and the built-in-nodes baseline workflow
 * keep working. (The months with HTML descriptions take the same path with another folder;
 * tests/bench.test.ts runs the floor on one.) The numbers are not checked
 * (the machines are noisy); what each run found is.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT } from '../../scripts/n8n/instance';
import type { BenchRecord } from '../../bench/report';
import { freshDir } from './helpers';

const work = freshDir('bench-work-');
const out = freshDir('bench-out-');
after(() => {
	rmSync(work, { recursive: true, force: true });
	rmSync(out, { recursive: true, force: true });
});

describe('npm run bench, at 300 web rows', () => {
	test(
		'ours (Table and Rows), before, the built-in-nodes baseline and both DuckDB floors all find the month; what cannot run says why',
		{ timeout: 25 * 60_000 },
		() => {
			const beforeTrees = () =>
				readdirSync(tmpdir()).filter((name) => name.startsWith('bench-before-'));
			const treesBefore = beforeTrees();
			// Without the queue-mode loads: their topology alone takes minutes (bench/results/queue-mode holds a real run of them).
			execFileSync(
				'npm',
				[
					'run',
					'--silent',
					'bench',
					'--',
					'--scales',
					'300',
					'--reps',
					'1',
					'--report',
					'--cap-minutes',
					'5',
					'--queue-runs',
					'0',
					'--work',
					work,
					'--out',
					out,
				],
				{
					cwd: ROOT,
					stdio: ['ignore', 'ignore', 'inherit'],
				},
			);
			// The old ref's tree is built for the run and removed after it.
			assert.deepEqual(beforeTrees(), treesBefore);
			const records = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchRecord[];
			const status = Object.fromEntries(
				records.filter((r) => r.kind === 'run').map((r) => [`${r.variant}/${r.format}`, r.status]),
			);
			assert.deepEqual(
				status,
				{
					'table/csv': 'ok',
					'before/csv': 'ok',
					'rows/csv': 'ok',
					'vanilla/csv': 'ok',
					'duckdb-same/csv': 'ok',
					'duckdb/csv': 'ok',
					'table/parquet': 'ok',
					'before/parquet': 'ok',
					'rows/parquet': 'ok',
					'vanilla/parquet': 'failed',
					'duckdb-same/parquet': 'ok',
					'duckdb/parquet': 'ok',
					'table/xlsx': 'ok',
					'before/xlsx': 'ok',
					'rows/xlsx': 'ok',
					'vanilla/xlsx': 'ok',
					'duckdb-same/xlsx': 'failed',
					'duckdb/xlsx': 'failed',
				},
				JSON.stringify(
					records.filter((r) => r.status !== 'ok' && r.ran),
					null,
					2,
				),
			);
			// The whole warm `npm run report`, now and at the before ref.
			assert.deepEqual(
				records.filter((r) => r.kind === 'report').map((r) => `${r.variant}: ${r.status}`),
				['table: ok', 'before: ok'],
				JSON.stringify(
					records.filter((r) => r.kind === 'report'),
					null,
					2,
				),
			);
			for (const record of records.filter((r) => r.status === 'ok')) {
				assert.ok(
					record.median_ms! > 0 && record.peak_rss_mb! > 0,
					`${record.kind} ${record.variant}/${record.format}`,
				);
				assert.equal(record.web_rows, record.kind === 'report' ? 1513 : 300);
			}
			assert.deepEqual(
				records.filter((r) => r.kind === 'queue'),
				[],
				'--queue-runs 0 skips queue mode',
			);
			for (const record of records.filter((r) => r.status !== 'ok')) {
				assert.equal(record.ran, false, JSON.stringify(record, null, 2));
				assert.match(record.note!, /Parquet reader|excel extension/);
			}
			// Our Table-mode runs, now and before, say where their time went, node by node.
			for (const variant of ['table', 'before']) {
				const table = records.find(
					(r) => r.kind === 'run' && r.variant === variant && r.format === 'parquet',
				)!;
				assert.ok(table.reps![0].phases?.['Revenue']?.reportMs !== undefined, variant);
			}
			const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
			assert.match(markdown, /## Before → after, in this run/);
			assert.match(
				markdown,
				/\| Warm `npm run report` \(real month\), whole command \| < 10 s \| \d+\.\d+ s \| \d+\.\d+ s \| \d+\.\d\d× \| (met|\*\*not met\*\*) \|/,
			);
			assert.match(
				markdown,
				/\| 300 \| .* MB \| .* MB \| .* MB \| .* MB \| .* MB \| .* MB \| \d+\.\d× \| \d+\.\d× \| \d+\.\d× \| \d+\.\d× \|/,
			);
			assert.match(markdown, /### parquet, 300 web rows, ours, Table mode/);
			assert.match(markdown, /### parquet, 300 web rows, before, Table mode/);
			assert.ok(existsSync(join(out, 'chart.svg')));
		},
	);
});
