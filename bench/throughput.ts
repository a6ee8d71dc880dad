/**
 * Queue-mode throughput: executions per minute of the real month through the webhook, with one
 * worker and then two, in the same topology and the same run (scripts/n8n/queue.ts: Postgres,
 * Redis, a main, two workers, binary data in Postgres). The same offered load both times:
 * `runs` uploads with `inFlight` of them waiting for their answer at any moment. Every answer is
 * checked against the month's figures. Alongside: how busy the machine's cores were, and each
 * n8n process group's CPU time and peak memory, which say why it scales as it does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { QueueTopology } from '../scripts/n8n/queue';
import { groupCpuSeconds, groupPids, groupRss, machineCpuSeconds, median } from './measure';

export interface Month {
	label: string;
	files: Record<string, string>;
	expected: { merged_rows: number; revenue_total: string; premium_count: number };
}

export interface ThroughputRecord {
	/** Which month was uploaded. */
	month: string;
	workers: number;
	/** Each worker held to one core of its own (taskset), as on machines of one core each; main, Postgres and Redis unpinned. */
	one_core_each: boolean;
	runs: number;
	in_flight: number;
	status: 'ok' | 'failed';
	note?: string;
	wall_ms: number;
	per_minute: number;
	median_latency_ms: number;
	/** Share of the machine's cores that were busy during the runs, 0–1. */
	machine_busy: number;
	/** CPU seconds and peak resident MB per n8n process group (task runner included). */
	groups: Array<{ name: string; cpu_s: number; peak_rss_mb: number }>;
}

const TOKEN_HEADER = 'X-Report-Token';

function upload(webhook: string, token: string, month: Month): Promise<Response> {
	const form = new FormData();
	for (const [name, path] of Object.entries(month.files))
		form.append(name, new Blob([readFileSync(path)]), path.split('/').pop()!);
	form.append(
		'expected',
		new Blob([JSON.stringify(month.expected)], { type: 'application/json' }),
		'expected.json',
	);
	return fetch(webhook, { method: 'POST', body: form, headers: { [TOKEN_HEADER]: token } });
}

