import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bottleneckFiles, SKIP_BOTTLENECK } from './helpers/bottleneck';
import type { Format } from './helpers/bottleneck';
import {
	cleanAndMergeWorkflow,
	mergedRevenue,
	runWorkflow,
	stageFigures,
} from './helpers/pipelines';
import type { OutputMode } from './helpers/pipelines';

if (SKIP_BOTTLENECK) console.log(`# ${SKIP_BOTTLENECK}`);

// The reference figures of the agreed monthly process (../shared/bottleneck/README.md).
const REFERENCE = {
	erp_rows: 825,
	liaison_rows: 825,
	web_clean_rows: 1428,
	web_dedup_rows: 714,
	merged_rows: 714,
	revenue_total: '70568.60',
};

describe(
	'BottleNeck real exports through Clean Table and Merge Tables, in n8n-core',
	{ skip: SKIP_BOTTLENECK },
	() => {
		for (const format of ['xlsx', 'csv', 'parquet'] as Format[]) {
			for (const mode of ['rows', 'table'] as OutputMode[]) {
				test(`${format} input, ${mode} output: 825 / 825 / 1428 / 714 / 714 and the agreed revenue`, async () => {
					const result = await runWorkflow(
						cleanAndMergeWorkflow(await bottleneckFiles(format), mode),
					);
					assert.deepEqual(await stageFigures(result, mode), REFERENCE);
				});
			}
		}

		test('the summary says what was seen and what each step removed', async () => {
			const result = await runWorkflow(
				cleanAndMergeWorkflow(await bottleneckFiles('xlsx'), 'table'),
			);
			const web = result.output('Web Dedup')[0].json as any;
			assert.match(web.statistics.input, /table from a Sales Analytics node/);
			assert.equal(web.statistics.steps[0].duplicateKeys, 714);
			assert.equal(web.statistics.steps[0]['keysWithDifferent_total_sales'], 3);
			const missing = result.output('Web Missing Sku')[0].json as any;
			assert.match(missing.statistics.input, /xlsx file web\.xlsx, sheet Sheet1/);
			assert.equal(missing.statistics.steps[0].rowsRemoved, 85);
			const merge = result.output('Merge')[0].json as any;
			assert.equal(merge.statistics.joins[0].unmatchedLeftRows, 0);
			assert.equal(
				merge.statistics.joins[1].unmatchedLeftRows,
				111,
				'91 without id_web + 20 not in web',
			);
			assert.equal(merge.columns.find((c: any) => c.name === 'sku').type, 'VARCHAR');
			assert.equal(merge.columns.find((c: any) => c.name === 'price').type, 'DOUBLE');
			assert.equal(merge.columns.find((c: any) => c.name === 'post_date').type, 'TIMESTAMP');
		});

		test('keeping the first duplicate instead of the highest total_sales gives the wrong 65652.60', async () => {
			const result = await runWorkflow(
				cleanAndMergeWorkflow(await bottleneckFiles('xlsx'), 'table', 'first'),
			);
			assert.equal(await mergedRevenue(result, 'table'), '65652.60');
		});
	},
);
