/**
 * Benchmark records → latest.json; latest.md with the before → after table against the
 * targets (bench/targets.ts), a table per format with the ratios (the HTML months apart), the
 * warm `npm run report` and the per-node profile now and before; and an SVG chart (time
 * against web rows, log scales, one line per variant, one panel per input format).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { N8nInstance } from '../scripts/n8n/instance';
import { ROOT } from '../scripts/n8n/instance';
import { REAL_MONTH, TARGETS } from './targets';
import type { Target } from './targets';
import type { ThroughputRecord } from './throughput';
import { VARIANTS } from './variants';
import type { Format, RunOutcome, Variant } from './variants';

export interface BenchRecord {
	/** run: one variant on one month; report: the whole `npm run report` command on the real month; queue: executions per minute in queue mode. */
	kind: 'run' | 'report' | 'queue';
	variant: Variant;
	format: Format;
	web_rows: number;
	/** The month was generated with long HTML descriptions (post_content, post_excerpt). */
	html: boolean;
	median_ms: number | null;
	peak_rss_mb: number | null;
	status: 'ok' | 'failed' | 'timeout';
	machine: string;
	/** Median of the whole command (n8n start-up and exit included). */
	command_ms?: number;
	/** False when the variant was not run: it cannot read the format, or it already stopped at a smaller scale. */
	ran: boolean;
	note?: string;
	reps?: RunOutcome[];
	/** kind queue: one load with this many workers. */
	queue?: ThroughputRecord;
}

export interface BenchSettings {
	scales: number[];
	formats: Format[];
	variants: Variant[];
	reps: number;
	/** Runs per cell from 1M web rows up. */
	repsLarge: number;
	/** Rows mode runs up to this many web rows. */
	rowsMax: number;
	/** Built-in nodes run up to this many web rows. */
	vanillaMax: number;
	/** Scales that also get a month with long HTML descriptions. */
	html: number[];
	capMinutes: number;
	cellMinutes: number;
	/** Uploads per queue-mode load (0: not measured) and how many wait for their answer at once. */
	queueRuns: number;
	queueInFlight: number;
	/** The ref the before variant was built from. */
	before?: { ref: string; commit: string; subject: string };
}

export const LARGE_SCALE = 1_000_000;

const LABELS: Record<Variant, string> = {
	table: 'ours, Table mode',
	before: 'before, Table mode',
	rows: 'ours, Rows mode',
	vanilla: 'built-in n8n nodes',
	'duckdb-same': 'DuckDB, same work',
	duckdb: 'DuckDB, 7 columns',
};
const COLOURS: Record<Variant, string> = {
	table: '#1f6fd1',
	before: '#8e5cc2',
	rows: '#2a9d5b',
	vanilla: '#d1422f',
	'duckdb-same': '#333333',
	duckdb: '#a0a0a0',
};
/** Ratio columns: [label, numerator, denominator]; shown when both variants were run. */
const RATIOS: Array<[string, Variant, Variant]> = [
	['built-in / ours', 'vanilla', 'table'],
	['before / ours', 'before', 'table'],
	['ours / DuckDB same work', 'table', 'duckdb-same'],
	['ours / DuckDB 7 columns', 'table', 'duckdb'],
];

function packageVersion(path: string): string {
	return JSON.parse(readFileSync(path, 'utf8')).version;
}

export function machineSummary(n8n: N8nInstance): string {
	const cpuModel = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
	const node = execFileSync(n8n.node, ['--version']).toString().trim();
	const n8nVersion = packageVersion(join(dirname(n8n.bin), '..', 'package.json'));
	const duckdb = packageVersion(join(ROOT, 'node_modules/@duckdb/node-api/package.json'));
	const memory = Math.round(totalmem() / 2 ** 30);
	return `${cpus().length} × ${cpuModel}, ${memory} GiB, Linux ${release()}, Node ${node}, n8n ${n8nVersion}, @duckdb/node-api ${duckdb}`;
}

export function writeReports(
	folder: string,
	records: BenchRecord[],
	settings: BenchSettings,
): void {
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, 'latest.json'), `${JSON.stringify(records, null, 2)}\n`);
	writeFileSync(join(folder, 'latest.md'), markdown(records, settings));
	writeFileSync(join(folder, 'chart.svg'), chart(records, settings));
}

