import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { json, runNode } from './helpers/small';

const ROWS: IDataObject[] = [
	{ product_id: 1, sku: '15298', price: 24.5, status: 'instock', updated: '2026-11-10T08:00:00Z' },
	{
		product_id: 2,
		sku: '15299',
		price: 88.4,
		status: 'outofstock',
		updated: '2026-11-12T08:00:00Z',
	},
	{
		product_id: 3,
		sku: 'bon-cadeau-25-euros',
		price: 25,
		status: 'instock',
		updated: '2026-11-14T08:00:00Z',
	},
];
const BAD_ROWS: IDataObject[] = [
	...ROWS,
	{ product_id: 3, sku: null, price: -8, status: 'sold', updated: '2026-10-01T08:00:00Z' },
];

const check = (checkType: string, fields: IDataObject, severity = 'error') => ({
	checkName: `${checkType} check`,
	checkType,
	severity,
	...fields,
});
const runChecks = (
	rows: IDataObject[],
	checks: IDataObject[],
	extra: IDataObject = {},
	reference?: IDataObject[],
) =>
	runNode(
		'dataQualityCheck',
		{ onFailure: 'route', outputMode: 'table', checks: { check: checks }, ...extra },
		reference ? [rows, reference] : [rows],
	);
const reportOf = async (rows: IDataObject[], checks: IDataObject[], reference?: IDataObject[]) => {
	const result = await runChecks(rows, checks, {}, reference);
	assert.equal(result.error, undefined, result.error?.message);
	const failed = json(result, 1)[0] as any;
	return failed ?? (json(result, 0)[0] as any).statistics;
};

const KINDS: Array<[string, IDataObject, string]> = [
	['rowCount', { rowCountExpected: '3' }, '4'],
	['notNull', { notNullColumns: 'sku' }, '1 failing row(s)'],
	['unique', { uniqueColumns: 'product_id' }, '2 failing row(s)'],
	['valueRange', { rangeColumn: 'price', rangeMin: '0', rangeMax: '500' }, '1 failing row(s)'],
	[
		'regexMatch',
		{ regexColumn: 'sku', regexPattern: '^[0-9]+$|^bon-cadeau-[0-9]+-euros$' },
		'0 failing row(s)',
	],
	[
		'acceptedValues',
		{ acceptedColumn: 'status', acceptedList: 'instock, outofstock' },
		'1 failing row(s)',
	],
	[
		'aggregateEquals',
		{ aggregateColumn: 'price', aggregateExpected: '137.90', aggregateTolerance: 0.001 },
		'129.90',
	],
	[
		'freshness',
		{
			freshnessColumn: 'updated',
			freshnessMaxAge: '7',
			freshnessUnit: 'days',
			freshnessNow: '2026-11-15T09:00:00',
		},
		'',
	],
	['expectedSchema', { schemaColumns: 'product_id:BIGINT, price:DOUBLE, sku' }, ''],
	['rowCountChange', { changeReference: '3', changePercent: 10 }, '4 rows (+33.3 %)'],
	['customSql', { sqlCondition: "price > 0 AND status <> 'sold'" }, '1 failing row(s)'],
];

describe('Data Quality Check kinds: a passing and a failing case each, with evidence', () => {
	for (const [kind, fields, observedOnFailure] of KINDS) {
		test(kind, async () => {
			const passing = await reportOf(ROWS, [check(kind, fields)]);
			assert.equal(passing.checks[0].status, 'pass', JSON.stringify(passing.checks[0]));
			if (kind === 'regexMatch') {
				const failing = await reportOf(ROWS, [
					check(kind, { ...fields, regexPattern: '^[0-9]+$' }),
				]);
				assert.equal(failing.checks[0].status, 'fail');
				assert.equal(failing.checks[0].failingRows, 1);
				assert.equal(failing.checks[0].samples[0].sku, 'bon-cadeau-25-euros');
				return;
			}
			if (kind === 'freshness') {
				const stale = await reportOf(ROWS, [
					check(kind, { ...fields, freshnessMaxAge: '12', freshnessUnit: 'hours' }),
				]);
				assert.equal(stale.checks[0].status, 'fail');
				assert.match(stale.checks[0].observed, /^2026-11-14T08:00:00\.000Z \(25\.0 hours old\)/);
				return;
			}
			if (kind === 'expectedSchema') {
				const wrong = await reportOf(ROWS, [
					check(kind, { schemaColumns: 'product_id:VARCHAR, margin' }),
				]);
				assert.equal(wrong.checks[0].observed, 'product_id is BIGINT, not VARCHAR; margin missing');
				return;
			}
			const failing = await reportOf(BAD_ROWS, [check(kind, fields)]);
			const result = failing.checks[0];
			assert.equal(result.status, 'fail', JSON.stringify(result));
			if (observedOnFailure) assert.equal(String(result.observed), observedOnFailure);
			if (result.failingRows !== undefined)
				assert.ok(result.samples.length >= 1 && result.samples.length <= 5);
		});
	}

	test('customSql: the failing row is shown', async () => {
		const report = await reportOf(BAD_ROWS, [check('customSql', { sqlCondition: 'price > 0' })]);
		assert.equal(report.checks[0].failingRows, 1);
		assert.equal(report.checks[0].samples[0].price, -8);
	});

	test('referential integrity against the second input', async () => {
		const web = [{ sku: 15298 }, { sku: '15299' }];
		const report = await reportOf(
			ROWS,
			[check('referentialIntegrity', { referenceKey: 'sku', referenceColumn: 'sku' })],
			web,
		);
		assert.equal(report.checks[0].status, 'fail');
		assert.deepEqual(
			report.checks[0].samples.map((r: any) => r.sku),
			['bon-cadeau-25-euros'],
		);
		const missing = await runChecks(ROWS, [
			check('referentialIntegrity', { referenceKey: 'sku', referenceColumn: 'sku' }),
		]);
		assert.match(missing.error!.message, /needs a reference table/);
	});
});

