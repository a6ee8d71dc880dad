/**
 * Data Quality Check against the month-over-month history, in n8n-core's real WorkflowExecute
 * (tests/helpers/engine.ts) on a DuckDB history file: Volume Anomaly and Revenue Anomaly (the
 * z-score rule of dbt/Elementary's volume anomalies), Row Count Change against the last recorded
 * period, and the errors a person gets without a History Storage or with a corrupt file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { withSession } from '../nodes/shared/duckdb';
import { openDuckDbHistory } from '../nodes/shared/history/duckdbFile';
import { PRODUCT_COLUMN_TYPES, PRODUCT_COLUMNS } from '../nodes/shared/history/types';
import type { PeriodRun } from '../nodes/shared/history/types';
import { runWorkflow } from './helpers/engine';
import { nodeTypes, type } from './helpers/nodes';

const dir = mkdtempSync(join(tmpdir(), 'history-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const historyPath = join(dir, 'sales-history.duckdb');

/** The node's name: its own recorded figure is check_erp_rows. */
const NODE = 'Check ERP';

/** 2025-10 … 2026-09: rows with mean 50 and sample standard deviation √(30/11) ≈ 1.65; revenue 1000 + 5 × the rows' offset. */
const ROWS_OFFSETS = [-2, 2, -1, 1, 0, -3, 3, 0, -1, 1, 0, 0];
const YEAR = ROWS_OFFSETS.map((offset, index) => {
	const month = 9 + index; // 2025-10 is month index 9 of 2025
	return {
		period: `${2025 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`,
		rows: 50 + offset,
		revenue: (1000 + 5 * offset).toFixed(2),
	};
});
/** Recorded at or after the checked month (2026-10): an earlier run of that month, and a later month. Never history. */
const LATER = [
	{ period: '2026-10', rows: 30, revenue: '500.00' },
	{ period: '2026-11', rows: 5000, revenue: '99999.00' },
];

const runOf = ({
	period,
	rows,
	revenue,
}: {
	period: string;
	rows: number;
	revenue: string;
}): PeriodRun => ({
	period,
	figures: { check_erp_rows: rows, erp_rows: rows, revenue_total: revenue },
	checks: [],
	startedAt: `${period}-28T08:00:00.000Z`,
	durationMs: 1000,
});

before(async () => {
	const store = await openDuckDbHistory(historyPath);
	try {
		for (const month of [...YEAR, ...LATER]) {
			await withSession({ confined: true }, async (session) => {
				// The figures are what these checks read: the period's products may be none.
				const columns = PRODUCT_COLUMNS.map(
					(column) => `CAST(NULL AS ${PRODUCT_COLUMN_TYPES[column]}) AS ${column}`,
				).join(', ');
				await session.run(`CREATE TEMP TABLE products AS SELECT ${columns} WHERE false`);
				await store.record(session, runOf(month), 'products');
			});
		}
	} finally {
		await store.close();
	}
});

const rowsOf = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({ product_id: index + 1 }));

async function runChecks(
	rows: IDataObject[],
	checks: IDataObject[],
	node: IDataObject = {},
	path = historyPath,
) {
	return await runWorkflow({
		nodeTypes,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			{
				name: 'ERP',
				type: 'test.items',
				parameters: { items: rows } as unknown as INodeParameters,
			},
			{
				name: NODE,
				type: type('dataQualityCheck'),
				parameters: {
					onFailure: 'route',
					outputMode: 'table',
					historyStorage: 'file',
					checks: { check: checks },
					...node,
				} as INodeParameters,
			},
		],
		edges: [
			['Start', 'ERP'],
			['ERP', NODE],
		],
		credentials: { salesHistoryFile: { path, lockWaitSeconds: 5 } },
	});
}

/** The report's checks, from the Passed output's statistics or the Failed output. */
async function checksOf(
	rows: IDataObject[],
	checks: IDataObject[],
	node: IDataObject = {},
): Promise<IDataObject[]> {
	const result = await runChecks(rows, checks, node);
	assert.equal(result.error, undefined, result.error?.message);
	const failed = result.output(NODE, 1)[0]?.json;
	return (failed ?? (result.output(NODE, 0)[0].json.statistics as IDataObject))
		.checks as IDataObject[];
}

const volume = (fields: IDataObject = {}, severity = 'warning') => ({
	checkName: 'ERP volume',
	checkType: 'volumeAnomaly',
	severity,
	volumeAnomalyPeriod: '2026-10',
	...fields,
});
const EXPECTED_RANGE =
	'between 45 and 55 (check_erp_rows: mean 50 ± 3 × 1.7 over 12 periods, 2025-10 to 2026-09)';

