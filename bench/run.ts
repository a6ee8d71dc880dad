/**
 * `npm run bench -- [--scales 1000,10000,100000,1000000] [--formats csv,parquet,xlsx]
 *                   [--variants table,rows,vanilla,duckdb] [--reps 3] [--cap-minutes 10] [--cell-minutes 3]`
 *
 * Generated BottleNeck-shaped months at each scale, computed four ways in the same run: the
 * shipped workflow in Table mode, the same in Rows mode, the built-in-nodes baseline
 * (bench/workflows/vanilla-monthly-report.json) — all in the real n8n of the e2e tests — and
 * one plain DuckDB script outside n8n. Writes bench/results/latest.{json,md} and chart.svg,
 * plus a dated copy of the records. Not a test: the numbers depend on the machine.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { ensureN8n, N8nInstance, packPackage, ROOT } from '../scripts/n8n/instance';
import { generateSample } from '../scripts/sample-data/generator';
import type { ExpectedFigures } from '../scripts/sample-data/generator';
import { machineSummary, writeReports } from './report';
import type { BenchRecord } from './report';
import { benchWorkflow, FORMATS, runOnce, unsupported, VARIANTS } from './variants';
import type { Format, RunOutcome } from './variants';
import { verifyOutputs } from './verify';

const SEED = 42;
/** Rows of an Excel sheet, header excluded. */
const XLSX_MAX_DATA_ROWS = 1_048_575;

function list<T extends string>(text: string, allowed: readonly T[], name: string): T[] {
	const values = text.split(',').map((value) => value.trim()).filter(Boolean);
	const wrong = values.filter((value) => !allowed.includes(value as T));
	if (wrong.length) throw new Error(`--${name}: unknown ${wrong.join(', ')} (use ${allowed.join(', ')})`);
	return values as T[];
}

