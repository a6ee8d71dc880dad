import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Has a detached watchdog (watchdog.cjs) kill `target` once this process, or the e2e runner that
 * started it (E2E_RUNNER_PID, set by scripts/test-e2e.sh), is gone: a test runner killed with
 * SIGKILL runs no cleanup, and its servers would live on, holding their ports.
 */
export function killWithOwner(
	target: { group: number } | { pid: number },
	signal: NodeJS.Signals = 'SIGKILL',
): void {
	// Innermost first: this process, then the runner whose death makes it an orphan.
	const owners = [process.pid, Number(process.env.E2E_RUNNER_PID)].filter(
		(pid) => Number.isInteger(pid) && pid > 0,
	);
	const [kind, id] = 'group' in target ? ['group', target.group] : ['pid', target.pid];
	spawn(
		process.execPath,
		[join(__dirname, 'watchdog.cjs'), owners.join(','), kind, String(id), signal],
		{ detached: true, stdio: 'ignore' },
	).unref();
}
