/**
 * n8n in queue mode on 127.0.0.1, as a production install runs it: Postgres for the database,
 * Redis for the job queue, one main (`n8n start`: editor and webhooks, enqueues executions) and
 * workers (`n8n worker`) that run them, each with its own user folder, temp folder and copy of
 * this package installed from the packed tarball, as on separate machines. Everything lives in
 * fresh folders and on fixed ports from `basePort`; stop() ends every process and removes every
 * folder. Used by `npm run start:queue` and tests/e2e/queue-mode.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPostgres, postgresMissing } from './postgres';
import {
	ensureN8n,
	importShippedWorkflows,
	N8nInstance,
	packPackage,
	seedInstalledPackage,
	waitForWebhook,
} from './instance';
import type { ShippedWorkflowSettings } from './instance';
import { killWithOwner } from './watchdog';

export const WEBHOOK_PATH = 'webhook/sales-analytics/monthly-report';

/** What makes every n8n process a queue-mode one; deploy/docker-compose.yml sets the same (tests/deploy.test.ts). */
export const QUEUE_MODE_SETTINGS: Readonly<Record<string, string>> = {
	EXECUTIONS_MODE: 'queue',
	DB_TYPE: 'postgresdb',
	// Queue mode's only binary mode without a licence: tables travel between processes through Postgres.
	N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	// n8n's default cap (MiB) on one stored file, spelled out.
	N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '512',
};

/** Redis as the queue only: nothing kept on disk (jobs are also recorded in Postgres). */
export const REDIS_ARGS: readonly string[] = ['--save', '', '--appendonly', 'no'];

