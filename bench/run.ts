/**
 * `npm run bench -- [--scales 1513,10000,100000,1000000] [--html 1513] [--formats csv,parquet,xlsx]
 *                   [--variants table,before,rows,vanilla,duckdb-same,duckdb] [--before-ref 7b7e756]
 *                   [--reps 3] [--reps-large 1] [--rows-max 100000] [--vanilla-max N] [--report]
 *                   [--cap-minutes 10] [--cell-minutes 3] [--queue-runs 30] [--queue-in-flight 8] [--out DIR]`
 *
 * Generated BottleNeck-shaped months at each scale (1,513 web rows is the real month's size;
 * --html adds months whose web export carries long HTML descriptions), computed in the same
 * run by: the shipped workflow in Table mode (ours), the same at --before-ref with that ref's
 * package (before), ours in Rows mode, the built-in-nodes baseline
 * (bench/workflows/vanilla-monthly-report.json) — all in the real n8n of the e2e tests — and
 * two plain DuckDB scripts outside n8n (the same work, and the least work). --report also times
 * the whole warm `npm run report`, now and at the before ref; --queue-runs (0: skip) the real
 * month's executions per minute in queue mode with one worker and two (bench/throughput.ts). Writes
 * bench/results/latest.{json,md} and chart.svg, plus a dated copy of the records. Not a test:
 * the numbers depend on the machine.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
	ensureN8n,
	historyCredential,
	N8nInstance,
	packPackage,
	ROOT,
} from '../scripts/n8n/instance';
import { generateSample } from '../scripts/sample-data/generator';
import type { ExpectedFigures } from '../scripts/sample-data/generator';
import { beforeCache, buildBefore, removeBefore } from './before';
import type { BeforeBuild } from './before';
import { machineSummary, repsFor, writeReports } from './report';
import type { BenchRecord, BenchSettings } from './report';
import { REAL_MONTH } from './targets';
import {
	benchWorkflow,
	FORMATS,
	isFloor,
	reportOnce,
	runOnce,
	unsupported,
	VARIANTS,
} from './variants';
import type { Format, RunOutcome, Variant } from './variants';
import { verifyOutputs } from './verify';
import { median } from './measure';
import { measureThroughput } from './throughput';
import type { Month } from './throughput';
import { queueModeMissing } from '../scripts/n8n/queue';
import { BOTTLENECK_DIR, EXPORTS, REFERENCE, SKIP_BOTTLENECK } from '../tests/helpers/bottleneck';

const SEED = 42;
/** Rows of an Excel sheet, header excluded. */
const XLSX_MAX_DATA_ROWS = 1_048_575;
/** The last landed commit before the engine work. */
const DEFAULT_BEFORE_REF = '7b7e756';

function list<T extends string>(text: string, allowed: readonly T[], name: string): T[] {
	const values = text
		.split(',')
		.map((value) => value.trim())
		.filter(Boolean);
	const wrong = values.filter((value) => !allowed.includes(value as T));
	if (wrong.length)
		throw new Error(`--${name}: unknown ${wrong.join(', ')} (use ${allowed.join(', ')})`);
	return values as T[];
}

function webRowsList(text: string, name: string): number[] {
	const values = text
		.split(',')
		.map((value) => value.trim())
		.filter(Boolean)
		.map(Number)
		.sort((a, b) => a - b);
	if (values.some((n) => !Number.isInteger(n) || n < 20))
		throw new Error(`--${name}: whole numbers of web rows, at least 20`);
	return values;
}

function count(text: string, name: string, least: number): number {
	const value = Number(text);
	if (!Number.isInteger(value) || value < least)
		throw new Error(`--${name}: a whole number, at least ${least}`);
	return value;
}

