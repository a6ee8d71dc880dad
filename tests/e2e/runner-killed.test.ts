/**
 * A test runner SIGKILLed in the middle of a server test runs no cleanup: its n8n server and its
 * Postgres must still die, within seconds, and not hold their ports (scripts/n8n/watchdog.cjs).
 * The runner here runs tests/e2e/fixtures/holds-servers.ts the way `npm run test:e2e` runs its
 * files (E2E_RUNNER_PID set, `node --test`), and is killed once both servers are up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../scripts/n8n/instance';
import { postgresMissing } from '../../scripts/n8n/postgres';
import { freshDir, until } from './helpers';

const PORT = 6050;

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/** Whether something accepts connections on 127.0.0.1:port. */
const listening = (port: number) =>
	new Promise<boolean>((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});

test(
	'the e2e runner SIGKILLed during a server test: no n8n, no Postgres, no port left within seconds',
	{ skip: postgresMissing() },
	async (t) => {
		const scratch = freshDir('runner-killed-');
		const status = join(scratch, 'status.json');
		const fixture = join(ROOT, 'tests/e2e/fixtures/holds-servers.ts');
		// As scripts/test-e2e.sh does: the runner's own PID in E2E_RUNNER_PID, then exec node --test.
		const runner = spawn(
			'bash',
			['-c', `export E2E_RUNNER_PID=$$; exec node --import tsx --test ${JSON.stringify(fixture)}`],
			{
				cwd: ROOT,
				// Without NODE_TEST_CONTEXT, which tells node --test it runs inside another test file's runner.
				env: {
					...Object.fromEntries(
						Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'),
					),
					HOLDS_SERVERS_STATUS: status,
					HOLDS_SERVERS_PORT: String(PORT),
				},
				stdio: ['ignore', 'ignore', 'pipe'],
			},
		);
		let errors = '';
		runner.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
		let held:
			| {
					testPid: number;
					n8nGroup: number;
					n8nPort: number;
					postgresPort: number;
					folders: string[];
			  }
			| undefined;
		try {
			held = await until('both servers up', 120, () => {
				if (runner.exitCode !== null) throw new Error(`the runner exited: ${errors}`);
				return existsSync(status) ? JSON.parse(readFileSync(status, 'utf8')) : undefined;
			});
			assert.ok(await listening(held!.n8nPort), 'n8n listens before the kill');
			assert.ok(await listening(held!.postgresPort), 'Postgres listens before the kill');

			const killedAt = Date.now();
			process.kill(runner.pid!, 'SIGKILL');
			const { n8nGroup, n8nPort, postgresPort, testPid } = held!;
			const leftOver = async () =>
				[
					alive(-n8nGroup) && 'the n8n process group',
					alive(testPid) && 'the test file process',
					(await listening(n8nPort)) && `port ${n8nPort}`,
					(await listening(postgresPort)) && `port ${postgresPort}`,
				].filter(Boolean);
			for (let left = await leftOver(); left.length; left = await leftOver()) {
				assert.ok(
					Date.now() - killedAt < 15_000,
					`15 s after the kill, still there: ${left.join(', ')}`,
				);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			t.diagnostic(
				`everything gone ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
			);
		} finally {
			if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
			for (const folder of [scratch, ...(held?.folders ?? [])])
				rmSync(folder, { recursive: true, force: true });
		}
	},
);