function onPath(command: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Why queue mode cannot start here (a message to skip with), or undefined when it can. */
export function queueModeMissing(): string | undefined {
	const missing = [
		...(postgresMissing() ? ['postgresql (/usr/lib/postgresql/*/bin/initdb)'] : []),
		...(onPath('redis-server') ? [] : ['redis-server']),
	];
	return missing.length
		? `queue mode needs ${missing.join(' and ')}: apt-get install -y postgresql redis-server`
		: undefined;
}

export interface QueueOptions {
	/** Ports used: Postgres basePort, Redis +1, main +2 (its task broker +3), worker i's health server +4+2i and task broker +5+2i. */
	basePort: number;
	workers?: number;
	/** The webhook's X-Report-Token. */
	token: string;
	inputFolder: string;
	outputFolder: string;
	/** Slack incoming-webhook URL; without it the Slack nodes are disabled. */
	slackUrl?: string;
	/** SMTP "host:port"; without it the email node is disabled. */
	smtpAddress?: string;
	emailTo?: string;
	/** Progress lines (start:queue prints them). */
	log?: (line: string) => void;
	/** Changes the report workflow before import, e.g. a schedule that fires now. */
	adjustReport?: ShippedWorkflowSettings['adjust'];
	/** More environment for every n8n process (main and workers), applied over the queue settings, e.g. QUEUE_WORKER_LOCK_DURATION. */
	env?: Record<string, string>;
}

export interface QueueWorker {
	n8n: N8nInstance;
	home: string;
	/** Its own TMPDIR: DuckDB's engine and scratch folders of the executions it runs go here. */
	tmpDir: string;
	healthPort: number;
}

export class QueueTopology {
	/** The editor, e.g. http://127.0.0.1:5952. */
	base = '';
	webhook = '';
	main?: N8nInstance;
	mainTmpDir = '';
	readonly workers: QueueWorker[] = [];
	private readonly root: string;
	private readonly postgres: LocalPostgres;
	private redis?: ChildProcess;
	private readonly encryptionKey = randomBytes(24).toString('hex');

	constructor(private readonly options: QueueOptions) {
		const missing = queueModeMissing();
		if (missing) throw new Error(missing);
		this.root = mkdtempSync(join(tmpdir(), 'n8n-queue-'));
		this.postgres = new LocalPostgres(options.basePort, 'n8n');
	}

	get ports() {
		const base = this.options.basePort;
		return {
			postgres: base,
			redis: base + 1,
			main: base + 2,
			mainBroker: base + 3,
			workerHealth: (i: number) => base + 4 + 2 * i,
			workerBroker: (i: number) => base + 5 + 2 * i,
		};
	}

	/** Process ids of the running workers (each leads its process group, its task runner inside). */
	get workerPids(): number[] {
		return this.workers
			.map((worker) => worker.n8n.pid)
			.filter((pid): pid is number => pid !== undefined);
	}

	/** The environment every n8n process shares: one database, one queue, one encryption key. */
	private sharedEnv(): Record<string, string> {
		return {
			...QUEUE_MODE_SETTINGS,
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.ports.postgres),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.ports.redis),
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			...this.options.env,
		};
	}

	async start(): Promise<this> {
		try {
			const log = this.options.log ?? (() => undefined);
			log(`Postgres on 127.0.0.1:${this.ports.postgres}`);
			this.postgres.start();
			log(`Redis on 127.0.0.1:${this.ports.redis}`);
			await this.startRedis();
			log('packing this package and installing it into the main and each worker');
			const { cache } = ensureN8n();
			const tarball = packPackage(cache);
			const folders = [this.options.inputFolder, this.options.outputFolder];
			const home = (name: string) => {
				const dir = join(this.root, name);
				seedInstalledPackage(dir, cache);
				return dir;
			};
			this.mainTmpDir = join(this.root, 'main-tmp');
			mkdirSync(this.mainTmpDir);
			const main = new N8nInstance(home('main'), {
				allowedFolders: folders,
				port: this.ports.main,
				brokerPort: this.ports.mainBroker,
				tmpDir: this.mainTmpDir,
				env: this.sharedEnv(),
			});
			this.main = main;
			main.installPackage(tarball);
			for (let i = 0; i < (this.options.workers ?? 2); i++) {
				const tmpDir = join(this.root, `worker-${i + 1}-tmp`);
				mkdirSync(tmpDir);
				// port: the main's, so URLs a worker builds (WEBHOOK_URL) point at the main; it listens only on its health port.
				const n8n = new N8nInstance(home(`worker-${i + 1}`), {
					allowedFolders: folders,
					port: this.ports.main,
					brokerPort: this.ports.workerBroker(i),
					healthPort: this.ports.workerHealth(i),
					tmpDir,
					env: this.sharedEnv(),
				});
				n8n.installPackage(tarball);
				this.workers.push({ n8n, home: n8n.home, tmpDir, healthPort: this.ports.workerHealth(i) });
			}
			log('importing credentials and workflows into Postgres');
			// Once, through the main's CLI: they live in Postgres, where every worker reads them.
			const { token, slackUrl, smtpAddress, emailTo, inputFolder, outputFolder, adjustReport } =
				this.options;
			// The history in the same Postgres (its own tables): every worker records and compares there.
			const history = {
				postgres: {
					host: this.postgres.host,
					port: this.postgres.port,
					database: this.postgres.database,
					user: this.postgres.user,
					password: '',
				},
			};
			importShippedWorkflows(main, {
				token,
				slackUrl,
				smtpAddress,
				emailTo,
				inputFolder,
				outputFolder,
				history,
				publish: true,
				adjust: adjustReport,
			});
			log(`n8n main on 127.0.0.1:${this.ports.main}`);
			this.base = await main.startServer();
			log(`${this.workers.length} n8n workers`);
			await Promise.all(this.workers.map((worker) => worker.n8n.startWorker()));
			this.webhook = `${this.base}/${WEBHOOK_PATH}`;
			await waitForWebhook(this.webhook);
			return this;
		} catch (error) {
			// The start's error is the one to see; a failed cleanup is added to it.
			const cleanup = await this.stop().then(
				() => '',
				(stopError: Error) => `\n(and ${stopError.message})`,
			);
			return Promise.reject(new Error(`${(error as Error).message}${cleanup}`, { cause: error }));
		}
	}

	private async startRedis(): Promise<void> {
		const dir = join(this.root, 'redis');
		mkdirSync(dir);
		const redis = spawn(
			'redis-server',
			[...REDIS_ARGS, '--port', String(this.ports.redis), '--bind', '127.0.0.1', '--dir', dir],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
				// Its own process group: a Ctrl-C in start:queue's terminal must not stop the queue before the workers.
				detached: true,
			},
		);
		this.redis = redis;
		killWithOwner({ group: redis.pid! });
		let output = '';
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`redis-server did not start: ${output}`)),
				20_000,
			);
			redis.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString();
				if (output.includes('Ready to accept connections')) {
					clearTimeout(timer);
					resolve();
				}
			});
			redis.on('exit', () => {
				clearTimeout(timer);
				reject(new Error(`redis-server exited: ${output}`));
			});
		});
		// Nothing reads its output from here on: drained so it never blocks on a full pipe.
		redis.stdout!.resume();
		redis.stderr!.resume();
	}

	/** A query on n8n's Postgres database (psql unaligned, no headers): n8n's own records. */
	query(sql: string): string[] {
		return this.postgres.query(sql);
	}

	/**
	 * The ids of the executions a worker took from the queue, from n8n's event log in its user
	 * folder (`.n8n/n8nEventLog-worker.log`): n8n logs `n8n.queue.job.dequeued` with the
	 * execution id and its host id when a worker picks up a job. The database does not say which
	 * worker ran an execution.
	 */
	executionsTakenBy(worker: QueueWorker): string[] {
		const ids: string[] = [];
		const folder = join(worker.home, '.n8n');
		for (const file of existsSync(folder)
			? readdirSync(folder).filter((name) => /^n8nEventLog-worker(-\d+)?\.log$/.test(name))
			: []) {
			for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
				if (!line.includes('n8n.queue.job.dequeued')) continue;
				const event = JSON.parse(line) as {
					eventName?: string;
					payload?: { executionId?: string };
				};
				if (event.eventName === 'n8n.queue.job.dequeued' && event.payload?.executionId)
					ids.push(String(event.payload.executionId));
			}
		}
		return ids;
	}

	/** Stops the workers, the main, Redis and Postgres, and removes every folder; safe to call twice. */
	async stop(): Promise<void> {
		const problems: string[] = [];
		// Workers first: they finish or give back their jobs while the queue and the database are still up.
		await Promise.all(
			this.workers.map((worker) =>
				worker.n8n.stopServer().catch((error: Error) => problems.push(`worker: ${error.message}`)),
			),
		);
		await this.main?.stopServer().catch((error: Error) => problems.push(`main: ${error.message}`));
		const redis = this.redis;
		if (redis && redis.exitCode === null && redis.signalCode === null) {
			const exited = new Promise((resolve) => redis.once('exit', resolve));
			redis.kill('SIGTERM');
			await exited;
		}
		try {
			this.postgres.stop();
		} catch (error) {
			problems.push((error as Error).message);
		}
		rmSync(this.root, { recursive: true, force: true });
		if (problems.length)
			throw new Error(`queue topology did not stop cleanly: ${problems.join('; ')}`);
	}
}
