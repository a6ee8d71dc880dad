import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bottleneckFiles, SKIP_BOTTLENECK } from './helpers/bottleneck';
import type { Format } from './helpers/bottleneck';
import { cleanAndMergeWorkflow, queryOutput, rowCount, runWorkflow } from './helpers/pipelines';
import type { OutputMode } from './helpers/pipelines';

if (SKIP_BOTTLENECK) console.log(`# ${SKIP_BOTTLENECK}`);

// The reference figures of the agreed monthly process (../shared/bottleneck/README.md).
const REFERENCE = { erp: 825, liaison: 825, webClean: 1428, webDedup: 714, merged: 714, revenue: '70568.60' };
const revenueOf = (t: string) => `SELECT CAST(sum(CAST(price AS DECIMAL(18,2)) * total_sales) AS DECIMAL(18,2))::VARCHAR AS revenue FROM ${t}`;

describe('BottleNeck real exports through Clean Table and Merge Tables, in n8n-core', { skip: SKIP_BOTTLENECK }, () => {
	for (const format of ['xlsx', 'csv', 'parquet'] as Format[]) {
		for (const mode of ['rows', 'table'] as OutputMode[]) {
			test(`${format} input, ${mode} output: 825 / 825 / 1428 / 714 / 714 and the agreed revenue`, async () => {
				const result = await runWorkflow(cleanAndMergeWorkflow(await bottleneckFiles(format), mode));
				assert.equal(result.error, undefined, result.error?.message);
				assert.equal(rowCount(result, 'Clean ERP', mode), REFERENCE.erp);
				assert.equal(rowCount(result, 'Clean Liaison', mode), REFERENCE.liaison);
				assert.equal(rowCount(result, 'Web Missing Sku', mode), REFERENCE.webClean);
				assert.equal(rowCount(result, 'Web Dedup', mode), REFERENCE.webDedup);
				assert.equal(rowCount(result, 'Merge', mode), REFERENCE.merged);
				const [{ revenue }] = await queryOutput(result.output('Merge'), mode, revenueOf);
				assert.equal(revenue, REFERENCE.revenue);
			});
		}
	}

	test('the summary says what was seen and what each step removed', async () => {
		const result = await runWorkflow(cleanAndMergeWorkflow(await bottleneckFiles('xlsx'), 'table'));
		const web = result.output('Web Dedup')[0].json as any;
		assert.match(web.statistics.input, /table from a Sales Analytics node/);
		assert.equal(web.statistics.steps[0].duplicateKeys, 714);
		assert.equal(web.statistics.steps[0]['keysWithDifferent_total_sales'], 3);
		const missing = result.output('Web Missing Sku')[0].json as any;
		assert.match(missing.statistics.input, /xlsx file web\.xlsx, sheet Sheet1/);
		assert.equal(missing.statistics.steps[0].rowsRemoved, 85);
		const merge = result.output('Merge')[0].json as any;
		assert.equal(merge.statistics.joins[0].unmatchedLeftRows, 0);
		assert.equal(merge.statistics.joins[1].unmatchedLeftRows, 111, '91 without id_web + 20 not in web');
		assert.equal(merge.columns.find((c: any) => c.name === 'sku').type, 'VARCHAR');
		assert.equal(merge.columns.find((c: any) => c.name === 'price').type, 'DOUBLE');
		assert.equal(merge.columns.find((c: any) => c.name === 'post_date').type, 'TIMESTAMP');
	});

	test('keeping the first duplicate instead of the highest total_sales gives the wrong 65652.60', async () => {
		const result = await runWorkflow(cleanAndMergeWorkflow(await bottleneckFiles('xlsx'), 'table', 'first'));
		const [{ revenue }] = await queryOutput(result.output('Merge'), 'table', revenueOf);
		assert.equal(revenue, '65652.60');
	});
});
