/**
 * `npm run bench`, small: every variant on every format once, in the real n8n, so the
 * benchmark and the built-in-nodes baseline workflow keep working. The numbers are not
 * checked (the machines are noisy); what each run found is.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
	test('ours (Table and Rows), the built-in-nodes baseline and raw DuckDB all find the month; what cannot run says why', { timeout: 15 * 60_000 }, () => {
		execFileSync('npm', ['run', '--silent', 'bench', '--', '--scales', '300', '--reps', '1', '--cap-minutes', '5', '--work', work, '--out', out], {
			cwd: ROOT,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		const records = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchRecord[];
		const status = Object.fromEntries(records.map((r) => [`${r.variant}/${r.format}`, r.status]));
		assert.deepEqual(status, {
			'table/csv': 'ok', 'rows/csv': 'ok', 'vanilla/csv': 'ok', 'duckdb/csv': 'ok',
			'table/parquet': 'ok', 'rows/parquet': 'ok', 'vanilla/parquet': 'failed', 'duckdb/parquet': 'ok',
			'table/xlsx': 'ok', 'rows/xlsx': 'ok', 'vanilla/xlsx': 'ok', 'duckdb/xlsx': 'failed',
		}, JSON.stringify(records.filter((r) => r.status !== 'ok' && r.ran), null, 2));
		for (const record of records.filter((r) => r.status === 'ok')) {
			assert.ok(record.median_ms! > 0 && record.peak_rss_mb! > 0, `${record.variant}/${record.format}`);
			assert.equal(record.web_rows, 300);
		}
		for (const record of records.filter((r) => r.status !== 'ok')) {
			assert.equal(record.ran, false);
			assert.match(record.note!, /Parquet reader|excel extension/);
		}
		// Our Table-mode runs say where their time went, node by node.
		const table = records.find((r) => r.variant === 'table' && r.format === 'parquet')!;
		assert.ok(table.reps![0].phases?.['Revenue']?.reportMs !== undefined);
		const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
		assert.match(markdown, /\| 300 \| .* MB \| .* MB \| .* MB \| .* MB \| \d+\.\d× \| \d+\.\d× \|/);
		assert.match(markdown, /## Where the time goes/);
		assert.ok(existsSync(join(out, 'chart.svg')));
	});
});