/** One upload, answered and checked; the wrong answer as text, or undefined. */
async function runOnce(
	webhook: string,
	token: string,
	month: Month,
): Promise<{ ms: number; wrong?: string }> {
	const started = performance.now();
	const response = await upload(webhook, token, month);
	const body = await response.text();
	const ms = performance.now() - started;
	if (response.status !== 200)
		return { ms, wrong: `HTTP ${response.status}: ${body.slice(0, 300)}` };
	const { figures } = JSON.parse(body);
	const got = [figures.merged_rows, figures.revenue_total, figures.premium_count];
	const want = [
		month.expected.merged_rows,
		month.expected.revenue_total,
		month.expected.premium_count,
	];
	return {
		ms,
		wrong:
			JSON.stringify(got) === JSON.stringify(want)
				? undefined
				: `figures ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
	};
}

/** `runs` uploads, never more than `inFlight` unanswered; the latencies and the first wrong answer. */
async function load(
	webhook: string,
	token: string,
	month: Month,
	runs: number,
	inFlight: number,
): Promise<{ latencies: number[]; wrong?: string }> {
	const latencies: number[] = [];
	let next = 0;
	let wrong: string | undefined;
	const client = async () => {
		while (next < runs) {
			next++;
			const outcome = await runOnce(webhook, token, month);
			latencies.push(outcome.ms);
			wrong ??= outcome.wrong;
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, runs) }, client));
	return { latencies, wrong };
}

async function measurePhase(
	topology: QueueTopology,
	token: string,
	month: Month,
	runs: number,
	inFlight: number,
	oneCoreEach: boolean,
): Promise<ThroughputRecord> {
	const groups = [
		{ name: 'main', pid: topology.main!.pid! },
		...topology.workers.flatMap((worker, i) =>
			worker.n8n.pid ? [{ name: `worker ${i + 1}`, pid: worker.n8n.pid }] : [],
		),
	];
	const peaks = groups.map(() => 0);
	const sampler = setInterval(
		() => groups.forEach((group, i) => (peaks[i] = Math.max(peaks[i], groupRss(group.pid)))),
		100,
	);
	const cpuBefore = groups.map((group) => groupCpuSeconds(group.pid));
	const machineBefore = machineCpuSeconds();
	const started = performance.now();
	const { latencies, wrong } = await load(topology.webhook, token, month, runs, inFlight).finally(
		() => clearInterval(sampler),
	);
	const wallMs = performance.now() - started;
	const machineAfter = machineCpuSeconds();
	return {
		month: month.label,
		workers: groups.length - 1,
		one_core_each: oneCoreEach,
		runs,
		in_flight: inFlight,
		status: wrong ? 'failed' : 'ok',
		...(wrong ? { note: wrong } : {}),
		wall_ms: Math.round(wallMs),
		per_minute: Math.round((runs / wallMs) * 60_000 * 10) / 10,
		median_latency_ms: Math.round(median(latencies)),
		machine_busy:
			Math.round(
				((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) *
					100,
			) / 100,
		groups: groups.map((group, i) => ({
			name: group.name,
			cpu_s: Math.round((groupCpuSeconds(group.pid) - cpuBefore[i]) * 10) / 10,
			peak_rss_mb: Math.round(peaks[i] / 2 ** 20),
		})),
	};
}

/** Holds every process and thread of group `group` (n8n and its task runner) to CPU `core`; what they start later inherits it. */
function pinGroup(group: number, core: number): void {
	for (const pid of groupPids(group))
		execFileSync(
			'taskset',
			['--all-tasks', '--cpu-list', '--pid', String(core % cpus().length), String(pid)],
			{ stdio: 'ignore' },
		);
}

/**
 * Starts the queue topology on `basePort` and warms both workers; then, free to use every core
 * and again each held to one core of its own: measures with worker 2 stopped, starts it again,
 * warms it, measures with both. Always stops the topology.
 */
export async function measureThroughput(options: {
	basePort: number;
	month: Month;
	inputFolder: string;
	outputFolder: string;
	runs: number;
	inFlight: number;
	log: (line: string) => void;
}): Promise<ThroughputRecord[]> {
	const { month, runs, inFlight, log } = options;
	const token = 'bench-throughput';
	const topology = new QueueTopology({
		basePort: options.basePort,
		token,
		inputFolder: options.inputFolder,
		outputFolder: options.outputFolder,
		workers: 2,
		log: (line) => log(`queue: ${line}`),
	});
	await topology.start();
	try {
		// Each worker loads the package and opens DuckDB on its first execution: not part of the measure.
		const warm = async () => {
			const { wrong } = await load(topology.webhook, token, month, 4, 4);
			if (wrong) throw new Error(`queue throughput warm-up: ${wrong}`);
		};
		await warm();
		const records: ThroughputRecord[] = [];
		const [, second] = topology.workers;
		for (const oneCoreEach of [false, true]) {
			const pin = () => {
				if (oneCoreEach)
					topology.workers.forEach(
						(worker, core) => worker.n8n.pid && pinGroup(worker.n8n.pid, core),
					);
			};
			pin();
			log(`queue: stopping worker 2${oneCoreEach ? ', worker 1 on core 0' : ''}`);
			await second.n8n.stopServer();
			records.push(await measurePhase(topology, token, month, runs, inFlight, oneCoreEach));
			log(
				`queue: 1 worker${oneCoreEach ? ' on one core' : ''}: ${records.at(-1)!.per_minute} executions/min`,
			);
			await second.n8n.startWorker();
			pin();
			await warm();
			records.push(await measurePhase(topology, token, month, runs, inFlight, oneCoreEach));
			log(
				`queue: 2 workers${oneCoreEach ? ' on one core each' : ''}: ${records.at(-1)!.per_minute} executions/min (${cpus().length} cores)`,
			);
		}
		return records;
	} finally {
		await topology.stop();
	}
}
