/**
 * `npm run report -- [--input DIR] [--out DIR] [--period YYYY-MM] [--history DIR | --history-postgres HOST:PORT/DATABASE]
 *                   [--slack URL] [--smtp HOST:PORT] [--email-to ADDRESS] [--n8n-version 1|2]`
 *
 * --period names the month (default: the previous one; use it to backfill); the month is
 * compared with the history and recorded in it: a DuckDB file in --history (default: the folder
 * `sales-history` beside --out), or Postgres (user from SALES_HISTORY_PG_USER, default postgres,
 * password from SALES_HISTORY_PG_PASSWORD).
 *
 * Runs the shipped workflow (workflows/bottleneck-monthly-report.json, as shipped but for its
 * Config node) headless inside a real n8n on the exports in DIR: the pinned 2.x, or with
 * `--n8n-version 1` the newest 1.x (both installed into the cache on first use), and leaves
 * rapport_ca.xlsx, vins_premium.csv, vins_ordinaires.csv and summary.json in the out folder.
 * Without --input it uses generated sample data. Slack and email run only when configured.
 * Exit code 0 when every error-severity check passes, 2 when a check fails, 1 on a crash.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
	buildPackage,
	cachedUserFolder,
	n8nMajor,
	configuredWorkflow,
	ensureN8n,
	historyCredential,
	lockUserFolder,
	N8nInstance,
	pointHistoryAt,
	REPORT_FILES,
} from './n8n/instance';
import type { HistoryTarget } from './n8n/instance';
import type { ExecutionResult } from './n8n/instance';
// Required only to generate the sample: it loads DuckDB and ExcelJS, a second or so on every run otherwise.
import type * as Generator from './sample-data/generator';

const WORKFLOW = 'bottleneck-monthly-report.json';
const CRASH_WORKFLOW = 'bottleneck-monthly-crash-alert.json';

export interface FailedCheck {
	node: string;
	name: string;
	observed: unknown;
	expected: unknown;
}

/** Error-severity checks that failed, read from n8n's record of the run (each check node's Failed output). */
export function failedChecks(run: ExecutionResult): FailedCheck[] {
	const failed: FailedCheck[] = [];
	for (const [node, tasks] of Object.entries(run.data.resultData.runData)) {
		for (const item of tasks[0]?.data?.main?.[1] ?? []) {
			const checks = (item.json.checks as Array<Record<string, unknown>> | undefined) ?? [];
			for (const check of checks.filter((c) => c.status === 'fail'))
				failed.push({
					node,
					name: String(check.name),
					observed: check.observed,
					expected: check.expected,
				});
		}
	}
	return failed;
}

/** The webhook is not used by `n8n execute`: a token kept in the user folder leaves the credential, and so its import, unchanged between runs. */
function webhookToken(home: string): string {
	const file = join(home, '.n8n', 'report-webhook-token');
	if (!existsSync(file)) writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600 });
	return readFileSync(file, 'utf8');
}

/** The month before this one in Paris, where the shipped schedule runs: `YYYY-MM`. */
export function previousMonth(now = new Date()): string {
	const [year, month] = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/Paris',
		year: 'numeric',
		month: '2-digit',
	})
		.format(now)
		.split('-')
		.map(Number);
	return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** `HOST:PORT/DATABASE` → the history's Postgres, user and password from the environment. */
export function postgresTarget(text: string): HistoryTarget {
	const match = /^([^:/]+):(\d+)\/(.+)$/.exec(text);
	if (!match)
		throw new Error(
			`--history-postgres "${text}": give HOST:PORT/DATABASE, e.g. 127.0.0.1:5432/sales`,
		);
	return {
		postgres: {
			host: match[1],
			port: Number(match[2]),
			database: match[3],
			user: process.env.SALES_HISTORY_PG_USER ?? 'postgres',
			password: process.env.SALES_HISTORY_PG_PASSWORD ?? '',
		},
	};
}

/** The history node's error when it failed but the report went out (it is set to continue). */
export function historyWarnings(run: ExecutionResult): string[] {
	const warnings: string[] = [];
	for (const node of ['Compare History', 'Record History']) {
		const error = run.data.resultData.runData[node]?.[0]?.data?.main?.[0]?.[0]?.json.error;
		if (error) warnings.push(`${node} failed, the report went out without it: ${String(error)}`);
	}
	return warnings;
}

