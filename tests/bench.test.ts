/**
 * The benchmark's own parts, without n8n: the measurement of a process group, the DuckDB
 * floor and the check that a run's files hold the month's figures, and the report it writes.
 * (tests/e2e/bench.test.ts runs the whole benchmark, small, in the real n8n.)
 */
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { floorScript } from '../bench/duckdb-floor';
import { measure } from '../bench/measure';
import { writeReports } from '../bench/report';
import type { BenchRecord } from '../bench/report';
import { verifyOutputs } from '../bench/verify';
import { generateSample } from '../scripts/sample-data/generator';

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
		const child = "const b = Buffer.alloc(300 * 2 ** 20, 1); setTimeout(() => b.length, 1500)";
		const parent = `const { spawnSync } = require('node:child_process'); const b = Buffer.alloc(50 * 2 ** 20, 1); spawnSync(process.execPath, ['-e', ${JSON.stringify(child)}]); b.length;`;
		const measured = await measure(process.execPath, ['-e', parent], { capMs: 60_000, stdoutFile: join(dir, 'm.out'), stderrFile: join(dir, 'm.err') });
		assert.equal(measured.exitCode, 0);
		assert.equal(measured.timedOut, false);
		assert.ok(measured.peakRssMb >= 340, `peak ${measured.peakRssMb} MB`);
	});

	test('a run past the cap is stopped with everything it started', async () => {
		const script = "require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); setInterval(() => {}, 1000);";
		const started = Date.now();
		const measured = await measure(process.execPath, ['-e', script], { capMs: 1500, stdoutFile: join(dir, 't.out'), stderrFile: join(dir, 't.err') });
		assert.equal(measured.timedOut, true);
		assert.ok(Date.now() - started < 20_000);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.deepEqual(processesInGroup(measured.pid), [], 'the sleep it started is still running');
	});
});

describe('the DuckDB floor and the check of a run', () => {
	test('the floor finds the month on csv and parquet; a list with a row missing is caught', async () => {
		const sample = await generateSample({ webRows: 400, seed: 7, outDir: join(dir, 'month'), formats: ['csv', 'parquet'] });
		for (const format of ['csv', 'parquet']) {
			const out = join(dir, `floor-${format}`);
			mkdirSync(out);
			const instance = await DuckDBInstance.create(':memory:');
			const connection = await instance.connect();
			await connection.run(floorScript(join(dir, 'month'), format, out));
			connection.closeSync();
			instance.closeSync();
			assert.equal(await verifyOutputs(out, sample.expected), undefined, format);
		}
		const out = join(dir, 'floor-csv');
		const premium = readFileSync(join(out, 'vins_premium.csv'), 'utf8').trim().split('\n');
		writeFileSync(join(out, 'vins_premium.csv'), `${premium.slice(0, -1).join('\n')}\n`);
		assert.match((await verifyOutputs(out, sample.expected))!, /wrong figures: .*"premium_count":\d+/);
		rmSync(join(out, 'vins_ordinaires.csv'));
		assert.equal(await verifyOutputs(out, sample.expected), 'no ordinary list was written');
	});
});

describe('the benchmark report', () => {
	const machine = 'test machine';
	const ok = (variant: BenchRecord['variant'], web_rows: number, median_ms: number): BenchRecord => {
		const rep = { status: 'ok' as const, executionMs: median_ms, commandMs: median_ms + 3000, peakRssMb: 700 };
		return { variant, format: 'csv', web_rows, median_ms, peak_rss_mb: 700, status: 'ok', machine, ran: true, command_ms: rep.commandMs, reps: [rep, rep, rep] };
	};
	const records: BenchRecord[] = [
		ok('table', 1000, 2000),
		ok('vanilla', 1000, 3000),
		ok('duckdb', 1000, 100),
		ok('table', 100000, 10000),
		{ variant: 'vanilla', format: 'csv', web_rows: 100000, median_ms: null, peak_rss_mb: null, status: 'timeout', machine, ran: true, note: 'stopped after 10 minutes', reps: [] },
		ok('duckdb', 100000, 500),
	];

	test('tables with both ratios, runs that did not finish, and a chart with a line per variant', () => {
		const out = join(dir, 'report');
		writeReports(out, records, { scales: [1000, 100000], formats: ['csv'], variants: ['table', 'vanilla', 'duckdb'], reps: 3, capMinutes: 10, cellMinutes: 3 });
		assert.deepEqual(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')), records);
		const md = readFileSync(join(out, 'latest.md'), 'utf8');
		assert.match(md, /Machine: test machine\./);
		assert.match(md, /\| 1,000 \| 2\.00 s · 700 MB \| – \| 3\.00 s · 700 MB \| 0\.10 s · 700 MB \| 1\.5× \| 20\.0× \|/);
		assert.match(md, /\| 100,000 \| 10\.0 s · 700 MB \| – \| \*\*timeout\*\* \[1\] \| 0\.50 s · 700 MB \| timeout \| 20\.0× \|/);
		assert.match(md, /1\. stopped after 10 minutes/);
		const svg = readFileSync(join(out, 'chart.svg'), 'utf8');
		assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		// table and duckdb have two finished sizes each; vanilla one, and its timeout is drawn as a cross.
		assert.equal(svg.match(/<polyline/g)?.length, 2);
		assert.equal(svg.match(/<path d="M/g)?.length, 1);
	});
});