describe('Data Quality Check outcomes', () => {
	const failingTwice = [
		check('rowCount', { rowCountExpected: '826', checkName: 'ERP rows' }),
		check('notNull', { notNullColumns: 'sku' }),
		check('unique', { uniqueColumns: 'product_id' }),
	];

	test('stop: one error that lists every failing check, not only the first', async () => {
		const result = await runChecks(BAD_ROWS, failingTwice, { onFailure: 'stop' });
		assert.match(
			result.error!.message,
			/3 data quality check\(s\) failed: ERP rows, notNull check, unique check/,
		);
		assert.match(result.error!.description!, /ERP rows: FAIL — observed 4, expected 826/);
		assert.match(result.error!.description!, /notNull check: FAIL — observed 1 failing row/);
	});

	test('route: the report goes to Failed and Passed stays empty', async () => {
		const result = await runChecks(BAD_ROWS, failingTwice);
		assert.deepEqual(result.output('Node', 0), []);
		const report = json(result, 1)[0] as any;
		assert.deepEqual([report.passed, report.errors], [false, 3]);
	});

	test('a warning never stops: the table goes on with the warning in the report', async () => {
		const result = await runChecks(
			BAD_ROWS,
			[check('notNull', { notNullColumns: 'sku' }, 'warning')],
			{ onFailure: 'stop' },
		);
		assert.equal(result.error, undefined);
		const statistics = (json(result, 0)[0] as any).statistics;
		assert.deepEqual(
			[statistics.passed, statistics.warnings, statistics.checks[0].status],
			[true, 1, 'warn'],
		);
		assert.equal((json(result, 0)[0] as any).rowCount, 4, 'the table passes through unchanged');
	});

	test('empty expected values skip their check and say so; expressions feed expected values', async () => {
		const report = await reportOf(ROWS, [
			check('rowCount', { rowCountExpected: '' }),
			check('rowCount', { rowCountExpected: '={{ 1 + 2 }}' }),
			check('aggregateEquals', { aggregateColumn: 'price', aggregateExpected: '={{ "137.9" }}' }),
		]);
		assert.deepEqual(
			report.checks.map((c: any) => c.status),
			['skipped', 'pass', 'pass'],
		);
		assert.match(report.checks[0].message, /skipped \(no expected row count given\)/);
	});

	test('a check that cannot run is a configuration error naming the check and the column', async () => {
		const unknown = await runChecks(ROWS, [
			check('notNull', { notNullColumns: 'skuu', checkName: 'web keys' }),
		]);
		assert.match(unknown.error!.message, /Check "web keys" cannot run: Column "skuu" not found/);
		assert.match(
			unknown.error!.description!,
			/Columns found: product_id, sku, price, status, updated/,
		);
		const regex = await runChecks(ROWS, [
			check('regexMatch', { regexColumn: 'sku', regexPattern: '([0-9]+' }),
		]);
		assert.match(
			regex.error!.message,
			/Check "regexMatch check" cannot run: the pattern "\(\[0-9\]\+" is not a valid regular expression/,
		);
		const sql = await runChecks(ROWS, [check('customSql', { sqlCondition: 'pricee > 0' })]);
		assert.match(sql.error!.message, /unknown column pricee/);
	});
});

describe('hostile names and values are data, never SQL', () => {
	const EVIL = `x"; DROP TABLE input; --`;
	const rows: IDataObject[] = [
		{ [EVIL]: "O'Brien; DROP TABLE input; --", n: 1 },
		{ [EVIL]: null, n: 2 },
	];

	test('quotes, semicolons and DROP TABLE in column names and values', async () => {
		const quoted = `"${EVIL.replace(/"/g, '""')}"`;
		const report = await reportOf(rows, [
			check('notNull', { notNullColumns: quoted }),
			check('acceptedValues', {
				acceptedColumn: quoted,
				acceptedList: `"O'Brien; DROP TABLE input; --"`,
			}),
			check('regexMatch', { regexColumn: quoted, regexPattern: `O'Brien; DROP TABLE input; --` }),
			check('rowCount', { rowCountExpected: '2' }),
		]);
		assert.deepEqual(
			report.checks.map((c: any) => c.status),
			['fail', 'pass', 'pass', 'pass'],
		);
		assert.equal(report.checks[0].samples[0].n, 2);
	});

	for (const [label, condition, why] of [
		['a second statement', `n > 0); DROP TABLE input; --`, /not accepted/],
		[
			'a subquery reading a file',
			`n > (SELECT count(*) FROM read_csv('/etc/passwd'))`,
			/subquery is not allowed/,
		],
		['a settings function', `getenv('HOME') IS NOT NULL`, /function getenv is not allowed/],
		['a union', `true), false) UNION ALL SELECT * FROM input WHERE (true`, /not accepted/],
		['another table', `n IN (SELECT n FROM input)`, /subquery is not allowed/],
	] as const) {
		test(`custom SQL refuses ${label}`, async () => {
			const result = await runChecks(rows, [check('customSql', { sqlCondition: condition })]);
			assert.match(result.error!.message, why);
		});
	}

	test('a trailing comment cannot swallow the rest of the query: the condition runs as written', async () => {
		const report = await reportOf(rows, [check('customSql', { sqlCondition: 'n > 1 --' })]);
		assert.deepEqual([report.checks[0].status, report.checks[0].failingRows], ['fail', 1]);
	});
});
