/**
 * The benchmark's own parts, without n8n: the measurement of a process group, the DuckDB
 * floors and the check that a run's files hold the month's figures, and the report it writes
 * (tables, before → after against the targets, chart). Nothing here asserts a timing.
 * (tests/e2e/bench.test.ts runs the whole benchmark, small, in the real n8n.)
 */
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FLOOR_SCRIPTS, FLOORS, sameWorkScript } from '../bench/duckdb-floor';
import { measure } from '../bench/measure';
import { writeReports } from '../bench/report';
import type { BenchRecord, BenchSettings } from '../bench/report';
import { TARGETS } from '../bench/targets';
import type { Format, Variant } from '../bench/variants';
import { verifyOutputs } from '../bench/verify';
import { quoteLiteral } from '../nodes/shared/sql';
import {
	ERP_COLUMNS,
	generateSample,
	LIAISON_COLUMNS,
	WEB_COLUMNS,
} from '../scripts/sample-data/generator';

const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function processesInGroup(group: number): number[] {
	return readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((pid) => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				// A killed orphan stays a zombie until init reaps it: it no longer runs.
				return Number(pgrp) === group && state !== 'Z';
			} catch {
				return false;
			}
		})
		.map(Number);
}

describe('measure: one command and its whole process group', () => {
	test('peak memory counts the children too', async () => {
		// The parent holds ~50 MB, its child ~300 MB: a parent-only figure would miss most of it.
		const child = 'const b = Buffer.alloc(300 * 2 ** 20, 1); setTimeout(() => b.length, 1500)';
		const parent = `const { spawnSync } = require('node:child_process'); const b = Buffer.alloc(50 * 2 ** 20, 1); spawnSync(process.execPath, ['-e', ${JSON.stringify(child)}]); b.length;`;
		const measured = await measure(process.execPath, ['-e', parent], {
			capMs: 60_000,
			stdoutFile: join(dir, 'm.out'),
			stderrFile: join(dir, 'm.err'),
		});
		assert.equal(measured.exitCode, 0);
		assert.equal(measured.timedOut, false);
		assert.ok(measured.peakRssMb >= 340, `peak ${measured.peakRssMb} MB`);
	});

	test('a run past the cap is stopped with everything it started', async () => {
		const script =
			"require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); setInterval(() => {}, 1000);";
		const started = Date.now();
		const measured = await measure(process.execPath, ['-e', script], {
			capMs: 1500,
			stdoutFile: join(dir, 't.out'),
			stderrFile: join(dir, 't.err'),
		});
		assert.equal(measured.timedOut, true);
		assert.ok(Date.now() - started < 20_000);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.deepEqual(processesInGroup(measured.pid), [], 'the sleep it started is still running');
	});
});

