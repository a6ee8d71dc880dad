/**
 * A throwaway Postgres from Debian's `postgresql` on 127.0.0.1: its own data folder in the temp
 * folder, trust authentication for user `postgres`, no durability (scratch data). Used by the
 * queue-mode topology and by the tests of the Postgres history store. stop() removes everything.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { killWithOwner } from './watchdog';

/** Debian's Postgres binaries, newest version first installed; undefined when there are none. */
export function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** Why a local Postgres cannot start here (a message to skip with), or undefined when it can. */
export function postgresMissing(): string | undefined {
	return postgresBin()
		? undefined
		: "needs Debian's postgresql (/usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql";
}

export class LocalPostgres {
	readonly host = '127.0.0.1';
	readonly user = 'postgres';
	private readonly bin: string;
	/** Its data folder, removed by stop(). */
	readonly data: string;
	private started = false;

	constructor(
		readonly port: number,
		readonly database: string,
	) {
		const bin = postgresBin();
		if (!bin) throw new Error(postgresMissing());
		this.bin = bin;
		// Apart from the caller's folders: the postgres user must reach it.
		this.data = mkdtempSync(join(tmpdir(), 'local-pg-'));
	}

	/** Postgres refuses to run as root: as root, its commands run as the `postgres` user. */
	private pg(command: string, args: string[]): string {
		const bin = join(this.bin, command);
		const asRoot = userInfo().uid === 0;
		// Run from its own folder: the postgres user may not enter ours.
		return execFileSync(
			asRoot ? 'runuser' : bin,
			asRoot ? ['-u', 'postgres', '--', bin, ...args] : args,
			{ cwd: this.data, stdio: ['ignore', 'pipe', 'pipe'] },
		).toString();
	}

	start(): this {
		if (userInfo().uid === 0) {
			const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
			chownSync(this.data, id('-u'), id('-g'));
		}
		this.pg('initdb', [
			'-D',
			this.data,
			'-U',
			this.user,
			'--auth=trust',
			'-E',
			'UTF8',
			'--no-sync',
		]);
		// Scratch data: no durability needed, so no fsync; its socket in its own folder, TCP on 127.0.0.1 only.
		const settings = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
		this.started = true;
		this.pg('pg_ctl', [
			'-D',
			this.data,
			'-l',
			join(this.data, 'server.log'),
			'-o',
			settings,
			'-w',
			'-t',
			'60',
			'start',
		]);
		// SIGQUIT, Postgres's immediate shutdown, if this process dies without stopping it.
		killWithOwner(
			{ pid: Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]) },
			'SIGQUIT',
		);
		this.pg('createdb', ['-h', this.host, '-p', String(this.port), '-U', this.user, this.database]);
		return this;
	}

	/** A query (psql, unaligned, no headers): one line per row, fields split by `|`. */
	query(sql: string): string[] {
		const out = execFileSync(join(this.bin, 'psql'), [
			'-h',
			this.host,
			'-p',
			String(this.port),
			'-U',
			this.user,
			'-d',
			this.database,
			'-At',
			'-v',
			'ON_ERROR_STOP=1',
			'-c',
			sql,
		]).toString();
		return out.split('\n').filter(Boolean);
	}

	/** Stops the server and removes its folder; safe to call twice. Throws with Postgres's words if it would not stop. */
	stop(): void {
		try {
			// No postmaster.pid: it never came up, or is already stopped.
			if (this.started && existsSync(join(this.data, 'postmaster.pid'))) {
				this.pg('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
			}
			this.started = false;
		} catch (error) {
			throw new Error(
				`postgres did not stop: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
				{ cause: error },
			);
		} finally {
			if (!this.started) rmSync(this.data, { recursive: true, force: true });
		}
	}
}
