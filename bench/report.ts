/**
 * Benchmark records → latest.json, a Markdown table with the ratios, and an SVG chart (time
 * against web rows, log scales, one line per variant, one panel per input format).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { N8nInstance } from '../scripts/n8n/instance';
import { ROOT } from '../scripts/n8n/instance';
import { VARIANTS } from './variants';
import type { Format, RunOutcome, Variant } from './variants';

export interface BenchRecord {
	variant: Variant;
	format: Format;
	web_rows: number;
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
}

export interface BenchSettings {
	scales: number[];
	formats: Format[];
	variants: Variant[];
	reps: number;
	capMinutes: number;
	cellMinutes: number;
}

const LABELS: Record<Variant, string> = { table: 'ours, Table mode', rows: 'ours, Rows mode', vanilla: 'built-in n8n nodes', duckdb: 'raw DuckDB' };
const COLOURS: Record<Variant, string> = { table: '#1f6fd1', rows: '#2a9d5b', vanilla: '#d1422f', duckdb: '#6b6b6b' };

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

export function writeReports(folder: string, records: BenchRecord[], settings: BenchSettings): void {
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, 'latest.json'), `${JSON.stringify(records, null, 2)}\n`);
	writeFileSync(join(folder, 'latest.md'), markdown(records, settings));
	writeFileSync(join(folder, 'chart.svg'), chart(records, settings));
}

function seconds(ms: number): string {
	return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

function ratio(numerator: BenchRecord | undefined, denominator: BenchRecord | undefined): string {
	if (!numerator || !denominator || denominator.status !== 'ok') return '–';
	if (numerator.status !== 'ok') return numerator.status;
	return `${(numerator.median_ms! / denominator.median_ms!).toFixed(1)}×`;
}

function markdown(records: BenchRecord[], settings: BenchSettings): string {
	const find = (variant: Variant, format: Format, rows: number) => records.find((r) => r.variant === variant && r.format === format && r.web_rows === rows);
	const notes: string[] = [];
	const cell = (record: BenchRecord | undefined): string => {
		if (!record) return '–';
		const runs = record.reps?.length ?? 0;
		if (record.status === 'ok') return `${seconds(record.median_ms!)} · ${record.peak_rss_mb} MB${runs < settings.reps ? ` (${runs} run${runs > 1 ? 's' : ''})` : ''}`;
		const text = record.note ?? record.status;
		let index = notes.indexOf(text);
		if (index < 0) index = notes.push(text) - 1;
		return `**${record.status}** [${index + 1}]`;
	};
	const lines = [
		'# Benchmark: our nodes against built-in n8n nodes and raw DuckDB',
		'',
		`Machine: ${records[0]?.machine ?? 'not run'}.`,
		`Median of ${settings.reps} runs (fewer where one size's runs already took ${settings.cellMinutes} minutes; the count is in latest.json); a run is stopped at ${settings.capMinutes} minutes.`,
		"Time is n8n's own start → stop of the execution (for raw DuckDB: the script's own time); memory is the peak resident set of the whole process group (n8n with its task runner).",
		'Every run is checked: its premium and ordinary lists must hold the generated month\'s counts and revenue, to the cent.',
		'',
	];
	for (const format of settings.formats) {
		const scales = [...new Set(records.filter((r) => r.format === format).map((r) => r.web_rows))].sort((a, b) => a - b);
		if (!scales.length) continue;
		lines.push(`## ${format} input`, '', `| web rows | ${VARIANTS.map((v) => LABELS[v]).join(' | ')} | built-in / ours | ours / DuckDB |`, '|---:|---:|---:|---:|---:|---:|---:|');
		for (const rows of scales) {
			const ours = find('table', format, rows);
			lines.push(
				`| ${rows.toLocaleString('en')} | ${cell(ours)} | ${cell(find('rows', format, rows))} | ${cell(find('vanilla', format, rows))} | ${cell(find('duckdb', format, rows))} | ${ratio(find('vanilla', format, rows), ours)} | ${ratio(ours, find('duckdb', format, rows))} |`,
			);
		}
		lines.push('');
	}
	lines.push('### Whole command (n8n start-up and exit included), median', '', `| format | web rows | ${VARIANTS.map((v) => LABELS[v]).join(' | ')} |`, '|---|---:|---:|---:|---:|---:|');
	for (const format of settings.formats) {
		for (const rows of [...new Set(records.filter((r) => r.format === format).map((r) => r.web_rows))].sort((a, b) => a - b)) {
			const whole = (variant: Variant) => {
				const record = find(variant, format, rows);
				return record?.status === 'ok' && record.command_ms ? seconds(record.command_ms) : '–';
			};
			lines.push(`| ${format} | ${rows.toLocaleString('en')} | ${whole('table')} | ${whole('rows')} | ${whole('vanilla')} | ${whole('duckdb')} |`);
		}
	}
	lines.push('');
	if (notes.length) lines.push('### Runs that did not finish', '', ...notes.map((note, index) => `${index + 1}. ${note}`), '');
	lines.push(...profile(records));
	return `${lines.join('\n')}\n`;
}

/**
 * Where the time of our Table-mode runs goes at the largest scale of each format: per node,
 * split by the node's own clock into reading its inputs, the SQL, report files and handing
 * its table on; what is left of n8n's execution time is n8n itself.
 */