describe('the DuckDB floors and the check of a run', () => {
	const runFloor = async (script: string) => {
		const instance = await DuckDBInstance.create(':memory:');
		const connection = await instance.connect();
		try {
			await connection.run(script);
		} finally {
			connection.closeSync();
			instance.closeSync();
		}
	};

	test('both floors find the month on csv and parquet; a list with a row missing is caught', async () => {
		const sample = await generateSample({
			webRows: 400,
			seed: 7,
			outDir: join(dir, 'month'),
			formats: ['csv', 'parquet'],
		});
		for (const floor of FLOORS) {
			for (const format of ['csv', 'parquet']) {
				const out = join(dir, `${floor}-${format}`);
				mkdirSync(out);
				await runFloor(FLOOR_SCRIPTS[floor](join(dir, 'month'), format, out));
				assert.equal(await verifyOutputs(out, sample.expected), undefined, `${floor} ${format}`);
			}
		}
		const out = join(dir, 'duckdb-csv');
		const premium = readFileSync(join(out, 'vins_premium.csv'), 'utf8').trim().split('\n');
		writeFileSync(join(out, 'vins_premium.csv'), `${premium.slice(0, -1).join('\n')}\n`);
		assert.match(
			(await verifyOutputs(out, sample.expected))!,
			/wrong figures: .*"premium_count":\d+/,
		);
		rmSync(join(out, 'vins_ordinaires.csv'));
		assert.equal(await verifyOutputs(out, sample.expected), 'no ordinary list was written');
	});

	test("the same-work floor's lists hold the generator's figures, every merged column and the workflow's added ones, also with long HTML descriptions", async () => {
		for (const htmlDescriptions of [false, true]) {
			const month = join(dir, `same-work-${htmlDescriptions}`);
			const sample = await generateSample({
				webRows: 600,
				seed: 11,
				outDir: month,
				formats: ['csv', 'parquet'],
				htmlDescriptions,
			});
			for (const format of ['csv', 'parquet']) {
				const out = join(month, `out-${format}`);
				mkdirSync(out);
				await runFloor(sameWorkScript(month, format, out));
				const instance = await DuckDBInstance.create(':memory:');
				const connection = await instance.connect();
				try {
					const read = (file: string) =>
						`read_csv(${quoteLiteral(join(out, file))}, header = true, all_varchar = true)`;
					const figures = async (sql: string) =>
						(await connection.runAndReadAll(sql)).getRowObjectsJson()[0];
					const revenue = await figures(
						`SELECT count(*)::INTEGER AS merged_rows, sum(CAST(revenue AS DECIMAL(38, 2)))::VARCHAR AS revenue_total FROM ${read('rapport_ca.csv')}`,
					);
					const [top] = (
						await connection.runAndReadAll(
							`SELECT sku, revenue FROM ${read('rapport_ca.csv')} LIMIT 1`,
						)
					).getRowObjectsJson();
					const lists = await figures(
						`SELECT (SELECT count(*) FROM ${read('vins_premium.csv')})::INTEGER AS premium_count, (SELECT count(*) FROM ${read('vins_ordinaires.csv')})::INTEGER AS ordinary_count`,
					);
					const { expected } = sample;
					const label = `${format}${htmlDescriptions ? ', HTML' : ''}`;
					assert.deepEqual(
						{ ...revenue, ...lists, top_product: top },
						{
							merged_rows: expected.merged_rows,
							revenue_total: expected.revenue_total,
							premium_count: expected.premium_count,
							ordinary_count: expected.ordinary_count,
							top_product: expected.top_product,
						},
						label,
					);
					const columns = (
						await connection.runAndReadAll(`DESCRIBE FROM ${read('vins_premium.csv')}`)
					)
						.getRows()
						.map((row) => String(row[0]));
					const merged = [
						...ERP_COLUMNS,
						...LIAISON_COLUMNS.filter((c) => c !== 'product_id'),
						...WEB_COLUMNS,
					];
					assert.deepEqual(
						columns,
						[...merged, 'revenue', 'revenue_share', 'cumulative_share', 'premium_score'],
						label,
					);
					if (htmlDescriptions) {
						const longest = await figures(
							`SELECT max(length(post_content))::INTEGER AS chars FROM ${read('rapport_ca.csv')}`,
						);
						assert.ok(
							Number(longest.chars) >= 500,
							`${label}: HTML descriptions kept whole (${longest.chars} characters)`,
						);
					}
				} finally {
					connection.closeSync();
					instance.closeSync();
				}
			}
		}
	});
});

