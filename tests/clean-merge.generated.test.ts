import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSample } from '../scripts/sample-data/generator';
import type { GeneratedSample, SampleFormat } from '../scripts/sample-data/generator';
import {
	cleanAndMergeWorkflow,
	fullPipelineWorkflow,
	mergedRevenue,
	rowCount,
	runWorkflow,
	stageFigures,
} from './helpers/pipelines';
import type { OutputMode } from './helpers/pipelines';

const dir = mkdtempSync(join(tmpdir(), 'generated-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let sample: GeneratedSample;
before(async () => {
	sample = await generateSample({
		webRows: 3000,
		seed: 7,
		outDir: dir,
		formats: ['xlsx', 'csv', 'parquet'],
	});
});

const filesOf = (format: SampleFormat) => ({
	erp: sample.files.erp[format]!,
	liaison: sample.files.liaison[format]!,
	web: sample.files.web[format]!,
});

describe('generated BottleNeck-shaped exports through Clean Table and Merge Tables, in n8n-core', () => {
	for (const format of ['xlsx', 'csv', 'parquet'] as SampleFormat[]) {
		for (const mode of ['rows', 'table'] as OutputMode[]) {
			test(`${format} input, ${mode} output: the generator's figures`, async () => {
				const {
					erp_rows,
					liaison_rows,
					web_clean_rows,
					web_dedup_rows,
					merged_rows,
					revenue_total,
				} = sample.expected;
				const result = await runWorkflow(cleanAndMergeWorkflow(filesOf(format), mode));
				assert.deepEqual(await stageFigures(result, mode), {
					erp_rows,
					liaison_rows,
					web_clean_rows,
					web_dedup_rows,
					merged_rows,
					revenue_total,
				});
			});
		}
	}

	test('where duplicates disagree, "highest" and "first" give different results, each the right one', async () => {
		assert.notEqual(
			sample.expected.revenue_total,
			sample.expected.revenue_keep_first,
			'the sample has conflicting duplicates',
		);
		for (const [rule, expected] of [
			['highest', sample.expected.revenue_total],
			['first', sample.expected.revenue_keep_first],
		] as const) {
			const result = await runWorkflow(cleanAndMergeWorkflow(filesOf('parquet'), 'table', rule));
			assert.equal(await mergedRevenue(result, 'table'), expected, `dedup keeping ${rule}`);
		}
	});
});

describe('the sample-data generator', () => {
	test('same seed, same bytes; another seed, other data', async () => {
		const again = mkdtempSync(join(tmpdir(), 'generated-again-'));
		const other = mkdtempSync(join(tmpdir(), 'generated-other-'));
		try {
			await generateSample({ webRows: 3000, seed: 7, outDir: again, formats: ['csv'] });
			await generateSample({ webRows: 3000, seed: 8, outDir: other, formats: ['csv'] });
			assert.ok(readFileSync(join(again, 'web.csv')).equals(readFileSync(join(dir, 'web.csv'))));
			assert.ok(!readFileSync(join(other, 'web.csv')).equals(readFileSync(join(dir, 'web.csv'))));
		} finally {
			rmSync(again, { recursive: true, force: true });
			rmSync(other, { recursive: true, force: true });
		}
	});

	test('only the formats asked for are left in the folder', async () => {
		for (const format of ['xlsx', 'parquet'] as SampleFormat[]) {
			const only = mkdtempSync(join(tmpdir(), `generated-${format}-`));
			try {
				await generateSample({ webRows: 300, seed: 1, outDir: only, formats: [format] });
				assert.deepEqual(
					readdirSync(only).sort(),
					['erp', 'expected', 'liaison', 'web'].map((name) =>
						name === 'expected' ? 'expected.json' : `${name}.${format}`,
					),
				);
			} finally {
				rmSync(only, { recursive: true, force: true });
			}
		}
	});

	test('the 2020 variant has no conflicting duplicates, and French CSVs read the same', async () => {
		const french = mkdtempSync(join(tmpdir(), 'generated-fr-'));
		try {
			const plain = await generateSample({
				webRows: 3000,
				seed: 7,
				variant: '2020',
				outDir: french,
				formats: ['csv'],
				csvStyle: 'french',
			});
			assert.equal(plain.expected.revenue_total, plain.expected.revenue_keep_first);
			assert.match(readFileSync(plain.files.web.csv!, 'latin1').split('\n')[0], /^sku;virtual;/);
			const result = await runWorkflow(
				cleanAndMergeWorkflow(
					{
						erp: plain.files.erp.csv!,
						liaison: plain.files.liaison.csv!,
						web: plain.files.web.csv!,
					},
					'table',
				),
			);
			assert.equal(rowCount(result, 'Merge', 'table'), plain.expected.merged_rows);
			assert.equal(await mergedRevenue(result, 'table'), plain.expected.revenue_total);
		} finally {
			rmSync(french, { recursive: true, force: true });
		}
	});
});

describe('generated exports through Revenue and Premium Score, in n8n-core', () => {
	test("revenue total, top product and premium count equal the generator's", async () => {
		const result = await runWorkflow(fullPipelineWorkflow(filesOf('parquet'), 'table'));
		assert.equal(result.error, undefined, result.error?.message);
		const revenue = result.output('Revenue')[0].json.statistics as any;
		assert.equal(revenue.totalRevenue, sample.expected.revenue_total);
		assert.equal(String(revenue.topProduct.sku), sample.expected.top_product.sku);
		assert.equal(revenue.topProduct.revenue.toFixed(2), sample.expected.top_product.revenue);
		assert.equal(rowCount(result, 'Premium', 'table', 0), sample.expected.premium_count);
		assert.equal(rowCount(result, 'Premium', 'table', 1), sample.expected.ordinary_count);
	});
});