function seconds(ms: number): string {
	return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

export function scaleLabel(rows: number): string {
	return `${rows.toLocaleString('en')}${rows === REAL_MONTH ? ' (real month)' : ''}`;
}

export function repsFor(rows: number, settings: BenchSettings): number {
	return rows >= LARGE_SCALE ? settings.repsLarge : settings.reps;
}

function ratio(numerator: BenchRecord | undefined, denominator: BenchRecord | undefined): string {
	if (!numerator || !denominator || denominator.status !== 'ok') return '–';
	if (numerator.status !== 'ok') return numerator.status;
	return `${(numerator.median_ms! / denominator.median_ms!).toFixed(1)}×`;
}

function figure(value: number | undefined, unit: Target['unit']): string {
	if (value === undefined) return '–';
	if (unit === 'ms') return seconds(value);
	if (unit === 'MB') return `${Math.round(value)} MB`;
	return `${value.toFixed(2)}×`;
}

function markdown(records: BenchRecord[], settings: BenchSettings): string {
	const runs = records.filter((r) => r.kind === 'run');
	const find = (variant: Variant, format: Format, rows: number, html: boolean) =>
		runs.find(
			(r) => r.variant === variant && r.format === format && r.web_rows === rows && r.html === html,
		);
	const variants = VARIANTS.filter((v) => settings.variants.includes(v));
	const ratios = RATIOS.filter(([, a, b]) => variants.includes(a) && variants.includes(b));
	const notes: string[] = [];
	const cell = (record: BenchRecord | undefined): string => {
		if (!record) return '–';
		const count = record.reps?.length ?? 0;
		const expected = record.kind === 'report' ? settings.reps : repsFor(record.web_rows, settings);
		if (record.status === 'ok')
			return `${seconds(record.median_ms!)} · ${record.peak_rss_mb} MB${count < expected ? ` (${count} run${count > 1 ? 's' : ''})` : ''}`;
		const text = record.note ?? record.status;
		let index = notes.indexOf(text);
		if (index < 0) index = notes.push(text) - 1;
		return `**${record.status}** [${index + 1}]`;
	};
	const before = settings.before;
	const lines = [
		'# Benchmark: our nodes against their previous version, built-in n8n nodes and raw DuckDB',
		'',
		`Machine: ${records[0]?.machine ?? 'not run'}.`,
		`Median of ${settings.reps} runs (${settings.repsLarge} from ${LARGE_SCALE.toLocaleString('en')} web rows; fewer where one cell's runs already took ${settings.cellMinutes} minutes; the count is in latest.json); a run is stopped at ${settings.capMinutes} minutes.`,
		`Rows mode runs up to ${settings.rowsMax.toLocaleString('en')} web rows${Number.isFinite(settings.vanillaMax) ? `, built-in nodes up to ${settings.vanillaMax.toLocaleString('en')}` : ''}; "–" where a variant was not run.`,
		...(before
			? [
					`**before** is the shipped workflow in Table mode with the package as it was at \`${before.ref}\` (${before.commit.slice(0, 7)}, "${before.subject}"), in a second n8n user folder of the same n8n, measured in this run.`,
				]
			: []),
		"**DuckDB, same work** is the workflow's cleaning, joins, revenue and premium split as one SQL script, writing the three lists with every merged column; **DuckDB, 7 columns** does the least that finds the same figures. Neither reads xlsx: DuckDB needs its excel extension for that, which downloads at run time.",
		"Time is n8n's own start → stop of the execution (for DuckDB: the script's own time); memory is the peak resident set of the whole process group (n8n with its task runner).",
		"Every run is checked: its premium and ordinary lists must hold the generated month's counts and revenue, to the cent.",
		'',
	];
	if (before || runs.some((r) => r.variant === 'table')) {
		const side = before ? `before (${before.commit.slice(0, 7)})` : 'before';
		lines.push(
			'## Before → after, in this run',
			'',
			"after is ours, Table mode, from this tree; every figure is a median of this run's records; met compares after with the goal (bench/targets.ts).",
			'',
			`| target | goal | ${side} | after | after / before | met |`,
			'|---|---|---:|---:|---:|---|',
		);
		for (const target of TARGETS) {
			const old = target.value(records, 'before');
			const now = target.value(records, 'table');
			const change =
				old !== undefined && now !== undefined && old !== 0 ? `${(now / old).toFixed(2)}×` : '–';
			const met =
				target.goal && now !== undefined ? (target.goal.met(now) ? 'met' : '**not met**') : '–';
			lines.push(
				`| ${target.what} | ${target.goal?.text ?? '–'} | ${figure(old, target.unit)} | ${figure(now, target.unit)} | ${change} | ${met} |`,
			);
		}
		lines.push('');
	}
	for (const html of [false, true]) {
		for (const format of settings.formats) {
			const scales = [
				...new Set(
					runs.filter((r) => r.format === format && r.html === html).map((r) => r.web_rows),
				),
			].sort((a, b) => a - b);
			if (!scales.length) continue;
			lines.push(
				`## ${format} input${html ? ', long HTML descriptions' : ''}`,
				'',
				`| web rows | ${[...variants.map((v) => LABELS[v]), ...ratios.map(([label]) => label)].join(' | ')} |`,
				`|---:|${'---:|'.repeat(variants.length + ratios.length)}`,
			);
			for (const rows of scales) {
				const cells = variants.map((v) => cell(find(v, format, rows, html)));
				const quotients = ratios.map(([, a, b]) =>
					ratio(find(a, format, rows, html), find(b, format, rows, html)),
				);
				lines.push(`| ${scaleLabel(rows)} | ${[...cells, ...quotients].join(' | ')} |`);
			}
			lines.push('');
		}
	}
	const reports = records.filter((r) => r.kind === 'report');
	if (reports.length) {
		lines.push(
			'## Warm `npm run report`, the real month (xlsx)',
			'',
			'The whole command as a user types it — build check, install check, imports, n8n start-up, the run and exit — after one untimed run.',
			'',
			'| package | whole command · peak memory |',
			'|---|---:|',
			...reports.map((r) => `| ${LABELS[r.variant]} | ${cell(r)} |`),
			'',
		);
	}
	lines.push(...queueSection(records));
	lines.push(
		'### Whole command (n8n start-up and exit included), median',
		'',
		`| format | web rows | ${variants.map((v) => LABELS[v]).join(' | ')} |`,
		`|---|---:|${'---:|'.repeat(variants.length)}`,
	);
	for (const html of [false, true]) {
		for (const format of settings.formats) {
			for (const rows of [
				...new Set(
					runs.filter((r) => r.format === format && r.html === html).map((r) => r.web_rows),
				),
			].sort((a, b) => a - b)) {
				const whole = (variant: Variant) => {
					const record = find(variant, format, rows, html);
					return record?.status === 'ok' && record.command_ms ? seconds(record.command_ms) : '–';
				};
				lines.push(
					`| ${format}${html ? ', HTML' : ''} | ${scaleLabel(rows)} | ${variants.map(whole).join(' | ')} |`,
				);
			}
		}
	}
	lines.push('');
	if (notes.length)
		lines.push(
			'### Runs that did not finish',
			'',
			...notes.map((note, index) => `${index + 1}. ${note}`),
			'',
		);
	lines.push(...profile(runs, settings));
	return `${lines.join('\n')}\n`;
}

/**
 * Where the time of our Table-mode runs, now and before, goes at the largest scale of each
 * format: per node, split by the node's own clock into reading its inputs, the SQL, report
 * files and handing its table on; what is left of n8n's execution time is n8n itself.
 */
function profile(runs: BenchRecord[], settings: BenchSettings): string[] {
	const lines = [
		'## Where the time goes (ours now and before, Table mode, largest scale of each format)',
		'',
	];
	const plain = runs.filter((r) => !r.html && r.status === 'ok');
	for (const format of settings.formats) {
		for (const variant of ['table', 'before'] as const) {
			const record = plain
				.filter((r) => r.variant === variant && r.format === format)
				.sort((a, b) => b.web_rows - a.web_rows)[0];
			const timed = (record?.reps ?? []).filter((rep) => rep.nodeMs && rep.executionMs);
			if (!record || !timed.length) continue;
			const run = timed.sort((a, b) => a.executionMs! - b.executionMs!)[
				Math.floor((timed.length - 1) / 2)
			];
			const nodes = Object.entries(run.nodeMs!).sort((a, b) => b[1] - a[1]);
			const inNodes = nodes.reduce((sum, [, ms]) => sum + ms, 0);
			const total = { load: 0, compute: 0, report: 0, handOff: 0 };
			lines.push(
				`### ${format}, ${scaleLabel(record.web_rows)} web rows, ${LABELS[variant]} (median run: execution ${seconds(run.executionMs!)}, whole command ${seconds(run.commandMs)})`,
				'',
				'| node | in the node | reading inputs | SQL | report files | hand-off (Parquet out) |',
				'|---|---:|---:|---:|---:|---:|',
			);
			for (const [node, ms] of nodes.filter(([, ms]) => ms >= 20)) {
				const phase = run.phases?.[node];
				if (phase) {
					total.load += phase.loadMs;
					total.compute += phase.computeMs;
					total.report += phase.reportMs;
					total.handOff += phase.handOffMs;
				}
				const part = (value: number | undefined) => (phase ? seconds(value!) : '');
				lines.push(
					`| ${node} | ${seconds(ms)} | ${part(phase?.loadMs)} | ${part(phase?.computeMs)} | ${part(phase?.reportMs)} | ${part(phase?.handOffMs)} |`,
				);
			}
			const between = Math.max(0, run.executionMs! - inNodes);
			const share = (ms: number) =>
				`${seconds(ms)} (${((100 * ms) / run.executionMs!).toFixed(0)} %)`;
			lines.push(
				'',
				`Summed over our nodes: reading inputs ${share(total.load)}, SQL ${share(total.compute)}, report files ${share(total.report)}, hand-off ${share(total.handOff)};` +
					` n8n between the nodes ${share(between)}. Outside the execution, the CLI's start-up and exit take ${seconds(run.commandMs - run.executionMs!)}.`,
				'',
			);
		}
	}
	return lines;
}

/** The plain months only: the HTML months and the report command have tables of their own. */
function chart(all: BenchRecord[], settings: BenchSettings): string {
	const records = all.filter((r) => r.kind === 'run' && !r.html);
	const panelWidth = 380;
	const panelHeight = 320;
	const margin = { left: 64, right: 16, top: 40, bottom: 52 };
	const legendWidth = 190;
	const formats = settings.formats.filter((format) => records.some((r) => r.format === format));
	const width = Math.max(formats.length, 1) * panelWidth + 20;
	const perLine = Math.max(1, Math.floor((width - 20) / legendWidth));
	const legendLines = Math.ceil(settings.variants.length / perLine);
	const height = panelHeight + 50 + legendLines * 20;
	const times = records.filter((r) => r.status === 'ok').map((r) => r.median_ms!);
	const rows = records.map((r) => r.web_rows);
	const decade = (value: number, round: (x: number) => number) => 10 ** round(Math.log10(value));
	const xMin = decade(Math.min(...rows), Math.floor);
	const xMax = decade(Math.max(...rows), Math.ceil);
	const yMin = decade(Math.max(1, Math.min(...times, 10)), Math.floor);
	const yMax = decade(Math.max(...times, settings.capMinutes * 60_000), Math.ceil);
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
		`<rect width="100%" height="100%" fill="white"/>`,
	];
	formats.forEach((format, panel) => {
		const x0 = panel * panelWidth + margin.left;
		const plotWidth = panelWidth - margin.left - margin.right;
		const plotHeight = panelHeight - margin.top - margin.bottom;
		const x = (value: number) =>
			x0 +
			((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotWidth;
		const y = (value: number) =>
			margin.top +
			plotHeight -
			((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotHeight;
		parts.push(
			`<text x="${x0 + plotWidth / 2}" y="24" text-anchor="middle" font-size="14" font-weight="bold">${format} input</text>`,
		);
		parts.push(
			`<rect x="${x0}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
		);
		for (let v = xMin; v <= xMax; v *= 10) {
			parts.push(
				`<line x1="${x(v)}" y1="${margin.top}" x2="${x(v)}" y2="${margin.top + plotHeight}" stroke="#e3e3e3"/>`,
			);
			parts.push(
				`<text x="${x(v)}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : v}</text>`,
			);
		}
		for (let v = yMin; v <= yMax; v *= 10) {
			parts.push(
				`<line x1="${x0}" y1="${y(v)}" x2="${x0 + plotWidth}" y2="${y(v)}" stroke="#e3e3e3"/>`,
			);
			parts.push(
				`<text x="${x0 - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`,
			);
		}
		const cap = settings.capMinutes * 60_000;
		parts.push(
			`<line x1="${x0}" y1="${y(cap)}" x2="${x0 + plotWidth}" y2="${y(cap)}" stroke="#d1422f" stroke-dasharray="4 3"/>`,
		);
		parts.push(
			`<text x="${x0 + plotWidth - 4}" y="${y(cap) - 4}" text-anchor="end" fill="#d1422f">${settings.capMinutes} min cap</text>`,
		);
		parts.push(
			`<text x="${x0 + plotWidth / 2}" y="${margin.top + plotHeight + 34}" text-anchor="middle">web rows (log)</text>`,
		);
		if (panel === 0)
			parts.push(
				`<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">execution time (log)</text>`,
			);
		for (const variant of settings.variants) {
			const points = records
				.filter((r) => r.variant === variant && r.format === format)
				.sort((a, b) => a.web_rows - b.web_rows);
			const ok = points.filter((r) => r.status === 'ok');
			if (ok.length > 1)
				parts.push(
					`<polyline fill="none" stroke="${COLOURS[variant]}" stroke-width="2" points="${ok.map((r) => `${x(r.web_rows).toFixed(1)},${y(r.median_ms!).toFixed(1)}`).join(' ')}"/>`,
				);
			for (const r of ok)
				parts.push(
					`<circle cx="${x(r.web_rows).toFixed(1)}" cy="${y(r.median_ms!).toFixed(1)}" r="3" fill="${COLOURS[variant]}"/>`,
				);
			// The first run that did not finish, drawn on the cap line.
			const stopped = points.find((r) => r.status !== 'ok' && r.ran);
			if (stopped) {
				const cx = x(stopped.web_rows);
				const cy = y(cap);
				parts.push(
					`<path d="M${cx - 5},${cy - 5} L${cx + 5},${cy + 5} M${cx - 5},${cy + 5} L${cx + 5},${cy - 5}" stroke="${COLOURS[variant]}" stroke-width="2.5"/>`,
				);
			}
		}
	});
	VARIANTS.filter((v) => settings.variants.includes(v)).forEach((variant, index) => {
		const lx = 20 + (index % perLine) * legendWidth;
		const ly = panelHeight + 40 + Math.floor(index / perLine) * 20;
		parts.push(
			`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${COLOURS[variant]}" stroke-width="2"/>`,
		);
		parts.push(`<text x="${lx + 30}" y="${ly + 4}">${LABELS[variant]}</text>`);
	});
	parts.push(
		`<text x="${width - 10}" y="${height - 10}" text-anchor="end" fill="#555">× on the cap line: failed or timed out at that size</text>`,
	);
	parts.push('</svg>');
	return `${parts.join('\n')}\n`;
}

/** Queue mode: executions per minute with one worker and with two, free and held to a core each, and what the cores did meanwhile. */
function queueSection(records: BenchRecord[]): string[] {
	const loads = records.filter((r) => r.kind === 'queue' && r.queue);
	if (!loads.length) return [];
	const first = loads[0].queue!;
	const workerGroups = (load: ThroughputRecord) =>
		load.groups.filter((group) => group.name.startsWith('worker'));
	const perExecution = (cpuSeconds: number, load: ThroughputRecord) =>
		seconds((cpuSeconds / load.runs) * 1000);
	const row = ({ queue: load, status, note }: BenchRecord): string => {
		const workers = `${load!.workers}${load!.one_core_each ? (load!.workers === 1 ? ', on one core' : ', one core each') : ''}`;
		if (status !== 'ok') return `| ${workers} | **${status}**: ${note} | | | | | |`;
		const workerCpu = workerGroups(load!).reduce((sum, group) => sum + group.cpu_s, 0);
		const mainCpu = load!.groups.find((group) => group.name === 'main')?.cpu_s ?? 0;
		const memory = workerGroups(load!)
			.map((group) => `${group.peak_rss_mb} MB`)
			.join(' + ');
		return `| ${workers} | ${load!.per_minute.toFixed(1)} | ${seconds(load!.median_latency_ms)} | ${Math.round(load!.machine_busy * 100)} % | ${perExecution(workerCpu, load!)} | ${perExecution(mainCpu, load!)} | ${memory} |`;
	};
	const scaling = [false, true].flatMap((oneCoreEach) => {
		const find = (workers: number) =>
			loads.find(
				(r) =>
					r.status === 'ok' &&
					r.queue!.workers === workers &&
					r.queue!.one_core_each === oneCoreEach,
			)?.queue;
		const [one, two] = [find(1), find(2)];
		return one && two
			? [
					`2 workers / 1 worker${oneCoreEach ? ', one core each' : ''}: **${(two.per_minute / one.per_minute).toFixed(2)}×** the executions per minute.`,
				]
			: [];
	});
	return [
		`## Queue mode: executions per minute of ${first.month}`,
		'',
		`Postgres, Redis, one n8n main and n8n workers on this machine (scripts/n8n/queue.ts), binary data in Postgres. ${first.runs} webhook uploads of the month, ${first.in_flight} waiting for their answer at any moment, every answer checked against the month's figures; with worker 2 stopped, then with both, after warm-up runs. First the workers may use every core; then each is held to one core of its own (taskset), as on machines of one core each, the main, Postgres and Redis left free. CPU is user + system time of each n8n process group (task runner included) during the load; "cores busy" is the whole machine's.`,
		'',
		'| workers | executions / min | median answer | cores busy | worker CPU per execution | main CPU per execution | worker peak memory |',
		'|---|---:|---:|---:|---:|---:|---:|',
		...loads.map(row),
		'',
		...scaling.flatMap((line) => [line, '']),
	];
}