function profile(records: BenchRecord[]): string[] {
	const lines = ['## Where the time goes (ours, Table mode, largest scale of each format)', ''];
	for (const record of records.filter((r) => r.variant === 'table' && r.status === 'ok')) {
		const larger = records.some((r) => r.variant === 'table' && r.status === 'ok' && r.format === record.format && r.web_rows > record.web_rows);
		const runs = (record.reps ?? []).filter((rep) => rep.nodeMs && rep.executionMs);
		if (larger || !runs.length) continue;
		const run = runs.sort((a, b) => a.executionMs! - b.executionMs!)[Math.floor((runs.length - 1) / 2)];
		const nodes = Object.entries(run.nodeMs!).sort((a, b) => b[1] - a[1]);
		const inNodes = nodes.reduce((sum, [, ms]) => sum + ms, 0);
		const total = { load: 0, compute: 0, report: 0, handOff: 0 };
		lines.push(
			`### ${record.format}, ${record.web_rows.toLocaleString('en')} web rows (median run: execution ${seconds(run.executionMs!)}, whole command ${seconds(run.commandMs)})`,
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
			lines.push(`| ${node} | ${seconds(ms)} | ${part(phase?.loadMs)} | ${part(phase?.computeMs)} | ${part(phase?.reportMs)} | ${part(phase?.handOffMs)} |`);
		}
		const between = Math.max(0, run.executionMs! - inNodes);
		const share = (ms: number) => `${seconds(ms)} (${((100 * ms) / run.executionMs!).toFixed(0)} %)`;
		lines.push(
			'',
			`Summed over our nodes: reading inputs ${share(total.load)}, SQL ${share(total.compute)}, report files ${share(total.report)}, hand-off ${share(total.handOff)};` +
				` n8n between the nodes ${share(between)}. Outside the execution, the CLI's start-up and exit take ${seconds(run.commandMs - run.executionMs!)}.`,
			'',
		);
	}
	return lines;
}

function chart(records: BenchRecord[], settings: BenchSettings): string {
	const panelWidth = 380;
	const panelHeight = 320;
	const margin = { left: 64, right: 16, top: 40, bottom: 52 };
	const formats = settings.formats.filter((format) => records.some((r) => r.format === format));
	const width = formats.length * panelWidth + 20;
	const height = panelHeight + 70;
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
		const x = (value: number) => x0 + ((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotWidth;
		const y = (value: number) => margin.top + plotHeight - ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotHeight;
		parts.push(`<text x="${x0 + plotWidth / 2}" y="24" text-anchor="middle" font-size="14" font-weight="bold">${format} input</text>`);
		parts.push(`<rect x="${x0}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
		for (let v = xMin; v <= xMax; v *= 10) {
			parts.push(`<line x1="${x(v)}" y1="${margin.top}" x2="${x(v)}" y2="${margin.top + plotHeight}" stroke="#e3e3e3"/>`);
			parts.push(`<text x="${x(v)}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : v}</text>`);
		}
		for (let v = yMin; v <= yMax; v *= 10) {
			parts.push(`<line x1="${x0}" y1="${y(v)}" x2="${x0 + plotWidth}" y2="${y(v)}" stroke="#e3e3e3"/>`);
			parts.push(`<text x="${x0 - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
		}
		const cap = settings.capMinutes * 60_000;
		parts.push(`<line x1="${x0}" y1="${y(cap)}" x2="${x0 + plotWidth}" y2="${y(cap)}" stroke="#d1422f" stroke-dasharray="4 3"/>`);
		parts.push(`<text x="${x0 + plotWidth - 4}" y="${y(cap) - 4}" text-anchor="end" fill="#d1422f">${settings.capMinutes} min cap</text>`);
		parts.push(`<text x="${x0 + plotWidth / 2}" y="${margin.top + plotHeight + 34}" text-anchor="middle">web rows (log)</text>`);
		if (panel === 0) parts.push(`<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">execution time (log)</text>`);
		for (const variant of settings.variants) {
			const points = records.filter((r) => r.variant === variant && r.format === format).sort((a, b) => a.web_rows - b.web_rows);
			const ok = points.filter((r) => r.status === 'ok');
			if (ok.length > 1) parts.push(`<polyline fill="none" stroke="${COLOURS[variant]}" stroke-width="2" points="${ok.map((r) => `${x(r.web_rows).toFixed(1)},${y(r.median_ms!).toFixed(1)}`).join(' ')}"/>`);
			for (const r of ok) parts.push(`<circle cx="${x(r.web_rows).toFixed(1)}" cy="${y(r.median_ms!).toFixed(1)}" r="3" fill="${COLOURS[variant]}"/>`);
			// The first run that did not finish, drawn on the cap line.
			const stopped = points.find((r) => r.status !== 'ok' && r.ran);
			if (stopped) {
				const cx = x(stopped.web_rows);
				const cy = y(cap);
				parts.push(`<path d="M${cx - 5},${cy - 5} L${cx + 5},${cy + 5} M${cx - 5},${cy + 5} L${cx + 5},${cy - 5}" stroke="${COLOURS[variant]}" stroke-width="2.5"/>`);
			}
		}
	});
	settings.variants.forEach((variant, index) => {
		const lx = 20 + index * 190;
		const ly = panelHeight + 40;
		parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${COLOURS[variant]}" stroke-width="2"/>`);
		parts.push(`<text x="${lx + 30}" y="${ly + 4}">${LABELS[variant]}</text>`);
	});
	parts.push(`<text x="${width - 10}" y="${height - 10}" text-anchor="end" fill="#555">× on the cap line: failed or timed out at that size</text>`);
	parts.push('</svg>');
	return `${parts.join('\n')}\n`;
}
