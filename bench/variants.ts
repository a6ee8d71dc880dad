/**
 * The ways the benchmark computes the month, and how each is run once on one input. n8n
 * variants run with `n8n execute` in the same real n8n as the e2e tests (the before variant in
 * a second user folder holding the package as it was at a git ref); the floors run
 * bench/duckdb-floor.ts in their own Node process.
 */
import {
	closeSync,
	existsSync,
	openSync,
	readFileSync,
	readSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { configuredWorkflow, parseExecution, ROOT } from '../scripts/n8n/instance';
import type { ExecutionResult, N8nInstance } from '../scripts/n8n/instance';
import { FLOORS } from './duckdb-floor';
import type { Floor } from './duckdb-floor';
import { measure } from './measure';
import { verifyOutputs } from './verify';
import type { ExpectedFigures } from '../scripts/sample-data/generator';
import type { Timings } from '../nodes/shared/table/clock';

export type Variant = 'table' | 'before' | 'rows' | 'vanilla' | Floor;
export type N8nVariant = Exclude<Variant, Floor>;
export type Format = 'csv' | 'parquet' | 'xlsx';
export const VARIANTS: Variant[] = ['table', 'before', 'rows', 'vanilla', 'duckdb-same', 'duckdb'];
export const FORMATS: Format[] = ['csv', 'parquet', 'xlsx'];

export function isFloor(variant: Variant): variant is Floor {
	return (FLOORS as Variant[]).includes(variant);
}

export interface RunOutcome {
	status: 'ok' | 'failed' | 'timeout';
	/** n8n's own start → stop of the execution; for the floor, the script's own timing. */
	executionMs?: number;
	/** The whole command: n8n's start-up, the run, and its exit. */
	commandMs: number;
	peakRssMb: number;
	/** Per-node time from n8n's run record, when the record is small enough to read. */
	nodeMs?: Record<string, number>;
	/** Where each of our nodes spent its time (the `timings` of its Table summary). */
	phases?: Record<string, Timings>;
	note?: string;
}

export interface RunRequest {
	variant: Variant;
	format: Format;
	/** Folder holding erp, liaison and web in this format, and expected.json. */
	input: string;
	output: string;
	capMs: number;
	logPrefix: string;
}

/** Why a variant cannot run on a format at all; recorded as failed, not run. */
export function unsupported(variant: Variant, format: Format): string | undefined {
	if (variant === 'vanilla' && format === 'parquet')
		return "n8n's Extract From File has no Parquet reader";
	if (isFloor(variant) && format === 'xlsx')
		return 'DuckDB reads xlsx only through its excel extension, which downloads at run time (no internet here)';
	return undefined;
}

const SHIPPED = 'bottleneck-monthly-report.json';
const NOTIFICATIONS = ['Notify Slack', 'Alert Slack', 'Email Reports'];
// before runs in its own user folder, so it keeps the shipped id too.
export const WORKFLOW_IDS: Record<N8nVariant, string> = {
	table: 'SalesMonthly0001',
	before: 'SalesMonthly0001',
	rows: 'SalesBenchRows01',
	vanilla: 'SalesBenchVanilla',
};

/**
 * The workflow run for an n8n variant, pointed at this input and output; for before, the
 * shipped workflow of the old ref's tree (`beforeRoot`), configured the same way.
 */
export function benchWorkflow(
	variant: N8nVariant,
	format: Format,
	input: string,
	output: string,
	beforeRoot?: string,
) {
	if (variant === 'vanilla') {
		const workflow = JSON.parse(
			readFileSync(join(ROOT, 'bench/workflows/vanilla-monthly-report.json'), 'utf8'),
		);
		for (const node of workflow.nodes) {
			if (node.name === 'Config') {
				const values: Record<string, string> = {
					inputFolder: input,
					outputFolder: output,
					fileExtension: format,
				};
				for (const assignment of node.parameters.assignments.assignments)
					assignment.value = values[assignment.name];
			}
			if (node.type === 'n8n-nodes-base.extractFromFile') node.parameters.operation = format;
		}
		return workflow;
	}
	if (variant === 'before' && !beforeRoot)
		throw new Error("the before variant needs the old ref's tree");
	// configuredWorkflow reads from this tree's workflows/: the old ref's file is reached from there.
	const file =
		variant === 'before'
			? relative(join(ROOT, 'workflows'), join(beforeRoot!, 'workflows', SHIPPED))
			: SHIPPED;
	// The shipped workflow as users run it, minus Slack and email (no receivers in a benchmark).
	const workflow = configuredWorkflow(
		file,
		{ inputFolder: input, outputFolder: output },
		NOTIFICATIONS,
	);
	if (variant === 'rows') {
		workflow.id = WORKFLOW_IDS.rows;
		workflow.name += ' (Rows mode)';
		// No Rows Output Limit: the variant measures what Rows mode costs, up to --rows-max.
		for (const node of workflow.nodes) {
			if (!('outputMode' in node.parameters)) continue;
			node.parameters.outputMode = 'rows';
			node.parameters.tableOptions = {
				...(node.parameters.tableOptions as object),
				rowsOutputLimit: 0,
			};
		}
	}
	return workflow;
}

/** Record files bigger than this are not parsed for node timings (rows-mode runs print every item). */
const MAX_RECORD_BYTES = 256 * 2 ** 20;

export interface ReportRequest {
	/** This tree, or the old ref's for before; env sets the cache folder the old scripts use. */
	cwd: string;
	env: NodeJS.ProcessEnv;
	input: string;
	output: string;
	expected: ExpectedFigures;
	capMs: number;
	logPrefix: string;
}

/** How often, and how long apart, a report run is retried when another n8n holds the report's fixed ports. */
const PORT_RETRIES = 6;
const PORT_RETRY_MS = 20_000;

/**
 * The whole `npm run report` on one month, as a user types it: ok when it exits 0 and its
 * lists hold the month's figures. Its user folder listens on fixed ports: while another
 * `npm run report` on this machine holds them, it waits and tries again.
 */
export async function reportOnce(request: ReportRequest): Promise<RunOutcome> {
	for (let attempt = 1; ; attempt++) {
		const outcome = await reportAttempt(request);
		if (attempt === PORT_RETRIES || !/port \d+ is already in use/.test(outcome.note ?? ''))
			return outcome;
		console.log(
			`[bench] npm run report: ${outcome.note}; trying again in ${PORT_RETRY_MS / 1000} s`,
		);
		await new Promise((resolve) => setTimeout(resolve, PORT_RETRY_MS));
	}
}

async function reportAttempt(request: ReportRequest): Promise<RunOutcome> {
	const stdoutFile = `${request.logPrefix}.out`;
	const stderrFile = `${request.logPrefix}.err`;
	const args = [
		'run',
		'--silent',
		'report',
		'--',
		'--input',
		request.input,
		'--out',
		request.output,
	];
	const measured = await measure('npm', args, {
		cwd: request.cwd,
		env: request.env,
		capMs: request.capMs,
		stdoutFile,
		stderrFile,
	});
	const base = { commandMs: measured.wallMs, peakRssMb: measured.peakRssMb };
	if (measured.timedOut) return { ...base, status: 'timeout' };
	if (measured.exitCode !== 0)
		return {
			...base,
			status: 'failed',
			note: firstAndLastLines(stderrFile) || `npm run report: exit code ${measured.exitCode}`,
		};
	const wrong = await verifyOutputs(request.output, request.expected);
	return wrong ? { ...base, status: 'failed', note: wrong } : { ...base, status: 'ok' };
}

/** Runs one variant once; `n8n` is the user folder holding that variant's package (for the floors, any: only its Node is used). */
export async function runOnce(n8n: N8nInstance, request: RunRequest): Promise<RunOutcome> {
	const stdoutFile = `${request.logPrefix}.out`;
	const stderrFile = `${request.logPrefix}.err`;
	if (isFloor(request.variant)) {
		const measured = await measure(
			n8n.node,
			[
				'--import',
				'tsx',
				join(ROOT, 'bench/duckdb-floor.ts'),
				request.variant,
				request.input,
				request.format,
				request.output,
			],
			{
				cwd: ROOT,
				capMs: request.capMs,
				stdoutFile,
				stderrFile,
			},
		);
		const base = { commandMs: measured.wallMs, peakRssMb: measured.peakRssMb };
		if (measured.timedOut) return { ...base, status: 'timeout' };
		if (measured.exitCode !== 0) return { ...base, status: 'failed', note: lastLine(stderrFile) };
		return { ...base, status: 'ok', executionMs: JSON.parse(readFileSync(stdoutFile, 'utf8')).ms };
	}
	const workflowId = WORKFLOW_IDS[request.variant];
	const measured = await measure(n8n.node, [n8n.bin, 'execute', `--id=${workflowId}`], {
		env: n8n.env(),
		capMs: request.capMs,
		stdoutFile,
		stderrFile,
	});
	const base = { commandMs: measured.wallMs, peakRssMb: measured.peakRssMb };
	if (measured.timedOut) return { ...base, status: 'timeout' };
	// The run record in n8n's database; the CLI's printout of it can fail on its own for big runs.
	const stored = latestExecution(n8n, workflowId);
	const printed =
		statSync(stdoutFile).size < MAX_RECORD_BYTES
			? parseExecution(readFileSync(stdoutFile, 'utf8'))
			: undefined;
	// A run that crashed n8n has no stop time.
	const executionMs =
		stored?.startedAt && stored.stoppedAt
			? Date.parse(stored.stoppedAt) - Date.parse(stored.startedAt)
			: undefined;
	const nodeMs = printed ? nodeTimes(printed) : undefined;
	const phases = printed ? nodePhases(printed) : undefined;
	shorten(stdoutFile);
	if (stored?.status !== 'success') {
		const error = printed?.data.resultData.error;
		const note = error
			? `${error.node?.name ? `${error.node.name}: ` : ''}${error.message}`
			: (crashLine(stdoutFile, stderrFile) ??
				`n8n status ${stored?.status ?? 'unknown'}, exit code ${measured.exitCode}`);
		return { ...base, status: 'failed', executionMs, nodeMs, phases, note };
	}
	return { ...base, status: 'ok', executionMs, nodeMs, phases };
}

function nodePhases(run: ExecutionResult): Record<string, Timings> {
	const phases: Record<string, Timings> = {};
	for (const [node, tasks] of Object.entries(run.data.resultData.runData)) {
		const timings = tasks[0]?.data?.main?.flat().find((item) => item?.json.timings)?.json.timings;
		if (timings) phases[node] = timings as Timings;
	}
	return phases;
}

/** Rows-mode and built-in runs print every item (hundreds of MB): keep the start and the end. */
function shorten(file: string): void {
	const size = statSync(file).size;
	const keep = 64 * 1024;
	if (size <= 4 * keep) return;
	const fd = openSync(file, 'r');
	const head = Buffer.alloc(keep);
	const tail = Buffer.alloc(keep);
	readSync(fd, head, 0, keep, 0);
	readSync(fd, tail, 0, keep, size - keep);
	closeSync(fd);
	writeFileSync(
		file,
		Buffer.concat([head, Buffer.from(`\n… ${size - 2 * keep} bytes left out …\n`), tail]),
	);
}

function nodeTimes(run: ExecutionResult): Record<string, number> {
	const times: Record<string, number> = {};
	for (const [node, tasks] of Object.entries(run.data.resultData.runData)) {
		times[node] = tasks.reduce(
			(sum, task) => sum + ((task as { executionTime?: number }).executionTime ?? 0),
			0,
		);
	}
	return times;
}

interface StoredExecution {
	status: string;
	startedAt: string;
	stoppedAt: string;
}

/** The newest execution of a workflow, read from n8n's SQLite database with Node 24's built-in driver. */
function latestExecution(n8n: N8nInstance, workflowId: string): StoredExecution | undefined {
	const database = join(n8n.home, '.n8n', 'database.sqlite');
	if (!existsSync(database)) return undefined;
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const db = new DatabaseSync(process.argv[1], { readOnly: true });
		const row = db.prepare('SELECT status, startedAt, stoppedAt FROM execution_entity WHERE workflowId = ? ORDER BY id DESC LIMIT 1').get(process.argv[2]);
		process.stdout.write(JSON.stringify(row ?? null));`;
	const text = execFileSync(n8n.node, [
		'--no-warnings',
		'-e',
		script,
		database,
		workflowId,
	]).toString();
	const row = JSON.parse(text) as StoredExecution | null;
	if (!row?.startedAt || !row.stoppedAt) return row ?? undefined;
	// SQLite keeps UTC without a zone marker.
	const utc = (value: string) =>
		/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
	return { ...row, startedAt: utc(row.startedAt), stoppedAt: utc(row.stoppedAt) };
}

function lastLine(file: string): string {
	return readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
}

/** The report prints what went wrong first (n8n's own message) and its verdict last. */
function firstAndLastLines(file: string): string {
	const lines = readFileSync(file, 'utf8')
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	return [...new Set([lines[0], lines.at(-1)])].filter(Boolean).join(' … ').slice(0, 300);
}

/** The line that says why n8n died (heap, payload size, task runner), if it printed one. */
function crashLine(...files: string[]): string | undefined {
	for (const file of files) {
		const text = statSync(file).size < MAX_RECORD_BYTES ? readFileSync(file, 'utf8') : '';
		const line = text
			.split('\n')
			.find((l) =>
				/heap out of memory|Invalid string length|payload|Task .*(timed out|request timed out)|ERR_|Error:/i.test(
					l,
				),
			);
		if (line) return line.trim().slice(0, 300);
	}
	return undefined;
}