describe('Volume Anomaly', () => {
	test('a 40 % drop is flagged as a warning, with the usual range in expected; the run goes on', async () => {
		const result = await runChecks(rowsOf(30), [volume()], { onFailure: 'stop' });
		assert.equal(result.error, undefined, result.error?.message);
		const [check] = (result.output(NODE, 0)[0].json.statistics as IDataObject)
			.checks as IDataObject[];
		assert.equal(check.status, 'warn', JSON.stringify(check));
		assert.equal(check.observed, '30 rows (z = −12.1)');
		assert.equal(check.expected, EXPECTED_RANGE);
	});

	test('a normal month passes', async () => {
		const [check] = await checksOf(rowsOf(52), [volume({}, 'error')]);
		assert.equal(check.status, 'pass', JSON.stringify(check));
		assert.equal(check.observed, '52 rows (z = 1.2)');
	});

	test('as an error check, the drop fails the check and goes to the Failed output', async () => {
		const [check] = await checksOf(rowsOf(30), [volume({}, 'error')]);
		assert.equal(check.status, 'fail');
	});

	test('direction Spike ignores a drop, and Drop flags it', async () => {
		const [spike, drop] = await checksOf(rowsOf(30), [
			volume({ volumeAnomalyDirection: 'spike' }),
			volume({ volumeAnomalyDirection: 'drop' }),
		]);
		assert.equal(spike.status, 'pass', JSON.stringify(spike));
		assert.match(String(spike.expected), /^at most 55 \(/);
		assert.equal(drop.status, 'warn');
		assert.match(String(drop.expected), /^at least 45 \(/);
	});

	test('too little history is skipped, never failed: 2 of 3 periods recorded', async () => {
		const [check] = await checksOf(rowsOf(30), [
			volume({ volumeAnomalyPeriod: '2025-12' }, 'error'),
		]);
		assert.equal(check.status, 'skipped', JSON.stringify(check));
		assert.match(
			String(check.message),
			/skipped \(2 of 3 periods recorded \(check_erp_rows before 2025-12\)\)/,
		);
	});

	test('periods at and after Period are never history: a re-run ignores its own earlier record', async () => {
		// 2026-10 recorded with 30 rows and 2026-11 with 5000: were they history, 30 would be usual.
		const [check] = await checksOf(rowsOf(30), [volume({ volumeAnomalyPeriods: 12 })]);
		assert.equal(check.expected, EXPECTED_RANGE);
		const [fewer] = await checksOf(rowsOf(30), [volume({ volumeAnomalyPeriods: 3 })]);
		assert.match(String(fewer.expected), /over 3 periods, 2026-07 to 2026-09\)$/);
	});

	test('a Recorded Figure names another figure of the history', async () => {
		const [check] = await checksOf(rowsOf(52), [volume({ volumeAnomalyFigure: 'erp_rows' })]);
		assert.match(String(check.expected), /\(erp_rows: mean 50 /);
	});
});

describe('Revenue Anomaly', () => {
	const revenue = (fields: IDataObject = {}) => ({
		checkName: 'Revenue',
		checkType: 'revenueAnomaly',
		severity: 'error',
		revenueAnomalyPeriod: '2026-10',
		...fields,
	});

	test('the total of the revenue column, exact to the cent, against revenue_total', async () => {
		const [spike] = await checksOf(
			[{ revenue: 0.1 }, { revenue: 0.2 }, { revenue: 1999.7 }],
			[revenue()],
		);
		assert.equal(spike.status, 'fail', JSON.stringify(spike));
		assert.match(String(spike.observed), /^2,000\.00 \(z = 121\.\d\)$/);
		assert.equal(
			spike.expected,
			'between 975.23 and 1,024.77 (revenue_total: mean 1,000.00 ± 3 × 8.26 over 12 periods, 2025-10 to 2026-09)',
		);
		const [normal] = await checksOf(
			[{ sales: 600.05 }, { sales: 405 }],
			[revenue({ revenueAnomalyColumn: 'sales' })],
		);
		assert.equal(normal.status, 'pass', JSON.stringify(normal));
		assert.match(String(normal.observed), /^1,005\.05 \(z = 0\.6\)$/);
	});
});

describe('observed and expected in the node’s Locale', () => {
	test('fr-FR: revenue 2 000,00, its range and mean with French separators, the z-score with a comma', async () => {
		const result = await runChecks(
			[{ revenue: 0.1 }, { revenue: 0.2 }, { revenue: 1999.7 }],
			[
				{
					checkName: 'Revenue',
					checkType: 'revenueAnomaly',
					severity: 'warning',
					revenueAnomalyPeriod: '2026-10',
				},
			],
			{ locale: 'fr-FR' },
		);
		const [check] = (result.output(NODE, 0)[0].json.statistics as IDataObject)
			.checks as IDataObject[];
		assert.match(String(check.observed), /^2\u202f000,00 \(z = 121,\d\)$/);
		assert.equal(
			check.expected,
			'between 975,23 and 1\u202f024,77 (revenue_total: mean 1\u202f000,00 ± 3 × 8,26 over 12 periods, 2025-10 to 2026-09)',
		);
	});

	test('a locale n8n does not know stops the node, naming it', async () => {
		const result = await runChecks(rowsOf(30), [volume()], { locale: 'english please' });
		assert.match(String(result.error?.message), /^Locale: "english please" is not a locale tag/);
	});
});

describe('Row Count Change against the last recorded period', () => {
	const change = (fields: IDataObject = {}) => ({
		checkName: 'ERP change',
		checkType: 'rowCountChange',
		severity: 'error',
		changeReferenceFrom: 'lastPeriod',
		changePeriod: '2026-10',
		changePercent: 10,
		...fields,
	});

	test('the latest period before Period is the reference', async () => {
		const [fallen, steady] = [
			(await checksOf(rowsOf(30), [change()]))[0],
			(await checksOf(rowsOf(52), [change()]))[0],
		];
		assert.equal(fallen.status, 'fail', JSON.stringify(fallen));
		assert.equal(fallen.observed, '30 rows (-40 %)');
		assert.equal(fallen.expected, '50 ± 10 % (check_erp_rows of 2026-09)');
		assert.equal(steady.status, 'pass');
	});

	test('nothing recorded before Period: skipped', async () => {
		const [check] = await checksOf(rowsOf(30), [change({ changePeriod: '2025-10' })]);
		assert.equal(check.status, 'skipped');
		assert.match(String(check.message), /no check_erp_rows recorded before 2025-10/);
	});

	test('a fixed number is still the default', async () => {
		const [check] = await checksOf(
			rowsOf(30),
			[
				{
					checkName: 'fixed',
					checkType: 'rowCountChange',
					changeReference: '30',
					changePercent: 10,
				},
			],
			{ historyStorage: 'none' },
		);
		assert.equal(check.status, 'pass');
		assert.equal(check.expected, '30 ± 10 %');
	});

	test('several history checks in one run, with a history check beside ordinary ones', async () => {
		const checks = await checksOf(rowsOf(30), [
			change(),
			volume(),
			{ checkName: 'count', checkType: 'rowCount', rowCountExpected: '30' },
		]);
		assert.deepEqual(
			checks.map((check) => check.status),
			['fail', 'warn', 'pass'],
		);
	});
});

describe('history errors a person can act on', () => {
	test('History Storage None with a history check: says to set it and its credential', async () => {
		const result = await runChecks(rowsOf(30), [volume()], { historyStorage: 'none' });
		assert.match(
			result.error?.message ?? '',
			/Check "ERP volume" cannot run: it compares with the history, and History Storage is None/,
		);
		assert.match(
			result.error?.description ?? '',
			/Set the node's History Storage to File \(DuckDB\) or Postgres, and choose its credential/,
		);
	});

	test('a corrupt history file: the check cannot judge, at its own severity, saying why and naming the file; the run goes on', async () => {
		const corrupt = join(dir, 'corrupt-history.duckdb');
		writeFileSync(corrupt, Buffer.from('not a database at all\u0000\u0001'.repeat(400)));
		const warned = await runChecks(
			rowsOf(30),
			[
				volume(),
				{ checkName: 'ERP rows', checkType: 'rowCount', severity: 'error', rowCountExpected: 30 },
			],
			{ onFailure: 'stop' },
			corrupt,
		);
		assert.equal(warned.error, undefined, warned.error?.message);
		const [check, rows] = (warned.output(NODE, 0)[0].json.statistics as IDataObject)
			.checks as IDataObject[];
		assert.deepEqual(
			[check.status, check.observed, rows.status],
			['warn', 'history unavailable', 'pass'],
		);
		assert.match(String(check.expected), /corrupt-history\.duckdb/);
		assert.match(String(check.expected), /not a DuckDB database, or it is corrupt/);
		assert.match(String(check.expected), / — .+/, 'and says how to fix it');
		// At error severity the check fails, and Stop on failure stops the run with the same words.
		const stopped = await runChecks(
			rowsOf(30),
			[volume({}, 'error')],
			{ onFailure: 'stop' },
			corrupt,
		);
		assert.equal(stopped.error?.message, '1 data quality check(s) failed: ERP volume');
		assert.match(stopped.error?.description ?? '', /corrupt-history\.duckdb/);
	});
});
