import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bottleneckFiles, SKIP_BOTTLENECK } from './helpers/bottleneck';
import {
	CHECK_NODES,
	checkResults,
	fullPipelineWorkflow,
	runWorkflow,
	withReferenceChecks,
} from './helpers/pipelines';

if (SKIP_BOTTLENECK) console.log(`# ${SKIP_BOTTLENECK}`);

// The seven reference tests of the monthly process (../shared/bottleneck/README.md).
const REFERENCE = {
	erp_rows: 825,
	liaison_rows: 825,
	web_clean_rows: 1428,
	web_dedup_rows: 714,
	merged_rows: 714,
	revenue_total: '70568.60',
	premium_count: 30,
};

describe(
	'the seven reference tests as Data Quality Check nodes, on the real month, in n8n-core',
	{ skip: SKIP_BOTTLENECK },
	() => {
		test('all pass, with the observed figures in each report', async () => {
			const result = await runWorkflow(
				withReferenceChecks(
					fullPipelineWorkflow(await bottleneckFiles('xlsx'), 'table'),
					REFERENCE,
				),
			);
			assert.equal(result.error, undefined, result.error?.message);
			const checks = checkResults(result, CHECK_NODES);
			assert.deepEqual(
				checks.filter((c) => c.status !== 'pass'),
				[],
			);
			const observed = Object.fromEntries(checks.map((c) => [c.name, c.observed]));
			assert.deepEqual(
				[
					observed['ERP rows'],
					observed['LIAISON rows'],
					observed['WEB rows with a sku'],
					observed['WEB rows after dedup'],
					observed['Merged rows'],
					observed['Total revenue'],
					observed['Premium products'],
				],
				[825, 825, 1428, 714, 714, '70568.60', 30],
			);
			assert.equal(
				observed['Positive prices'],
				'0 failing row(s)',
				'the negative ERP prices never reach the merge',
			);
		});

		test('a wrong expectation (826 ERP rows) fails that check only and routes its report', async () => {
			const result = await runWorkflow(
				withReferenceChecks(fullPipelineWorkflow(await bottleneckFiles('xlsx'), 'table'), {
					...REFERENCE,
					erp_rows: 826,
				}),
			);
			const failing = checkResults(result, CHECK_NODES).filter((c) => c.status !== 'pass');
			assert.deepEqual(failing, [
				{ node: 'Check ERP', name: 'ERP rows', status: 'fail', observed: 825 },
			]);
			assert.deepEqual(result.output('Check ERP', 0), []);
		});
	},
);
