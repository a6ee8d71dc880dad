/**
 * `npm run report -- [--input DIR] [--out DIR] [--slack URL] [--smtp HOST:PORT] [--email-to ADDRESS]`
 *
 * Runs the shipped workflow (workflows/bottleneck-monthly-report.json, as shipped but for its
 * Config node) headless inside the pinned real n8n on the exports in DIR, and leaves
 * rapport_ca.xlsx, vins_premium.csv, vins_ordinaires.csv and summary.json in the out folder.
 * Without --input it uses generated sample data. Slack and email run only when configured.
 * Exit code 0 when every error-severity check passes, 2 when a check fails, 1 on a crash.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { generateSample } from './sample-data/generator';
import { configuredWorkflow, ensureN8n, N8nInstance, packPackage, REPORT_FILES } from './n8n/instance';
import type { ExecutionResult } from './n8n/instance';

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
			for (const check of checks.filter((c) => c.status === 'fail')) failed.push({ node, name: String(check.name), observed: check.observed, expected: check.expected });
		}
	}
	return failed;
}

async function main() {
	const { values } = parseArgs({
		options: {
			input: { type: 'string' },
			out: { type: 'string', default: 'out' },
			slack: { type: 'string', default: process.env.SALES_REPORT_SLACK_WEBHOOK_URL ?? '' },
			smtp: { type: 'string', default: process.env.SALES_REPORT_SMTP ?? '' },
			'email-to': { type: 'string', default: 'management@example.com' },
			'email-from': { type: 'string', default: 'reports@example.com' },
		},
	});
	const { cache } = ensureN8n();
	let input = values.input ? resolve(values.input) : '';
	if (!input) {
		input = join(cache, 'sample-exports');
		if (!existsSync(join(input, 'expected.json'))) await generateSample({ webRows: 1513, outDir: input, formats: ['xlsx'], seed: 42 });
		console.log(`[report] no --input: using generated sample exports in ${input}`);
	}
	if (!existsSync(input)) throw new Error(`Input folder ${input} does not exist`);
	const out = resolve(values.out!);
	mkdirSync(out, { recursive: true });
	// Last month's files must not pass for this month's if this run fails.
	for (const file of REPORT_FILES) rmSync(join(out, file), { force: true });

	const n8n = new N8nInstance(join(cache, 'report-home'), { allowedFolders: [input, out], port: 5690, brokerPort: 5691 });
	n8n.installPackage(packPackage(cache));
	const [smtpHost, smtpPort] = (values.smtp || '127.0.0.1:25').split(':');
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host: smtpHost, port: Number(smtpPort || 25), secure: false, disableStartTls: true, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: randomBytes(16).toString('hex') } },
	]);
	const disabled = [...(values.slack ? [] : ['Notify Slack', 'Alert Slack']), ...(values.smtp ? [] : ['Email Reports'])];
	n8n.importWorkflow(configuredWorkflow(CRASH_WORKFLOW, { slackWebhookUrl: values.slack! }, values.slack ? [] : ['Alert Slack']));
	n8n.importWorkflow(
		configuredWorkflow(WORKFLOW, { inputFolder: input, outputFolder: out, slackWebhookUrl: values.slack!, emailTo: values['email-to']!, emailFrom: values['email-from']! }, disabled),
	);

	console.log(`[report] running the shipped workflow in n8n on ${input}`);
	const { run, output } = n8n.execute('SalesMonthly0001');
	if (!run) {
		console.error(output);
		console.error('[report] n8n did not run the workflow');
		process.exit(1);
	}
	const failed = failedChecks(run);
	const crash = run.data.resultData.error;
	if (crash) {
		const node = crash.node?.name ?? run.data.resultData.lastNodeExecuted ?? '?';
		console.error(`[report] FAILED in node "${node}": ${crash.message}${crash.description ? `\n  ${crash.description}` : ''}`);
		process.exit(1);
	}
	if (failed.length) {
		console.error(`[report] FAILED: ${failed.length} check(s) did not pass; no report was written or sent:`);
		for (const check of failed) console.error(`  - ${check.name} (${check.node}): observed ${String(check.observed)}, expected ${String(check.expected)}`);
		process.exit(2);
	}
	const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
	console.table(summary.figures);
	console.table(summary.checks);
	console.log(`[report] ${REPORT_FILES.map((f) => join(out, f)).join('\n         ')}`);
	console.log(`[report] n8n execution ${run.startedAt} → ${run.stoppedAt}`);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`[report] ${(error as Error).message}`);
		process.exit(1);
	});
}
