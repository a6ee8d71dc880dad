import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOTTLENECK_DIR, EXPORTS } from '../helpers/bottleneck';
import {
	ensureN8n,
	importShippedWorkflows,
	n8nMajor,
	N8nInstance,
	packPackage,
	ROOT,
	seedInstalledPackage,
	waitForWebhook,
} from '../../scripts/n8n/instance';
import type { HistoryTarget } from '../../scripts/n8n/instance';
import { QueueTopology, WEBHOOK_PATH } from '../../scripts/n8n/queue';
import type { QueueOptions } from '../../scripts/n8n/queue';
import { SlackReceiver, SmtpReceiver } from './receivers';

export { REFERENCE } from '../helpers/bottleneck';

/** A month's folder as a user keeps it: the real exports (copied from ../shared, never into the repo) and expected.json. */
export function bottleneckMonth(expected: object): string {
	const dir = mkdtempSync(join(tmpdir(), 'bottleneck-month-'));
	for (const name of EXPORTS)
		copyFileSync(
			join(BOTTLENECK_DIR, `${name}.xlsx`),
			join(dir, `Fichier_${name.toUpperCase()}.xlsx`),
		);
	writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
	return dir;
}

/**
 * Runs `npm run report`'s script as a child, without blocking this process (the receivers live
 * here). Without --history or --history-postgres the run gets a history folder of its own,
 * removed after it: the default (beside --out) would be shared by every test's temp folder.
 * The n8n line is this process's (N8N_MAJOR, 2 by default), passed as `--n8n-version`.
 */
export function runReport(
	args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
	const ownHistory = args.some((arg) => arg === '--history' || arg === '--history-postgres')
		? undefined
		: freshDir('report-history-');
	const child = spawn(
		'npx',
		[
			'tsx',
			join(ROOT, 'scripts/report.ts'),
			...args,
			...(ownHistory ? ['--history', ownHistory] : []),
			'--n8n-version',
			n8nMajor(),
		],
		{ cwd: ROOT },
	);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) =>
		child.on('close', (code) => {
			if (ownHistory) rmSync(ownHistory, { recursive: true, force: true });
			resolve({ code: code ?? 1, stdout, stderr });
		}),
	);
}

/** The two checks against the history (Check Web's and Check Revenue's): skipped while fewer than 3 months are recorded. */
export const HISTORY_CHECKS = ['WEB volume', 'Revenue trend'];

export function freshDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(dir, { recursive: true });
	return dir;
}

/**
 * A running n8n server with the package installed from its tarball and the shipped workflows
 * imported and published, notifications pointed at the test receivers.
 */
export async function startReportServer(options: {
	port: number;
	token: string;
	slackUrl: string;
	smtpAddress: string;
	outputFolder: string;
	inputFolder: string;
	tmpDir?: string;
	history?: HistoryTarget;
}): Promise<{ n8n: N8nInstance; home: string; webhook: string; historyFolder: string }> {
	const home = freshDir('n8n-server-home-');
	// By default the history file in a folder of its own, removed with the home.
	const historyFolder = join(home, 'history');
	mkdirSync(historyFolder);
	const { cache } = ensureN8n();
	seedInstalledPackage(home, cache);
	const n8n = new N8nInstance(home, {
		allowedFolders: [options.outputFolder, options.inputFolder, historyFolder],
		port: options.port,
		brokerPort: options.port + 1,
		tmpDir: options.tmpDir,
	});
	n8n.installPackage(packPackage(cache));
	importShippedWorkflows(n8n, {
		...options,
		emailTo: 'management@bottleneck.test',
		history: options.history ?? { file: join(historyFolder, 'sales-history.duckdb') },
		publish: true,
	});
	const base = await n8n.startServer();
	const webhook = `${base}/${WEBHOOK_PATH}`;
	await waitForWebhook(webhook);
	return { n8n, home, webhook, historyFolder };
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
		historyFolder: '',
		n8n: undefined as N8nInstance | undefined,
	};
	before(async () => {
		const { slack, smtp, out, uploads } = server;
		Object.assign(
			server,
			await startReportServer({
				port,
				token,
				slackUrl: await slack.start(),
				smtpAddress: await smtp.start(),
				outputFolder: out,
				inputFolder: uploads,
			}),
		);
	});
	after(async () => {
		await server.n8n?.stopServer();
		await server.slack.stop();
		await server.smtp.stop();
		for (const dir of [server.home, server.out, server.uploads])
			if (dir) rmSync(dir, { recursive: true, force: true });
	});
	return server;
}

/**
 * For one test file: n8n in queue mode (Postgres, Redis, a main and two workers, ports from
 * `basePort`, see QueueTopology) with its own Slack and SMTP receivers and folders, started
 * before the file's tests and stopped, with every folder removed, after them.
 */
export function queueTopologyForTests(
	basePort: number,
	token: string,
	name: string,
	options: Partial<Pick<QueueOptions, 'env' | 'adjustReport' | 'inputFolder'>> = {},
) {
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
		const log = (line: string) =>
			console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
		const topology = new QueueTopology({
			basePort,
			token,
			slackUrl: await slack.start(),
			smtpAddress: await smtp.start(),
			emailTo: 'management@bottleneck.test',
			outputFolder: out,
			log,
			...options,
			inputFolder: options.inputFolder ?? uploads,
		});
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

/** The probe's first defined value, polled every 100 ms; fails naming `what` after `seconds`. */
export async function until<T>(
	what: string,
	seconds: number,
	probe: () => T | undefined,
): Promise<T> {
	const deadline = Date.now() + seconds * 1000;
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
