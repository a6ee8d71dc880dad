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

/** The pid and /proc stat fields after the command name (state ppid pgrp …) of every process in group `group`. */
function groupProcesses(group: number): Array<{ pid: string; fields: string[] }> {
	const found: Array<{ pid: string; fields: string[] }> = [];
	for (const pid of readdirSync('/proc')) {
		if (!/^\d+$/.test(pid)) continue;
		try {
			// The command name may hold spaces: the fields start after its closing parenthesis.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === group) found.push({ pid, fields });
		} catch {
			// the process ended between listing and reading
		}
	}
	return found;
}

/** The ids of the processes in group `group`. */
export function groupPids(group: number): number[] {
	return groupProcesses(group).map(({ pid }) => Number(pid));
}

/** Resident bytes of every process whose process group is `group`. */
export function groupRss(group: number): number {
	let total = 0;
	for (const { pid } of groupProcesses(group)) {
		try {
			total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
		} catch {
			// ended since
		}
	}
	return total;
}

// Linux counts CPU time in USER_HZ ticks, 100 a second on every mainstream build.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by the processes now in group `group`. */
export function groupCpuSeconds(group: number): number {
	return (
		groupProcesses(group).reduce(
			(sum, { fields }) => sum + Number(fields[11]) + Number(fields[12]),
			0,
		) / TICKS_PER_SECOND
	);
}

/** Busy and total CPU seconds of the whole machine, all cores, since boot (/proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
	const ticks = readFileSync('/proc/stat', 'utf8')
		.split('\n')[0]
		.trim()
		.split(/\s+/)
		.slice(1)
		.map(Number);
	const total = ticks.reduce((sum, value) => sum + value, 0);
	// idle and iowait
	return {
		busy: (total - ticks[3] - ticks[4]) / TICKS_PER_SECOND,
		total: total / TICKS_PER_SECOND,
	};
}

export async function measure(
	command: string,
	args: string[],
	options: {
		env?: NodeJS.ProcessEnv;
		cwd?: string;
		capMs: number;
		stdoutFile: string;
		stderrFile: string;
	},
): Promise<Measured> {
	const out = openSync(options.stdoutFile, 'w');
	const err = openSync(options.stderrFile, 'w');
	const started = performance.now();
	const child = spawn(command, args, {
		env: options.env,
		cwd: options.cwd,
		stdio: ['ignore', out, err],
		detached: true,
	});
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

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