describe('the benchmark report', () => {
	const machine = 'test machine';
	const record = (
		variant: Variant,
		format: Format,
		web_rows: number,
		median_ms: number,
		extra: Partial<BenchRecord> = {},
	): BenchRecord => {
		const rep = {
			status: 'ok' as const,
			executionMs: median_ms,
			commandMs: median_ms + 3000,
			peakRssMb: extra.peak_rss_mb ?? 700,
		};
		return {
			kind: 'run',
			variant,
			format,
			web_rows,
			html: false,
			median_ms,
			peak_rss_mb: 700,
			status: 'ok',
			machine,
			ran: true,
			command_ms: rep.commandMs,
			reps: [rep, rep, rep],
			...extra,
		};
	};
	const timeout: BenchRecord = {
		kind: 'run',
		variant: 'vanilla',
		format: 'csv',
		web_rows: 100000,
		html: false,
		median_ms: null,
		peak_rss_mb: null,
		status: 'timeout',
		machine,
		ran: true,
		note: 'stopped after 10 minutes',
		reps: [],
	};
	const records: BenchRecord[] = [
		record('table', 'csv', 1513, 2000),
		record('before', 'csv', 1513, 4000),
		record('vanilla', 'csv', 1513, 3000),
		record('duckdb-same', 'csv', 1513, 200),
		record('duckdb', 'csv', 1513, 100),
		record('table', 'csv', 1513, 6000, { html: true }),
		record('before', 'csv', 1513, 9000, { html: true }),
		record('table', 'xlsx', 1513, 800),
		record('before', 'xlsx', 1513, 2400),
		record('vanilla', 'xlsx', 1513, 2000),
		record('table', 'csv', 100000, 10000),
		record('before', 'csv', 100000, 20000),
		timeout,
		record('duckdb-same', 'csv', 100000, 1000),
		record('duckdb', 'csv', 100000, 500),
		record('table', 'csv', 1000000, 12000, { peak_rss_mb: 1500 }),
		record('before', 'csv', 1000000, 40000, { peak_rss_mb: 3100 }),
		record('duckdb-same', 'csv', 1000000, 10000),
		{ ...record('table', 'xlsx', 1513, 7000), kind: 'report', command_ms: 7000 },
		{ ...record('before', 'xlsx', 1513, 14000), kind: 'report', command_ms: 14000 },
	];
	const settings: BenchSettings = {
		scales: [1513, 100000, 1000000],
		formats: ['csv', 'xlsx'],
		variants: ['table', 'before', 'vanilla', 'duckdb-same', 'duckdb'],
		reps: 3,
		repsLarge: 1,
		rowsMax: 100000,
		vanillaMax: Infinity,
		html: [1513],
		capMinutes: 10,
		cellMinutes: 3,
		queueRuns: 30,
		queueInFlight: 8,
		before: {
			ref: '7b7e756',
			commit: '7b7e756b2ba92329d346c668ff9c375bf2a66fed',
			subject: 'Review: one DESCRIBE helper',
		},
	};

	test('tables with the ratios, the HTML months apart, the warm report, and a chart with a line per variant', () => {
		const out = join(dir, 'report');
		writeReports(out, records, settings);
		assert.deepEqual(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')), records);
		const md = readFileSync(join(out, 'latest.md'), 'utf8');
		assert.match(md, /Machine: test machine\./);
		assert.match(
			md,
			/\*\*before\*\* is the shipped workflow in Table mode with the package as it was at `7b7e756` \(7b7e756, "Review: one DESCRIBE helper"\)/,
		);
		assert.match(
			md,
			/\| web rows \| ours, Table mode \| before, Table mode \| built-in n8n nodes \| DuckDB, same work \| DuckDB, 7 columns \| built-in \/ ours \| before \/ ours \| ours \/ DuckDB same work \| ours \/ DuckDB 7 columns \|/,
		);
		assert.match(
			md,
			/\| 1,513 \(real month\) \| 2\.00 s · 700 MB \| 4\.00 s · 700 MB \| 3\.00 s · 700 MB \| 0\.20 s · 700 MB \| 0\.10 s · 700 MB \| 1\.5× \| 2\.0× \| 10\.0× \| 20\.0× \|/,
		);
		assert.match(
			md,
			/\| 100,000 \| 10\.0 s · 700 MB \| 20\.0 s · 700 MB \| \*\*timeout\*\* \[1\] \| 1\.00 s · 700 MB \| 0\.50 s · 700 MB \| timeout \| 2\.0× \| 10\.0× \| 20\.0× \|/,
		);
		// From 1M rows a cell has one run, and says nothing about it.
		assert.match(
			md,
			/\| 1,000,000 \| 12\.0 s · 1500 MB \| 40\.0 s · 3100 MB \| – \| 10\.0 s · 700 MB \| – \|/,
		);
		assert.match(
			md,
			/## csv input, long HTML descriptions\n\n.*\n.*\n\| 1,513 \(real month\) \| 6\.00 s · 700 MB \| 9\.00 s · 700 MB \| – \|/,
		);
		assert.match(md, /1\. stopped after 10 minutes/);
		assert.match(
			md,
			/## Warm `npm run report`[^\n]*\n(.*\n)*\| ours, Table mode \| 7\.00 s · 700 MB \|\n\| before, Table mode \| 14\.0 s · 700 MB \|/,
		);
		const svg = readFileSync(join(out, 'chart.svg'), 'utf8');
		assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		// csv: table, before and duckdb-same have three plain sizes, duckdb two; vanilla one, and its timeout is a cross.
		// xlsx: one size each. The HTML months and the report are not drawn.
		assert.equal(svg.match(/<polyline/g)?.length, 4);
		assert.equal(svg.match(/<path d="M/g)?.length, 1);
		for (const label of ['before, Table mode', 'DuckDB, same work', 'DuckDB, 7 columns'])
			assert.ok(svg.includes(`>${label}</text>`), label);
	});

	test('queue mode: executions per minute with one worker and two, their ratio, CPU per execution and the cores busy', () => {
		const load = (
			workers: number,
			wallMs: number,
			workerCpu: number[],
			oneCoreEach = false,
		): BenchRecord => ({
			...record('table', 'xlsx', 1513, 4000),
			kind: 'queue',
			queue: {
				month: 'the real BottleNeck month (xlsx)',
				workers,
				one_core_each: oneCoreEach,
				runs: 30,
				in_flight: 8,
				status: 'ok',
				wall_ms: wallMs,
				per_minute: Math.round((30 / wallMs) * 600_000) / 10,
				median_latency_ms: 4000,
				machine_busy: workers === 1 ? 0.62 : 0.97,
				groups: [
					{ name: 'main', cpu_s: 15, peak_rss_mb: 400 },
					...workerCpu.map((cpu_s, i) => ({
						name: `worker ${i + 1}`,
						cpu_s,
						peak_rss_mb: 500 + i,
					})),
				],
			},
		});
		const out = join(dir, 'queue-report');
		writeReports(
			out,
			[
				load(1, 60_000, [60]),
				load(2, 40_000, [33, 30]),
				load(1, 90_000, [45], true),
				load(2, 50_000, [24, 24], true),
			],
			settings,
		);
		const md = readFileSync(join(out, 'latest.md'), 'utf8');
		assert.match(md, /## Queue mode: executions per minute of the real BottleNeck month \(xlsx\)/);
		assert.match(md, /\| 1 \| 30\.0 \| 4\.00 s \| 62 % \| 2\.00 s \| 0\.50 s \| 500 MB \|/);
		assert.match(
			md,
			/\| 2 \| 45\.0 \| 4\.00 s \| 97 % \| 2\.10 s \| 0\.50 s \| 500 MB \+ 501 MB \|/,
		);
		assert.match(
			md,
			/\| 2, one core each \| 36\.0 \| 4\.00 s \| 97 % \| 1\.60 s \| 0\.50 s \| 500 MB \+ 501 MB \|/,
		);
		assert.match(md, /2 workers \/ 1 worker: \*\*1\.50×\*\*/);
		assert.match(md, /2 workers \/ 1 worker, one core each: \*\*1\.80×\*\*/);
	});

	test("before → after: each target from this run's records, before and after, their ratio, and whether it is met", () => {
		const out = join(dir, 'targets');
		writeReports(out, records, settings);
		const md = readFileSync(join(out, 'latest.md'), 'utf8');
		const row = (what: string) => md.split('\n').find((line) => line.startsWith(`| ${what} |`));
		assert.match(
			md,
			/## Before → after, in this run\n\n.*met compares after with the goal.*\n\n\| target \| goal \| before \(7b7e756\) \| after \| after \/ before \| met \|/,
		);
		assert.equal(
			row('Real month (1,513 web rows), xlsx: execution'),
			'| Real month (1,513 web rows), xlsx: execution | < 1.0 s | 2.40 s | 0.80 s | 0.33× | met |',
		);
		assert.equal(
			row('Real month, xlsx: built-in nodes / ours'),
			'| Real month, xlsx: built-in nodes / ours | ≥ 2× | 0.83× | 2.50× | 3.00× | met |',
		);
		assert.equal(
			row('Warm `npm run report` (real month), whole command'),
			'| Warm `npm run report` (real month), whole command | < 10 s | 14.0 s | 7.00 s | 0.50× | met |',
		);
		assert.equal(
			row('100k web rows, csv: execution'),
			'| 100k web rows, csv: execution | ≤ 2.5 s | 20.0 s | 10.0 s | 0.50× | **not met** |',
		);
		assert.equal(
			row('100k, csv: ours / DuckDB same work'),
			'| 100k, csv: ours / DuckDB same work | – | 20.00× | 10.00× | 0.50× | – |',
		);
		assert.equal(
			row('1M, csv: ours / DuckDB same work'),
			'| 1M, csv: ours / DuckDB same work | ≤ 1.5× | 4.00× | 1.20× | 0.30× | met |',
		);
		assert.equal(
			row('1M, csv: peak memory'),
			'| 1M, csv: peak memory | < 2 GB | 3100 MB | 1500 MB | 0.48× | met |',
		);
		// Nothing measured: no figure, no verdict.
		assert.equal(
			row('1M, parquet: ours / DuckDB same work'),
			'| 1M, parquet: ours / DuckDB same work | ≤ 1.5× | – | – | – | – |',
		);
		assert.equal(
			row('1M: xlsx / csv execution'),
			'| 1M: xlsx / csv execution | ≤ 2× | – | – | – | – |',
		);
		assert.equal(TARGETS.filter((t) => t.goal).length, 9);
	});
});
