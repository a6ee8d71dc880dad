/**
 * Drives the pinned real n8n installed by scripts/install-n8n.sh: installs this package into
 * its user folder the way users do (from `npm pack` output), imports workflows and
 * credentials, runs executions from the CLI and starts the server. Used by `npm run report`,
 * `npm start`, the e2e tests and the benchmarks.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

function n8nPaths() {
	const out = execFileSync('bash', ['-c', `source "${join(ROOT, 'scripts/n8n-env.sh')}" && echo "$NODE24|$N8N_BIN|$SALES_CACHE"`]).toString().trim();
	const [node, bin, cache] = out.split('|');
	return { node, bin, cache };
}

/** Installs Node 24 and n8n into the cache folder if they are not there yet (about 6 minutes once). */
let installed: ReturnType<typeof n8nPaths> | undefined;
export function ensureN8n(): ReturnType<typeof n8nPaths> {
	if (!installed) {
		execFileSync('bash', [join(ROOT, 'scripts/install-n8n.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
		installed = n8nPaths();
	}
	return installed;
}

/** Builds and packs this package; returns the tarball (kept in the cache, named by content). */
export function packPackage(cache: string): string {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const dir = join(cache, 'packs');
	mkdirSync(dir, { recursive: true });
	const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT }).toString().trim().split('\n').pop()!;
	return join(dir, name);
}

export interface ExecutionResult {
	status: string;
	startedAt: string;
	stoppedAt: string;
	data: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: { message: string } }>>; error?: { message: string; description?: string; node?: { name: string } }; lastNodeExecuted?: string } };
}

export class N8nInstance {
	readonly node: string;
	readonly bin: string;
	private server?: ChildProcess;
	/** What the running server printed, for test failure messages. */
	readonly serverLog: string[] = [];

	constructor(
		readonly home: string,
		private readonly settings: { allowedFolders?: string[]; port?: number; brokerPort?: number; tmpDir?: string } = {},
	) {
		const paths = ensureN8n();
		this.node = paths.node;
		this.bin = paths.bin;
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
		};
	}

	/** Installs our package into .n8n/nodes from the tarball, as a user would; skipped when unchanged. */
	installPackage(tarball: string): void {
		const nodesDir = join(this.home, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		const stamp = join(nodesDir, '.sales-analytics-pack');
		const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex');
		if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
		if (!existsSync(join(nodesDir, 'package.json'))) writeFileSync(join(nodesDir, 'package.json'), '{"private":true}\n');
		// Same version number, new content: npm would keep the old copy unless it is gone.
		rmSync(join(nodesDir, 'node_modules', 'n8n-nodes-sales-analytics'), { recursive: true, force: true });
		execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', '--omit=dev', tarball], { cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] });
		writeFileSync(stamp, digest);
	}

	/** n8n's CLI exits before a big stdout drains into a pipe, so its output goes to a file. */
	cli(args: string[]): { stdout: string; stderr: string; code: number } {
		const outFile = join(this.home, `cli-${process.pid}-${Date.now()}.out`);
		const errFile = `${outFile}.err`;
		const out = openSync(outFile, 'w');
		const err = openSync(errFile, 'w');
		let code = 0;
		try {
			execFileSync(this.node, [this.bin, ...args], { env: this.env(), stdio: ['ignore', out, err] });
		} catch (error) {
			code = (error as { status?: number }).status ?? 1;
		} finally {
			closeSync(out);
			closeSync(err);
		}
		const result = { stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8'), code };
		rmSync(outFile, { force: true });
		rmSync(errFile, { force: true });
		return result;
	}

	private importJson(kind: 'workflow' | 'credentials', data: unknown): void {
		const file = join(this.home, `import-${kind}-${process.pid}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(data));
		try {
			const result = this.cli([`import:${kind}`, `--input=${file}`]);
			if (result.code !== 0) throw new Error(`n8n import:${kind} failed: ${result.stderr || result.stdout}`);
		} finally {
			rmSync(file, { force: true });
		}
	}

	importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>): void {
		this.importJson('credentials', credentials);
	}

	importWorkflow(workflow: { id: string }): void {
		this.importJson('workflow', workflow);
	}

	/** Runs a workflow from the CLI; returns n8n's own record of the run. */
	execute(workflowId: string): { run?: ExecutionResult; output: string; code: number } {
		const result = this.cli(['execute', `--id=${workflowId}`]);
		return { run: parseExecution(result.stdout), output: result.stdout + result.stderr, code: result.code };
	}

	async startServer(): Promise<string> {
		const base = `http://127.0.0.1:${this.settings.port ?? 5678}`;
		const logs = this.serverLog;
		this.server = spawn(this.node, [this.bin, 'start'], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		this.server.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
		this.server.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
		const deadline = Date.now() + 90_000;
		while (Date.now() < deadline) {
			if (this.server.exitCode !== null) throw new Error(`n8n exited: ${logs.join('')}`);
			try {
				if ((await fetch(`${base}/healthz/readiness`)).ok) return base;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 300));
		}
		await this.stopServer();
		throw new Error(`n8n did not become ready: ${logs.join('').slice(-2000)}`);
	}

	/** SIGTERM to the server's whole process group (its task runner included). */
	async stopServer(): Promise<void> {
		const server = this.server;
		if (!server || server.exitCode !== null) return;
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

/** The shipped workflow with its Config node set for this run; everything else exactly as shipped. */
export function configuredWorkflow(file: string, config: Record<string, string>, disabledNodes: string[] = []) {
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

export const REPORT_FILES = ['rapport_ca.xlsx', 'vins_premium.csv', 'vins_ordinaires.csv', 'summary.json'];

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
		else if (ch === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1)) as ExecutionResult;
	}
	return undefined;
}

export function listFiles(dir: string): string[] {
	return existsSync(dir) ? readdirSync(dir).sort() : [];
}
