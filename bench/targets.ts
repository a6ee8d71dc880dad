/**
 * What the engine work set out to reach, as the benchmark's report checks it: each target is
 * read from this run's records, for ours now (after) and for the before ref. The numbers live
 * here, not in the product: they describe this benchmark's machine and months.
 */
import type { BenchRecord } from './report';
import type { Format } from './variants';

/** Web rows of the real BottleNeck month the package was built for. */
export const REAL_MONTH = 1513;

export type Side = 'table' | 'before';

export interface Target {
	what: string;
	unit: 'ms' | 'ratio' | 'MB';
	/** This run's figure for one side; undefined when a record it needs is missing or did not finish. */
	value(records: BenchRecord[], side: Side): number | undefined;
	/** Absent for the figures shown only to compare before and after. */
	goal?: { text: string; met(value: number): boolean };
}

function run(
	records: BenchRecord[],
	variant: BenchRecord['variant'],
	format: Format,
	rows: number,
): BenchRecord | undefined {
	return records.find(
		(r) =>
			r.kind === 'run' &&
			!r.html &&
			r.variant === variant &&
			r.format === format &&
			r.web_rows === rows &&
			r.status === 'ok',
	);
}

const time = (format: Format, rows: number) => (records: BenchRecord[], side: Side) =>
	run(records, side, format, rows)?.median_ms ?? undefined;

function quotient(a: number | null | undefined, b: number | null | undefined): number | undefined {
	return a != null && b ? a / b : undefined;
}

const overSameWork = (format: Format, rows: number) => (records: BenchRecord[], side: Side) =>
	quotient(
		run(records, side, format, rows)?.median_ms,
		run(records, 'duckdb-same', format, rows)?.median_ms,
	);

const peak = (format: Format, rows: number) => (records: BenchRecord[], side: Side) =>
	run(records, side, format, rows)?.peak_rss_mb ?? undefined;

export const TARGETS: Target[] = [
	{
		what: 'Real month (1,513 web rows), xlsx: execution',
		unit: 'ms',
		value: time('xlsx', REAL_MONTH),
		goal: { text: '< 1.0 s', met: (ms) => ms < 1000 },
	},
	{
		what: 'Real month, xlsx: built-in nodes / ours',
		unit: 'ratio',
		value: (records, side) =>
			quotient(
				run(records, 'vanilla', 'xlsx', REAL_MONTH)?.median_ms,
				run(records, side, 'xlsx', REAL_MONTH)?.median_ms,
			),
		goal: { text: '≥ 2×', met: (ratio) => ratio >= 2 },
	},
	{
		what: 'Warm `npm run report` (real month), whole command',
		unit: 'ms',
		value: (records, side) =>
			records.find((r) => r.kind === 'report' && r.variant === side && r.status === 'ok')
				?.median_ms ?? undefined,
		goal: { text: '< 10 s', met: (ms) => ms < 10_000 },
	},
	{
		what: '100k web rows, csv: execution',
		unit: 'ms',
		value: time('csv', 100_000),
		goal: { text: '≤ 2.5 s', met: (ms) => ms <= 2500 },
	},
	{
		what: '100k, csv: ours / DuckDB same work',
		unit: 'ratio',
		value: overSameWork('csv', 100_000),
	},
	{ what: '100k, csv: peak memory', unit: 'MB', value: peak('csv', 100_000) },
	{
		what: '1M, csv: ours / DuckDB same work',
		unit: 'ratio',
		value: overSameWork('csv', 1_000_000),
		goal: { text: '≤ 1.5×', met: (ratio) => ratio <= 1.5 },
	},
	{
		what: '1M, parquet: ours / DuckDB same work',
		unit: 'ratio',
		value: overSameWork('parquet', 1_000_000),
		goal: { text: '≤ 1.5×', met: (ratio) => ratio <= 1.5 },
	},
	{
		what: '1M, csv: peak memory',
		unit: 'MB',
		value: peak('csv', 1_000_000),
		goal: { text: '< 2 GB', met: (mb) => mb < 2048 },
	},
	{
		what: '1M, parquet: peak memory',
		unit: 'MB',
		value: peak('parquet', 1_000_000),
		goal: { text: '< 2 GB', met: (mb) => mb < 2048 },
	},
	{
		what: '1M: xlsx / csv execution',
		unit: 'ratio',
		value: (records, side) =>
			quotient(
				run(records, side, 'xlsx', 1_000_000)?.median_ms,
				run(records, side, 'csv', 1_000_000)?.median_ms,
			),
		goal: { text: '≤ 2×', met: (ratio) => ratio <= 2 },
	},
];