/** One folder per scale and format with erp, liaison, web and expected.json, generated once and kept in the cache. */
async function inputFolder(cache: string, webRows: number, format: Format): Promise<{ folder: string; expected: ExpectedFigures }> {
	const month = join(cache, 'bench-data', `web-${webRows}-seed${SEED}`);
	const needed = ['erp', 'liaison', 'web'].map((name) => join(month, `${name}.${format}`));
	if (!existsSync(join(month, 'expected.json')) || !needed.every(existsSync)) {
		console.log(`[bench] generating ${webRows.toLocaleString('en')} web rows (${format}) in ${month}`);
		await generateSample({ webRows, seed: SEED, outDir: month, formats: ['csv', 'parquet', 'xlsx'] });
	}
	// The load node takes every export it finds in a folder, so each format gets a folder of its own (hard links, no copies).
	const folder = join(month, format);
	mkdirSync(folder, { recursive: true });
	for (const file of [...needed, join(month, 'expected.json')]) {
		const link = join(folder, file.slice(month.length + 1));
		rmSync(link, { force: true });
		linkSync(file, link);
	}
	return { folder, expected: JSON.parse(readFileSync(join(month, 'expected.json'), 'utf8')) };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
	const { values } = parseArgs({
		options: {
			scales: { type: 'string', default: '1000,10000,100000,1000000' },
			formats: { type: 'string', default: FORMATS.join(',') },
			variants: { type: 'string', default: VARIANTS.join(',') },
			reps: { type: 'string', default: '3' },
			'cap-minutes': { type: 'string', default: '10' },
			'cell-minutes': { type: 'string', default: '3' },
			out: { type: 'string', default: join(ROOT, 'bench/results') },
			/** n8n's user folder, run outputs and logs; in the cache by default. */
			work: { type: 'string' },
		},
	});
	const scales = values.scales!.split(',').map(Number).sort((a, b) => a - b);
	if (scales.some((n) => !Number.isInteger(n) || n < 20)) throw new Error('--scales: whole numbers of web rows, at least 20');
	const formats = list(values.formats!, FORMATS, 'formats');
	const variants = list(values.variants!, VARIANTS, 'variants');
	const reps = Number(values.reps);
	const capMs = Number(values['cap-minutes']) * 60_000;
	// Slow cells stop repeating once they have used this much time (after at least one run).
	const cellBudgetMs = Number(values['cell-minutes']) * 60_000;

	const { cache } = ensureN8n();
	const work = resolve(values.work ?? join(cache, 'bench-work'));
	const output = join(work, 'out');
	const logs = join(work, 'logs');
	const scratch = join(work, 'tmp');
	for (const folder of [output, logs, scratch]) {
		rmSync(folder, { recursive: true, force: true });
		mkdirSync(folder, { recursive: true });
	}
	const n8n = new N8nInstance(join(work, 'home'), { allowedFolders: [join(cache, 'bench-data'), output], port: 5730, brokerPort: 5731, tmpDir: scratch });
	n8n.installPackage(packPackage(cache));
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host: '127.0.0.1', port: 25, secure: false, disableStartTls: true, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: randomBytes(16).toString('hex') } },
	]);
	const machine = machineSummary(n8n);
	console.log(`[bench] ${machine}`);

	const records: BenchRecord[] = [];
	// A variant that timed out or failed on a format is not run again at a larger scale.
	const stoppedAt = new Map<string, { webRows: number; status: RunOutcome['status'] }>();
	for (const webRows of scales) {
		for (const format of formats) {
			if (format === 'xlsx' && webRows > XLSX_MAX_DATA_ROWS) continue;
			const { folder, expected } = await inputFolder(cache, webRows, format);
			for (const variant of variants) {
				const record: BenchRecord = { variant, format, web_rows: webRows, median_ms: null, peak_rss_mb: null, status: 'ok', machine, ran: true, reps: [] };
				records.push(record);
				const reason = unsupported(variant, format);
				const earlier = stoppedAt.get(`${variant}/${format}`);
				if (reason || earlier) {
					record.status = earlier?.status ?? 'failed';
					record.ran = false;
					record.note = reason ?? `not run: ${earlier!.status} at ${earlier!.webRows.toLocaleString('en')} web rows`;
					console.log(`[bench] ${variant} ${format} ${webRows}: ${record.status} (${record.note})`);
				} else {
					if (variant !== 'duckdb') n8n.importWorkflow(benchWorkflow(variant, format, folder, output));
					let cellMs = 0;
					for (let rep = 1; rep <= reps && cellMs < cellBudgetMs; rep++) {
						rmSync(output, { recursive: true, force: true });
						mkdirSync(output, { recursive: true });
						const logPrefix = join(logs, `${variant}-${format}-${webRows}-${rep}`);
						const outcome = await runOnce(n8n, { variant, format, input: folder, output, capMs, logPrefix });
						if (outcome.status === 'ok') {
							const wrong = await verifyOutputs(output, expected);
							if (wrong) Object.assign(outcome, { status: 'failed', note: wrong });
						}
						record.reps!.push(outcome);
						cellMs += outcome.commandMs;
						console.log(
							`[bench] ${variant} ${format} ${webRows} rep ${rep}: ${outcome.status}` +
								` execution ${outcome.executionMs ?? '-'} ms, command ${Math.round(outcome.commandMs)} ms, peak ${outcome.peakRssMb} MB${outcome.note ? ` — ${outcome.note}` : ''}`,
						);
						if (outcome.status !== 'ok') {
							record.status = outcome.status;
							record.note = outcome.note ?? (outcome.status === 'timeout' ? `stopped after ${values['cap-minutes']} minutes` : undefined);
							stoppedAt.set(`${variant}/${format}`, { webRows, status: outcome.status });
							break;
						}
					}
					if (record.status === 'ok') {
						const reps = record.reps!;
						record.median_ms = Math.round(median(reps.map((r) => r.executionMs!)));
						record.command_ms = Math.round(median(reps.map((r) => r.commandMs)));
						record.peak_rss_mb = Math.round(median(reps.map((r) => r.peakRssMb)));
					}
				}
				writeReports(values.out!, records, { scales, formats, variants, reps, capMinutes: Number(values['cap-minutes']), cellMinutes: Number(values['cell-minutes']) });
			}
		}
	}
	const out = resolve(values.out!);
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	mkdirSync(join(out, 'runs'), { recursive: true });
	copyFileSync(join(out, 'latest.json'), join(out, 'runs', `${stamp}.json`));
	console.log(readFileSync(join(out, 'latest.md'), 'utf8'));
	console.log(`[bench] records: ${join(out, 'latest.json')}; logs of every run: ${logs}`);
}

main().catch((error) => {
	console.error(`[bench] ${(error as Error).stack ?? error}`);
	process.exit(1);
});
