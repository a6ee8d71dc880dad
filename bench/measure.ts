/**
 * Runs one command in its own process group and measures it from outside: wall time, and the
 * peak resident memory of the whole group (n8n plus its task runner, or the DuckDB script),
 * sampled from /proc. A run past the time cap is killed with its whole group.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';

export interface Measured {
	wallMs: number;
	peakRssMb: number;
	exitCode: number | null;
	timedOut: boolean;
	/** The leader's pid, which names the process group. */
	pid: number;
}

const PAGE_BYTES = 4096;
const SAMPLE_EVERY_MS = 100;

/** Resident bytes of every process whose process group is `group`. */
export function groupRss(group: number): number {
	let total = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// Fields after the command name, which may hold spaces: state ppid pgrp …
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) !== group) continue;
			total += Number(readFileSync(`/proc/${entry}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
		} catch {
			// the process ended between listing and reading
		}
	}
	return total;
}

export async function measure(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string; capMs: number; stdoutFile: string; stderrFile: string },
): Promise<Measured> {
	const out = openSync(options.stdoutFile, 'w');
	const err = openSync(options.stderrFile, 'w');
	const started = performance.now();
	const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', out, err], detached: true });
	closeSync(out);
	closeSync(err);
	// If the benchmark itself is stopped, the run it started must not go on alone.
	const stopRun = () => killGroup(child.pid!);
	const stopAndExit = () => {
		stopRun();
		process.exit(130);
	};
	process.once('exit', stopRun);
	process.once('SIGINT', stopAndExit);
	process.once('SIGTERM', stopAndExit);
	let peak = 0;
	let timedOut = false;
	const sampler = setInterval(() => (peak = Math.max(peak, groupRss(child.pid!))), SAMPLE_EVERY_MS);
	const killer = setTimeout(() => {
		timedOut = true;
		killGroup(child.pid!);
	}, options.capMs);
	const exitCode = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => resolve(code));
	});
	const wallMs = performance.now() - started;
	clearInterval(sampler);
	clearTimeout(killer);
	process.off('exit', stopRun);
	process.off('SIGINT', stopAndExit);
	process.off('SIGTERM', stopAndExit);
	// The leader is gone; a task runner it left behind must not outlive the run.
	killGroup(child.pid!);
	return { wallMs, peakRssMb: Math.round(peak / 2 ** 20), exitCode, timedOut, pid: child.pid! };
}

function killGroup(group: number): void {
	try {
		process.kill(-group, 'SIGKILL');
	} catch {
		// already gone
	}
}
