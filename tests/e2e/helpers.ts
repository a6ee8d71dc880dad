import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOTTLENECK_DIR, EXPORTS } from '../helpers/bottleneck';
import { configuredWorkflow, ensureN8n, N8nInstance, packPackage, ROOT, waitForWebhook } from '../../scripts/n8n/instance';
import { QueueTopology } from '../../scripts/n8n/queue';
import type { QueueOptions } from '../../scripts/n8n/queue';
import { SlackReceiver, SmtpReceiver } from './receivers';

export const REFERENCE = { erp_rows: 825, liaison_rows: 825, web_clean_rows: 1428, web_dedup_rows: 714, merged_rows: 714, revenue_total: '70568.60', premium_count: 30 };

/** A month's folder as a user keeps it: the real exports (copied from ../shared, never into the repo) and expected.json. */
export function bottleneckMonth(expected: object): string {
	const dir = mkdtempSync(join(tmpdir(), 'bottleneck-month-'));
	for (const name of EXPORTS) copyFileSync(join(BOTTLENECK_DIR, `${name}.xlsx`), join(dir, `Fichier_${name.toUpperCase()}.xlsx`));
	writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
	return dir;
}

/** Runs `npm run report`'s script as a child, without blocking this process (the receivers live here). */
export function runReport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const child = spawn('npx', ['tsx', join(ROOT, 'scripts/report.ts'), ...args], { cwd: ROOT });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

export function freshDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(dir, { recursive: true });
	return dir;
}

export const WEBHOOK_PATH = 'webhook/sales-analytics/monthly-report';

/**
 * A running n8n server with the package installed from its tarball and the shipped workflows
 * imported and published, notifications pointed at the test receivers.
 */
export async function startReportServer(options: { port: number; token: string; slackUrl: string; smtpAddress: string; outputFolder: string; inputFolder: string; tmpDir?: string }): Promise<{ n8n: N8nInstance; home: string; webhook: string }> {
	const home = freshDir('n8n-server-home-');
	const { cache } = ensureN8n();
	// The package as users install it; its node_modules copied from the report's n8n home when present.
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	if (existsSync(cached)) cpSync(cached, join(home, '.n8n', 'nodes'), { recursive: true });
	const n8n = new N8nInstance(home, { allowedFolders: [options.outputFolder, options.inputFolder], port: options.port, brokerPort: options.port + 1, tmpDir: options.tmpDir });
	n8n.installPackage(packPackage(cache));
	const [host, port] = options.smtpAddress.split(':');
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host, port: Number(port), secure: false, disableStartTls: true, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: options.token } },
	]);
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-crash-alert.json', { slackWebhookUrl: options.slackUrl }));
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-report.json', { inputFolder: options.inputFolder, outputFolder: options.outputFolder, slackWebhookUrl: options.slackUrl, emailTo: 'management@bottleneck.test' }));
	n8n.publish(['SalesMonthlyErr1', 'SalesMonthly0001']);
	const base = await n8n.startServer();
	const webhook = `${base}/${WEBHOOK_PATH}`;
	await waitForWebhook(webhook);
	return { n8n, home, webhook };
}

/**
 * For one test file: the report server on `port` with its own Slack and SMTP receivers and
 * folders, started before the file's tests and stopped, with every folder removed, after them.
 */
export function reportServerForTests(port: number, token: string, name: string) {
	const server = {
		slack: new SlackReceiver(),
		smtp: new SmtpReceiver(),
		out: freshDir(`${name}-out-`),
		uploads: freshDir(`${name}-uploads-`),
		home: '',
		webhook: '',
		n8n: undefined as N8nInstance | undefined,
	};
	before(async () => {
		const { slack, smtp, out, uploads } = server;
		Object.assign(server, await startReportServer({ port, token, slackUrl: await slack.start(), smtpAddress: await smtp.start(), outputFolder: out, inputFolder: uploads }));
	});
	after(async () => {
		await server.n8n?.stopServer();
		await server.slack.stop();
		await server.smtp.stop();
		for (const dir of [server.home, server.out, server.uploads]) if (dir) rmSync(dir, { recursive: true, force: true });
	});
	return server;
}

/**
 * For one test file: n8n in queue mode (Postgres, Redis, a main and two workers, ports from
 * `basePort`, see QueueTopology) with its own Slack and SMTP receivers and folders, started
 * before the file's tests and stopped, with every folder removed, after them.
 */
export function queueTopologyForTests(basePort: number, token: string, name: string, options: Pick<QueueOptions, 'env'> = {}) {
	const server = {
		slack: new SlackReceiver(),
		smtp: new SmtpReceiver(),
		out: freshDir(`${name}-out-`),
		uploads: freshDir(`${name}-uploads-`),
		topology: undefined as QueueTopology | undefined,
	};
	before(async () => {
		const { slack, smtp, out, uploads } = server;
		const started = Date.now();
		// Where the start's time goes, in the test's output.
		const log = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
		const topology = new QueueTopology({ basePort, token, slackUrl: await slack.start(), smtpAddress: await smtp.start(), emailTo: 'management@bottleneck.test', outputFolder: out, inputFolder: uploads, log, ...options });
		server.topology = await topology.start();
		log('ready');
	});
	after(async () => {
		const stopping = Date.now();
		try {
			await server.topology?.stop();
			console.log(`stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
		} finally {
			await server.slack.stop();
			await server.smtp.stop();
			for (const dir of [server.out, server.uploads]) rmSync(dir, { recursive: true, force: true });
		}
	});
	return server;
}