/** Reports n8n's run: 0 when every error-severity check passed, 2 when one failed, 1 on a crash. */
function outcome(run: ExecutionResult | undefined, output: string, out: string): number {
	if (!run) {
		console.error(output);
		console.error('[report] n8n did not run the workflow');
		return 1;
	}
	const failed = failedChecks(run);
	const crash = run.data.resultData.error;
	if (crash) {
		const node = crash.node?.name ?? run.data.resultData.lastNodeExecuted ?? '?';
		console.error(
			`[report] FAILED in node "${node}": ${crash.message}${crash.description ? `\n  ${crash.description}` : ''}`,
		);
		return 1;
	}
	if (failed.length) {
		console.error(
			`[report] FAILED: ${failed.length} check(s) did not pass; no report was written or sent:`,
		);
		for (const check of failed)
			console.error(
				`  - ${check.name} (${check.node}): observed ${String(check.observed)}, expected ${String(check.expected)}`,
			);
		return 2;
	}
	const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
	for (const warning of historyWarnings(run)) console.warn(`[report] WARNING: ${warning}`);
	console.table(summary.figures);
	console.table(summary.checks);
	console.log(`[report] ${REPORT_FILES.map((f) => join(out, f)).join('\n         ')}`);
	console.log(`[report] n8n execution ${run.startedAt} → ${run.stoppedAt}`);
	return 0;
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			input: { type: 'string' },
			out: { type: 'string', default: 'out' },
			slack: { type: 'string', default: process.env.SALES_REPORT_SLACK_WEBHOOK_URL ?? '' },
			smtp: { type: 'string', default: process.env.SALES_REPORT_SMTP ?? '' },
			'email-to': { type: 'string', default: 'management@example.com' },
			'email-from': { type: 'string', default: 'reports@example.com' },
			period: { type: 'string' },
			history: { type: 'string' },
			'history-postgres': { type: 'string' },
			'n8n-version': { type: 'string', default: process.env.N8N_MAJOR ?? '2' },
		},
	});
	process.env.N8N_MAJOR = values['n8n-version'];
	const { cache, version } = ensureN8n();
	const home = cachedUserFolder(cache, 'report-home');
	const release = await lockUserFolder(home, (holder) =>
		console.log(`[report] waiting for another report run in this cache (pid ${holder}) to finish`),
	);
	// Where the time goes, for the closing line: each phase's duration, or that it was skipped.
	let lapStart = performance.now();
	const phases: string[] = [];
	const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
	const lap = (label: string, ran: boolean) => {
		const now = performance.now();
		phases.push(ran ? `${label} ${seconds(now - lapStart)}` : `${label} skipped`);
		lapStart = now;
	};

	let input = values.input ? resolve(values.input) : '';
	if (!input) {
		input = join(cache, 'sample-exports');
		const missing = !existsSync(join(input, 'expected.json'));
		if (missing)
			await (require('./sample-data/generator') as typeof Generator).generateSample({
				webRows: 1513,
				outDir: input,
				formats: ['xlsx'],
				seed: 42,
			});
		lap('sample exports', missing);
		console.log(`[report] no --input: using generated sample exports in ${input}`);
	}
	if (!existsSync(input)) throw new Error(`Input folder ${input} does not exist`);
	const out = resolve(values.out!);
	mkdirSync(out, { recursive: true });
	const period = values.period ?? previousMonth();
	if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
		throw new Error(`--period "${period}": give a month as YYYY-MM, e.g. 2026-10`);
	if (values.history && values['history-postgres'])
		throw new Error('--history and --history-postgres: choose one place for the history');
	const historyFolder = values['history-postgres']
		? undefined
		: resolve(values.history ?? join(dirname(out), 'sales-history'));
	if (historyFolder) mkdirSync(historyFolder, { recursive: true });
	const history = historyFolder
		? { file: join(historyFolder, 'sales-history.duckdb') }
		: postgresTarget(values['history-postgres']!);
	// Last month's files must not pass for this month's if this run fails.
	for (const file of REPORT_FILES) rmSync(join(out, file), { force: true });

	const n8n = new N8nInstance(home, {
		allowedFolders: [input, out, ...(historyFolder ? [historyFolder] : [])],
		port: 5690,
		brokerPort: n8nMajor() === '2' ? 5691 : 5693,
	});
	const pack = buildPackage(cache);
	lap('build+pack', pack.built);
	lap('install', n8n.installPackage(pack.tarball));
	const [smtpHost, smtpPort] = (values.smtp || '127.0.0.1:25').split(':');
	const credentials = n8n.importChanged('credentials', [
		{
			id: 'salesSmtp',
			name: 'Sales report SMTP',
			type: 'smtp',
			data: {
				host: smtpHost,
				port: Number(smtpPort || 25),
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
			data: { name: 'X-Report-Token', value: webhookToken(n8n.home) },
		},
		historyCredential(history),
	]);
	lap(
		`import credentials${credentials.length ? ` (${credentials.join(', ')})` : ''}`,
		credentials.length > 0,
	);
	const disabled = [
		...(values.slack ? [] : ['Notify Slack', 'Alert Slack']),
		...(values.smtp ? [] : ['Email Reports']),
	];
	const report = configuredWorkflow(
		WORKFLOW,
		{
			inputFolder: input,
			outputFolder: out,
			period,
			slackWebhookUrl: values.slack!,
			emailTo: values['email-to']!,
			emailFrom: values['email-from']!,
		},
		disabled,
	);
	pointHistoryAt(report, history);
	const workflows = n8n.importChanged('workflow', [
		configuredWorkflow(
			CRASH_WORKFLOW,
			{ slackWebhookUrl: values.slack! },
			values.slack ? [] : ['Alert Slack'],
		),
		report,
	]);
	lap(
		`import workflows${workflows.length ? ` (${workflows.join(', ')})` : ''}`,
		workflows.length > 0,
	);

	console.log(
		`[report] running the shipped workflow in n8n ${version} on ${input} for ${period}; history: ${historyFolder ?? values['history-postgres']}`,
	);
	const { run, output } = n8n.execute('SalesMonthly0001');
	release();
	lap('n8n execute', true);
	const code = outcome(run, output, out);
	// performance.now() counts from this process's start: the total includes loading this script.
	console.log(`[report] time: ${phases.join(', ')}; total ${seconds(performance.now())}`);
	return code;
}

if (require.main === module) {
	main().then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			console.error(`[report] ${(error as Error).message}`);
			process.exit(1);
		},
	);
}
