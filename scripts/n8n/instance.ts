/**
 * Drives the pinned real n8n installed by scripts/install-n8n.sh: installs this package into
 * its user folder the way users do (from `npm pack` output), imports workflows and
 * credentials, runs executions from the CLI and starts the server. Used by `npm run report`,
 * `npm start`, the e2e tests and the benchmarks.
 */
import { execFileSync, spawn } from 'node:child_process';
import { killWithOwner } from './watchdog';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	closeSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { packageDigest } from './package-digest';

export const ROOT = resolve(__dirname, '../..');

/** The n8n line the scripts drive: N8N_MAJOR in the environment, 2 (the pinned 2.x) by default; `--n8n-version` sets it. */
export function n8nMajor(): '1' | '2' {
	const major = process.env.N8N_MAJOR ?? '2';
	if (major !== '1' && major !== '2')
		throw new Error(
			`n8n version "${major}": this package is tested on n8n 1 (the newest 1.x) and 2 (the pinned 2.x)`,
		);
	return major;
}

function n8nPaths() {
	const out = execFileSync(
		'bash',
		[
			'-c',
			`source "${join(ROOT, 'scripts/n8n-env.sh')}" && echo "$N8N_NODE|$N8N_BIN|$SALES_CACHE|$N8N_VERSION"`,
		],
		{ env: { ...process.env, N8N_MAJOR: n8nMajor() } },
	)
		.toString()
		.trim();
	const [node, bin, cache, version] = out.split('|');
	return { node, bin, cache, version };
}

/** Installs the Node n8n needs and n8n into the cache folder if they are not there yet (about 6 minutes once per version). */
let installed: ReturnType<typeof n8nPaths> | undefined;
export function ensureN8n(): ReturnType<typeof n8nPaths> {
	if (!installed) {
		execFileSync('bash', [join(ROOT, 'scripts/install-n8n.sh')], {
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, N8N_MAJOR: n8nMajor() },
		});
		installed = n8nPaths();
	}
	return installed;
}

/** A user folder in the cache for the n8n line in use: n8n 1.x cannot open a database that 2.x has migrated. */
export function cachedUserFolder(cache: string, name: string): string {
	return join(cache, n8nMajor() === '2' ? name : `${name}-n8n${n8nMajor()}`);
}

/** Tarballs kept in the cache: enough for a few branches or edits back and forth. */
const KEPT_PACKS = 5;

/**
 * Builds and packs this package unless the cache holds a tarball built from the same content;
 * tarballs are named by packageDigest().
 */
export function buildPackage(cache: string): { tarball: string; built: boolean } {
	const dir = join(cache, 'packs');
	mkdirSync(dir, { recursive: true });
	let built = false;
	for (;;) {
		const digest = packageDigest(ROOT);
		const tarball = join(dir, `n8n-nodes-sales-analytics-${digest}.tgz`);
		if (existsSync(tarball)) return { tarball, built };
		try {
			execFileSync('npm', ['run', '--silent', 'build'], {
				cwd: ROOT,
				stdio: ['ignore', 'pipe', 'inherit'],
			});
		} catch (error) {
			// tsc reports its errors on stdout, which a passing build keeps quiet.
			throw new Error(
				`npm run build failed:\n${String((error as { stdout?: Buffer }).stdout ?? '')}`,
			);
		}
		built = true;
		// Packed apart and renamed: a concurrent run never sees half a tarball under a digest name.
		const staging = mkdtempSync(join(dir, 'staging-'));
		try {
			const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', staging], {
				cwd: ROOT,
			})
				.toString()
				.trim()
				.split('\n')
				.pop()!;
			// Others edit this tree too: sources changed during the build make a tarball of neither version, so build again.
			if (packageDigest(ROOT) !== digest) continue;
			renameSync(join(staging, name), tarball);
		} finally {
			rmSync(staging, { recursive: true, force: true });
		}
		// A concurrent run may prune too: a tarball gone meanwhile counts as oldest.
		const packs = readdirSync(dir)
			.filter((file) => file.endsWith('.tgz'))
			.map((file) => ({
				file: join(dir, file),
				time: statSync(join(dir, file), { throwIfNoEntry: false })?.mtimeMs ?? 0,
			}));
		packs.sort((a, b) => b.time - a.time);
		for (const old of packs.slice(KEPT_PACKS)) rmSync(old.file, { force: true });
		return { tarball, built };
	}
}