/** One folder per month and format with erp, liaison, web and expected.json, generated once and kept in the cache. */
async function inputFolder(
	cache: string,
	webRows: number,
	html: boolean,
	format: Format,
): Promise<{ folder: string; expected: ExpectedFigures }> {
	const month = join(cache, 'bench-data', `web-${webRows}-seed${SEED}${html ? '-html' : ''}`);
	const needed = ['erp', 'liaison', 'web'].map((name) => join(month, `${name}.${format}`));
	if (!existsSync(join(month, 'expected.json')) || !needed.every(existsSync)) {
		console.log(
			`[bench] generating ${webRows.toLocaleString('en')} web rows${html ? ' with HTML descriptions' : ''} (${format}) in ${month}`,
		);
		await generateSample({
			webRows,
			seed: SEED,
			outDir: month,
			formats: ['csv', 'parquet', 'xlsx'],
			htmlDescriptions: html,
		});
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

/** The month the throughput loads upload: the real BottleNeck exports when ../shared is there, else the generated month of the same size. */
async function realMonth(cache: string): Promise<{ month: Month; folder: string }> {
	const { folder, expected } = await inputFolder(cache, REAL_MONTH, false, 'xlsx');
	if (SKIP_BOTTLENECK)
		return {
			folder,
			month: {
				label: `the generated ${REAL_MONTH.toLocaleString('en')}-row month (xlsx; ../shared/bottleneck absent)`,
				expected,
				files: Object.fromEntries(EXPORTS.map((name) => [name, join(folder, `${name}.xlsx`)])),
			},
		};
	return {
		folder,
		month: {
			label: 'the real BottleNeck month (xlsx)',
			expected: REFERENCE,
			files: Object.fromEntries(
				EXPORTS.map((name) => [name, join(BOTTLENECK_DIR, `${name}.xlsx`)]),
			),
		},
	};
}

function addRep(record: BenchRecord, outcome: RunOutcome, capMinutes: number): boolean {
	record.reps!.push(outcome);
	if (outcome.status === 'ok') return true;
	record.status = outcome.status;
	record.note =
		outcome.note ??
		(outcome.status === 'timeout' ? `stopped after ${capMinutes} minutes` : undefined);
	return false;
}

function settle(record: BenchRecord): void {
	if (record.status !== 'ok') return;
	const reps = record.reps!;
	record.command_ms = Math.round(median(reps.map((r) => r.commandMs)));
	record.median_ms =
		record.kind === 'report'
			? record.command_ms
			: Math.round(median(reps.map((r) => r.executionMs!)));
	record.peak_rss_mb = Math.round(median(reps.map((r) => r.peakRssMb)));
}

function describe(label: string, outcome: RunOutcome): string {
	return `[bench] ${label}: ${outcome.status} execution ${outcome.executionMs ?? '-'} ms, command ${Math.round(outcome.commandMs)} ms, peak ${outcome.peakRssMb} MB${outcome.note ? ` — ${outcome.note}` : ''}`;
}

async function main() {
	const { values } = parseArgs({
		options: {
			scales: { type: 'string', default: `${REAL_MONTH},10000,100000,1000000` },
			/** Scales that also get a month with long HTML descriptions in the web export. */
			html: { type: 'string', default: '' },
			formats: { type: 'string', default: FORMATS.join(',') },
			variants: { type: 'string', default: VARIANTS.join(',') },
			'before-ref': { type: 'string', default: DEFAULT_BEFORE_REF },
			reps: { type: 'string', default: '3' },
			'reps-large': { type: 'string', default: '1' },
			'rows-max': { type: 'string', default: '100000' },
			'vanilla-max': { type: 'string' },
			/** Also time the whole warm `npm run report` on the real month, now and at the before ref. */
			report: { type: 'boolean', default: false },
			'cap-minutes': { type: 'string', default: '10' },
			'cell-minutes': { type: 'string', default: '3' },
			/** Queue-mode throughput: uploads per load (0: skip) and how many wait for their answer at once. */
			'queue-runs': { type: 'string', default: '30' },
			'queue-in-flight': { type: 'string', default: '8' },
			out: { type: 'string', default: join(ROOT, 'bench/results') },
			/** n8n's user folders, run outputs and logs; in the cache by default. */
			work: { type: 'string' },
		},
	});
	const scales = webRowsList(values.scales!, 'scales');
	const htmlScales = webRowsList(values.html!, 'html');
	const formats = list(values.formats!, FORMATS, 'formats');
	const variants = list(values.variants!, VARIANTS, 'variants');
	const settings: BenchSettings = {
		scales,
		formats,
		variants,
		reps: count(values.reps!, 'reps', 1),
		repsLarge: count(values['reps-large']!, 'reps-large', 1),
		rowsMax: count(values['rows-max']!, 'rows-max', 0),
		vanillaMax:
			values['vanilla-max'] === undefined
				? Infinity
				: count(values['vanilla-max'], 'vanilla-max', 0),
		html: htmlScales,
		capMinutes: Number(values['cap-minutes']),
		cellMinutes: Number(values['cell-minutes']),
		queueRuns: count(values['queue-runs']!, 'queue-runs', 0),
		queueInFlight: count(values['queue-in-flight']!, 'queue-in-flight', 1),
	};
	const capMs = settings.capMinutes * 60_000;
	// Slow cells stop repeating once they have used this much time (after at least one run).
	const cellBudgetMs = settings.cellMinutes * 60_000;

	const paths = ensureN8n();
	const { cache } = paths;
	const work = resolve(values.work ?? join(cache, 'bench-work'));
	const output = join(work, 'out');
	const logs = join(work, 'logs');
	const scratch = join(work, 'tmp');
	// The shipped workflow compares each run with the history and records it: a fresh history per bench run.
	const history = join(work, 'history');
	for (const folder of [output, logs, scratch, history]) {
		rmSync(folder, { recursive: true, force: true });
		mkdirSync(folder, { recursive: true });
	}
	const credentials = [
		{
			id: 'salesSmtp',
			name: 'Sales report SMTP',
			type: 'smtp',
			data: {
				host: '127.0.0.1',
				port: 25,
				secure: false,
				disableStartTls: true,
				user: '',
				password: '',
			},
		},
		{
			id: 'salesWebhookAuth',
			name: 'Sales report webhook token',
			type: 'httpHeaderAuth',
			data: { name: 'X-Report-Token', value: randomBytes(16).toString('hex') },
		},
		historyCredential({ file: join(history, 'sales-history.duckdb') }),
	];
	const allowedFolders = [join(cache, 'bench-data'), output, history];
	const n8n = new N8nInstance(join(work, 'home'), {
		allowedFolders,
		port: 5730,
		brokerPort: 5731,
		tmpDir: scratch,
	});
	n8n.installPackage(packPackage(cache));
	n8n.importCredentials(credentials);
	const machine = machineSummary(n8n);
	console.log(`[bench] ${machine}`);

	// Stopped from outside, the run still removes the old ref's tree: exit runs the clean-up below.
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => process.exit(130));
	const build: BeforeBuild | undefined = variants.includes('before')
		? buildBefore(values['before-ref']!, join(work, 'before-pack'))
		: undefined;
	const cleanUp = () => {
		if (build) removeBefore(build.root);
	};
	process.once('exit', cleanUp);
	try {
		let before: { build: BeforeBuild; n8n: N8nInstance } | undefined;
		if (build) {
			// A user folder of its own, so the old package and the current one are never installed side by side.
			const old = new N8nInstance(join(work, 'before-home'), {
				allowedFolders,
				port: 5732,
				brokerPort: 5733,
				tmpDir: scratch,
			});
			old.installPackage(build.tarball);
			old.importCredentials(credentials);
			before = { build, n8n: old };
			settings.before = { ref: build.ref, commit: build.commit, subject: build.subject };
		}
		const instanceOf = (variant: Variant) => (variant === 'before' ? before!.n8n : n8n);
		const records: BenchRecord[] = [];
		const save = () => writeReports(values.out!, records, settings);

		if (values.report) {
			const { folder, expected } = await inputFolder(cache, REAL_MONTH, false, 'xlsx');
			for (const variant of (['table', 'before'] as const).filter((v) => variants.includes(v))) {
				const record: BenchRecord = {
					kind: 'report',
					variant,
					format: 'xlsx',
					web_rows: REAL_MONTH,
					html: false,
					median_ms: null,
					peak_rss_mb: null,
					status: 'ok',
					machine,
					ran: true,
					reps: [],
				};
				records.push(record);
				// The old ref's scripts get a cache of their own: they would pack and install the old package into the shared one.
				const command =
					variant === 'table'
						? { cwd: ROOT, env: process.env }
						: {
								cwd: before!.build.root,
								env: {
									...process.env,
									SALES_ANALYTICS_CACHE: beforeCache(
										join(work, 'before-cache'),
										paths,
										join(before!.n8n.home, '.n8n', 'nodes'),
									),
								},
							};
				const request = {
					...command,
					input: folder,
					output: join(work, `report-${variant}`),
					expected,
					capMs,
				};
				// Warm: the first run may build, install and import; only the runs after it are timed.
				const warm = await reportOnce({
					...request,
					logPrefix: join(logs, `report-${variant}-warm`),
				});
				console.log(describe(`npm run report (${variant}) warm-up`, warm));
				if (!addRep(record, warm, settings.capMinutes)) {
					save();
					continue;
				}
				record.reps = [];
				for (let rep = 1; rep <= settings.reps; rep++) {
					const outcome = await reportOnce({
						...request,
						logPrefix: join(logs, `report-${variant}-${rep}`),
					});
					console.log(describe(`npm run report (${variant}) rep ${rep}`, outcome));
					if (!addRep(record, outcome, settings.capMinutes)) break;
				}
				settle(record);
				save();
			}
		}

		if (settings.queueRuns) {
			const missing = queueModeMissing();
			const { month, folder } = await realMonth(cache);
			const base = {
				kind: 'queue',
				variant: 'table',
				format: 'xlsx',
				web_rows: REAL_MONTH,
				html: false,
				machine,
				ran: !missing,
			} as const;
			if (missing) {
				records.push({
					...base,
					median_ms: null,
					peak_rss_mb: null,
					status: 'failed',
					note: `not run: ${missing}`,
				});
				console.log(`[bench] queue mode: ${missing}`);
			} else {
				const loads = await measureThroughput({
					basePort: 5800,
					month,
					inputFolder: folder,
					outputFolder: output,
					runs: settings.queueRuns,
					inFlight: settings.queueInFlight,
					log: (line) => console.log(`[bench] ${line}`),
				});
				for (const load of loads) {
					const workerPeak = Math.max(
						...load.groups
							.filter((group) => group.name.startsWith('worker'))
							.map((group) => group.peak_rss_mb),
					);
					records.push({
						...base,
						median_ms: load.median_latency_ms,
						peak_rss_mb: workerPeak,
						status: load.status,
						note: load.note,
						queue: load,
					});
				}
			}
			save();
		}

		// A variant that timed out or failed on a format is not run again at a larger scale.
		const stoppedAt = new Map<string, { webRows: number; status: RunOutcome['status'] }>();
		const months = [
			...scales.map((webRows) => ({ webRows, html: false })),
			...htmlScales.map((webRows) => ({ webRows, html: true })),
		].sort((a, b) => a.webRows - b.webRows || Number(a.html) - Number(b.html));
		for (const { webRows, html } of months) {
			for (const format of formats) {
				if (format === 'xlsx' && webRows > XLSX_MAX_DATA_ROWS) continue;
				const { folder, expected } = await inputFolder(cache, webRows, html, format);
				for (const variant of variants) {
					// Past these sizes a variant only shows what smaller months already showed, at great length.
					if (
						(variant === 'rows' && webRows > settings.rowsMax) ||
						(variant === 'vanilla' && webRows > settings.vanillaMax)
					)
						continue;
					const record: BenchRecord = {
						kind: 'run',
						variant,
						format,
						web_rows: webRows,
						html,
						median_ms: null,
						peak_rss_mb: null,
						status: 'ok',
						machine,
						ran: true,
						reps: [],
					};
					records.push(record);
					const label = `${variant} ${format} ${webRows}${html ? ' html' : ''}`;
					const reason = unsupported(variant, format);
					const key = `${variant}/${format}/${html}`;
					const earlier = stoppedAt.get(key);
					if (reason || earlier) {
						record.status = earlier?.status ?? 'failed';
						record.ran = false;
						record.note =
							reason ??
							`not run: ${earlier!.status} at ${earlier!.webRows.toLocaleString('en')} web rows`;
						console.log(`[bench] ${label}: ${record.status} (${record.note})`);
					} else {
						if (!isFloor(variant))
							instanceOf(variant).importWorkflow(
								benchWorkflow(variant, format, folder, output, before?.build.root),
							);
						let cellMs = 0;
						for (let rep = 1; rep <= repsFor(webRows, settings) && cellMs < cellBudgetMs; rep++) {
							rmSync(output, { recursive: true, force: true });
							mkdirSync(output, { recursive: true });
							const logPrefix = join(
								logs,
								`${variant}-${format}-${webRows}${html ? '-html' : ''}-${rep}`,
							);
							const outcome = await runOnce(instanceOf(variant), {
								variant,
								format,
								input: folder,
								output,
								capMs,
								logPrefix,
							});
							if (outcome.status === 'ok') {
								const wrong = await verifyOutputs(output, expected);
								if (wrong) Object.assign(outcome, { status: 'failed', note: wrong });
							}
							cellMs += outcome.commandMs;
							console.log(describe(`${label} rep ${rep}`, outcome));
							if (!addRep(record, outcome, settings.capMinutes)) {
								stoppedAt.set(key, { webRows, status: outcome.status });
								break;
							}
						}
						settle(record);
					}
					save();
				}
			}
		}
	} finally {
		process.off('exit', cleanUp);
		cleanUp();
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