/** Builds and packs this package when it changed; returns the tarball (kept in the cache, named by content). */
export function packPackage(cache: string): string {
	return buildPackage(cache).tarball;
}

/** A tarball's package digest: from its name when buildPackage() made it, else from its bytes. */
function tarballDigest(tarball: string): string {
	return (
		/-([0-9a-f]{64})\.tgz$/.exec(tarball)?.[1] ??
		createHash('sha256').update(readFileSync(tarball)).digest('hex')
	);
}

/**
 * Waits until no other live process holds the user folder `home`, then holds it until release()
 * or this process's exit; a holder that died (killed) no longer counts. Runs sharing a user folder
 * would otherwise import over each other's workflows between one's import and its execution.
 */
export async function lockUserFolder(
	home: string,
	onWait: (holder: number) => void,
): Promise<() => void> {
	mkdirSync(home, { recursive: true });
	const file = join(home, '.lock');
	let waiting = false;
	for (;;) {
		try {
			writeFileSync(file, String(process.pid), { flag: 'wx' });
			const release = () => rmSync(file, { force: true });
			process.once('exit', release);
			return () => {
				process.off('exit', release);
				release();
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = lockHolder(file);
		if (holder === undefined) continue;
		// Read empty while its holder is still writing it: 0, alive. Read twice before removing: another waiter may have taken it meanwhile.
		if (holder && !isAlive(holder) && lockHolder(file) === holder) {
			rmSync(file, { force: true });
			continue;
		}
		if (!waiting) onWait(holder);
		waiting = true;
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** The pid in a lock file; undefined once it is released. */
function lockHolder(file: string): number | undefined {
	try {
		return Number(readFileSync(file, 'utf8'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export interface ExecutionResult {
	status: string;
	startedAt: string;
	stoppedAt: string;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> };
					error?: { message: string };
				}>
			>;
			error?: { message: string; description?: string; node?: { name: string } };
			lastNodeExecuted?: string;
		};
	};
}

export class N8nInstance {
	readonly node: string;
	readonly bin: string;
	private readonly compileCache: string;
	private server?: ChildProcess;
	/** What the running server printed, for test failure messages. */
	readonly serverLog: string[] = [];

	constructor(
		readonly home: string,
		private readonly settings: {
			allowedFolders?: string[];
			port?: number;
			brokerPort?: number;
			tmpDir?: string;
			/** A queue-mode worker's health server port (`n8n worker`): answers /healthz/readiness once the worker takes jobs. */
			healthPort?: number;
			/** Also prints the server's log here (npm run dev). */
			echoLog?: boolean;
			/** More environment (queue mode, database), applied last. */
			env?: Record<string, string>;
		} = {},
	) {
		const paths = ensureN8n();
		this.node = paths.node;
		this.bin = paths.bin;
		this.compileCache = join(paths.cache, 'node-compile-cache');
		mkdirSync(home, { recursive: true });
	}

	env(): NodeJS.ProcessEnv {
		const port = this.settings.port ?? 5678;
		return {
			...process.env,
			N8N_USER_FOLDER: this.home,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_PORT: String(this.settings.brokerPort ?? port + 1),
			N8N_RESTRICT_FILE_ACCESS_TO: (this.settings.allowedFolders ?? []).join(';'),
			// `n8n execute` prints the run through its logger: below info, nothing comes out.
			N8N_LOG_LEVEL: 'info',
			GENERIC_TIMEZONE: 'Europe/Paris',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			...(this.settings.tmpDir ? { TMPDIR: this.settings.tmpDir } : {}),
			...(this.settings.healthPort
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(this.settings.healthPort),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			// Node keeps n8n's compiled modules between boots: each CLI call starts quicker.
			NODE_COMPILE_CACHE: this.compileCache,
			...this.settings.env,
		};
	}

	/** Installs our package into .n8n/nodes from the tarball, as a user would; skipped (false) when unchanged. */
	installPackage(tarball: string): boolean {
		const nodesDir = join(this.home, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		const stamp = join(nodesDir, '.sales-analytics-pack');
		const digest = tarballDigest(tarball);
		if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return false;
		if (!existsSync(join(nodesDir, 'package.json')))
			writeFileSync(join(nodesDir, 'package.json'), '{"private":true}\n');
		// Same version number, new content: npm would keep the old copy unless it is gone.
		rmSync(join(nodesDir, 'node_modules', 'n8n-nodes-sales-analytics'), {
			recursive: true,
			force: true,
		});
		execFileSync(
			'npm',
			[
				'install',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
				'--ignore-scripts',
				'--omit=dev',
				tarball,
			],
			{ cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] },
		);
		writeFileSync(stamp, digest);
		return true;
	}

	/** n8n's CLI exits before a big stdout drains into a pipe, so its output goes to a file. */
	cli(args: string[]): { stdout: string; stderr: string; code: number } {
		const outFile = join(this.home, `cli-${process.pid}-${Date.now()}.out`);
		const errFile = `${outFile}.err`;
		const out = openSync(outFile, 'w');
		const err = openSync(errFile, 'w');
		let code = 0;
		try {
			execFileSync(this.node, [this.bin, ...args], {
				env: this.env(),
				stdio: ['ignore', out, err],
			});
		} catch (error) {
			code = (error as { status?: number }).status ?? 1;
		} finally {
			closeSync(out);
			closeSync(err);
		}
		const result = {
			stdout: readFileSync(outFile, 'utf8'),
			stderr: readFileSync(errFile, 'utf8'),
			code,
		};
		rmSync(outFile, { force: true });
		rmSync(errFile, { force: true });
		return result;
	}

	private importJson(kind: 'workflow' | 'credentials', data: unknown): void {
		const file = join(this.home, `import-${kind}-${process.pid}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(data));
		try {
			const result = this.cli([`import:${kind}`, `--input=${file}`]);
			if (result.code !== 0)
				throw new Error(`n8n import:${kind} failed: ${result.stderr || result.stdout}`);
		} finally {
			rmSync(file, { force: true });
		}
	}

	importCredentials(
		credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>,
	): void {
		this.importJson('credentials', credentials);
	}

	/** One workflow, or several in one n8n boot. */
	importWorkflow(workflow: { id: string } | Array<{ id: string }>): void {
		this.importJson('workflow', workflow);
	}

	/**
	 * Imports, in one n8n boot, those of the credentials or workflows (by id) that differ from what
	 * was last imported into this user folder; returns the ids imported. An import overwrites the
	 * same id, so what is skipped is already in the database, unless something else changed it
	 * since: meant for a user folder that only this imports into, like the report's.
	 */
	importChanged<T extends { id: string }>(kind: 'workflow' | 'credentials', items: T[]): string[] {
		const stamps = join(this.home, '.n8n', 'import-stamps');
		const stampOf = (item: T) => join(stamps, `${kind}-${item.id}`);
		const digestOf = (item: T) =>
			`${this.databaseIdentity()} ${createHash('sha256').update(JSON.stringify(item)).digest('hex')}`;
		const changed = items.filter(
			(item) =>
				!existsSync(stampOf(item)) || readFileSync(stampOf(item), 'utf8') !== digestOf(item),
		);
		if (!changed.length) return [];
		this.importJson(kind, changed);
		mkdirSync(stamps, { recursive: true });
		// Taken after the import, which creates the database on first use.
		for (const item of changed) writeFileSync(stampOf(item), digestOf(item));
		return changed.map((item) => item.id);
	}

	/** Which database file this is: a deleted and recreated one has another inode or birth time, so stamps taken on the old one no longer match. */
	private databaseIdentity(): string {
		const db = join(this.home, '.n8n', 'database.sqlite');
		if (!existsSync(db)) return 'none';
		const { ino, birthtimeNs } = statSync(db, { bigint: true });
		return `${ino}.${birthtimeNs}`;
	}

	/** Publishes (activates) workflows: n8n 2.x runs a webhook's or an error workflow only once it is published. */
	publish(workflowIds: string[]): void {
		for (const id of workflowIds) {
			const published = this.cli(['publish:workflow', `--id=${id}`]);
			if (published.code !== 0)
				throw new Error(`publish failed: ${published.stdout}${published.stderr}`);
		}
	}

	/** Runs a workflow from the CLI; returns n8n's own record of the run. */
	execute(workflowId: string): { run?: ExecutionResult; output: string; code: number } {
		const result = this.cli(['execute', `--id=${workflowId}`]);
		return {
			run: parseExecution(result.stdout),
			output: result.stdout + result.stderr,
			code: result.code,
		};
	}

	async startServer(): Promise<string> {
		const base = `http://127.0.0.1:${this.settings.port ?? 5678}`;
		await this.spawnUntilReady('start', `${base}/healthz/readiness`);
		return base;
	}

	/** Starts `n8n worker` (queue mode; needs `healthPort`), resolved once it takes jobs; stopServer() stops it. */
	async startWorker(): Promise<void> {
		if (!this.settings.healthPort)
			throw new Error(
				'startWorker needs a healthPort: the worker says it is ready on its health server',
			);
		await this.spawnUntilReady(
			'worker',
			`http://127.0.0.1:${this.settings.healthPort}/healthz/readiness`,
		);
	}

	/** The running server's or worker's process id (its process group: it leads one). */
	get pid(): number | undefined {
		return this.server && this.server.exitCode === null && this.server.signalCode === null
			? this.server.pid
			: undefined;
	}

	private async spawnUntilReady(command: 'start' | 'worker', readiness: string): Promise<void> {
		const logs = this.serverLog;
		this.server = spawn(this.node, [this.bin, command], {
			env: this.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		// Its own process group (with its task runner), killed with this process even if it is SIGKILLed.
		killWithOwner({ group: this.server.pid! });
		for (const stream of [this.server.stdout!, this.server.stderr!]) {
			stream.on('data', (chunk: Buffer) => {
				// A dev session runs for hours: its log goes to the terminal only.
				if (this.settings.echoLog) process.stdout.write(chunk);
				else logs.push(chunk.toString());
			});
		}
		const deadline = Date.now() + 90_000;
		while (Date.now() < deadline) {
			if (this.server.exitCode !== null) throw new Error(`n8n ${command} exited: ${logs.join('')}`);
			try {
				if ((await fetch(readiness)).ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 300));
		}
		await this.stopServer();
		throw new Error(`n8n ${command} did not become ready: ${logs.join('').slice(-2000)}`);
	}

	/** SIGTERM to the server's whole process group (its task runner included). */
	async stopServer(): Promise<void> {
		const server = this.server;
		if (!server) return;
		if (server.exitCode !== null) return;
		if (server.signalCode !== null) {
			// Killed by a signal (a worker crash test): what it started (its task runner) may still run in its group.
			try {
				process.kill(-server.pid!, 'SIGKILL');
			} catch {
				// the group is gone too
			}
			return;
		}
		const exited = new Promise((r) => server.once('exit', r));
		try {
			process.kill(-server.pid!, 'SIGTERM');
		} catch {
			return;
		}
		const timeout = setTimeout(() => {
			try {
				process.kill(-server.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 10_000);
		await exited;
		clearTimeout(timeout);
	}
}

/** Waits until a webhook is live: n8n registers webhooks a moment after the server is ready. */
export async function waitForWebhook(url: string): Promise<void> {
	for (
		let attempt = 0;
		attempt < 100 && (await fetch(url, { method: 'POST' })).status === 404;
		attempt++
	)
		await new Promise((r) => setTimeout(r, 200));
}

/** The shipped workflow with its Config node set for this run; everything else exactly as shipped. */
export function configuredWorkflow(
	file: string,
	config: Record<string, string>,
	disabledNodes: string[] = [],
) {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.name === 'Config') {
			for (const assignment of node.parameters.assignments.assignments) {
				if (assignment.name in config) assignment.value = config[assignment.name];
			}
		}
		if (disabledNodes.includes(node.name)) node.disabled = true;
	}
	return workflow;
}

export const SHIPPED_WORKFLOW_IDS = {
	report: 'SalesMonthly0001',
	crashAlert: 'SalesMonthlyErr1',
} as const;

/** Where the shipped workflow keeps its month-over-month history: a DuckDB file, or a Postgres database. */
export type HistoryTarget =
	| { file: string }
	| { postgres: { host: string; port: number; database: string; user: string; password: string } };

/** The credential the shipped workflow's history nodes name (workflows/bottleneck-monthly-report.json). */
const HISTORY_CREDENTIAL = { id: 'salesHistory', name: 'Sales history' };

export function historyCredential(target: HistoryTarget) {
	if ('file' in target)
		return {
			...HISTORY_CREDENTIAL,
			type: 'salesHistoryFile',
			data: { path: target.file, lockWaitSeconds: 30 },
		};
	return {
		...HISTORY_CREDENTIAL,
		type: 'postgres',
		data: {
			...target.postgres,
			ssl: 'disable',
			allowUnauthorizedCerts: false,
			maxConnections: 10,
			sshTunnel: false,
		},
	};
}

/** Points every history node and history check of `workflow` at `target` (the shipped file uses the file store). */
export function pointHistoryAt(
	workflow: ReturnType<typeof configuredWorkflow>,
	target: HistoryTarget,
): void {
	const storage = 'file' in target ? 'file' : 'postgres';
	for (const node of workflow.nodes as Array<{
		parameters: Record<string, unknown>;
		credentials?: Record<string, unknown>;
	}>) {
		if (!node.parameters.historyStorage || node.parameters.historyStorage === 'none') continue;
		node.parameters.historyStorage = storage;
		const { salesHistoryFile: _file, postgres: _postgres, ...others } = node.credentials ?? {};
		node.credentials = {
			...others,
			[storage === 'file' ? 'salesHistoryFile' : 'postgres']: HISTORY_CREDENTIAL,
		};
	}
}

export interface ShippedWorkflowSettings {
	/** The webhook's X-Report-Token. */
	token: string;
	inputFolder: string;
	outputFolder: string;
	/** Slack incoming-webhook URL; without it the Slack nodes are disabled. */
	slackUrl?: string;
	/** SMTP "host:port"; without it the email node is disabled. */
	smtpAddress?: string;
	emailTo?: string;
	/** Activates the schedule and the webhook, as a production install does; without it only Try It runs. */
	publish?: boolean;
	/** Where the month-over-month history lives; a file must be inside the instance's allowed folders. */
	history: HistoryTarget;
	/** The month the Config names (YYYY-MM); by default the workflow's own rule (the previous month, or ?period= on the webhook). */
	period?: string;
	/** Changes the report workflow before import, e.g. a test's schedule that fires now. */
	adjust?: (workflow: ReturnType<typeof configuredWorkflow>) => void;
}

/**
 * The shipped report and crash-alert workflows with their two credentials, imported through the
 * CLI into `n8n`'s database, Config pointing at the given folders and receivers. Notifications
 * stay off until a Slack URL and an SMTP server are given.
 */
export function importShippedWorkflows(n8n: N8nInstance, settings: ShippedWorkflowSettings): void {
	const { token, slackUrl, smtpAddress, emailTo, inputFolder, outputFolder } = settings;
	const [host, port] = (smtpAddress ?? '127.0.0.1:25').split(':');
	n8n.importCredentials([
		{
			id: 'salesSmtp',
			name: 'Sales report SMTP',
			type: 'smtp',
			data: {
				host,
				port: Number(port),
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
			data: { name: 'X-Report-Token', value: token },
		},
		historyCredential(settings.history),
	]);
	const off = [
		...(slackUrl ? [] : ['Notify Slack', 'Alert Slack']),
		...(smtpAddress ? [] : ['Email Reports']),
	];
	const slack: Record<string, string> = slackUrl ? { slackWebhookUrl: slackUrl } : {};
	const crashAlert = configuredWorkflow('bottleneck-monthly-crash-alert.json', slack, off);
	const config: Record<string, string> = { inputFolder, outputFolder, ...slack };
	if (emailTo) config.emailTo = emailTo;
	if (settings.period) config.period = settings.period;
	const report = configuredWorkflow('bottleneck-monthly-report.json', config, off);
	pointHistoryAt(report, settings.history);
	settings.adjust?.(report);
	n8n.importWorkflow([crashAlert, report]);
	if (settings.publish) n8n.publish([SHIPPED_WORKFLOW_IDS.crashAlert, SHIPPED_WORKFLOW_IDS.report]);
}

/**
 * Gives a new user folder the report's installed copy of this package (when there is one), so
 * installPackage() finds it up to date and skips npm unless the package changed since.
 */
export function seedInstalledPackage(home: string, cache: string): void {
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	const target = join(home, '.n8n', 'nodes');
	if (existsSync(cached) && !existsSync(target)) cpSync(cached, target, { recursive: true });
}

/** Drawn by Compare History from the history: a run whose history cannot be read goes out without them. */
export const HISTORY_REPORT_FILES = ['tendance_ca.png', 'tableau_de_bord.html'];
export const REPORT_FILES = [
	'rapport_ca.xlsx',
	'vins_premium.csv',
	'vins_ordinaires.csv',
	...HISTORY_REPORT_FILES,
	'summary.json',
];

/** The run record `n8n execute` prints after its log lines: the first top-level JSON object. */
export function parseExecution(text: string): ExecutionResult | undefined {
	const start = text.search(/^\{/m);
	if (start < 0) return undefined;
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{') depth++;
		else if (ch === '}' && --depth === 0)
			return JSON.parse(text.slice(start, i + 1)) as ExecutionResult;
	}
	return undefined;
}

export function listFiles(dir: string): string[] {
	return existsSync(dir) ? readdirSync(dir).sort() : [];
}
