/**
 * `npm run scale-check -- --rows 1000000 --format parquet`: a generated web export of that
 * size through Clean Table, Merge Tables, Revenue (with its Excel report) and Premium Score
 * (with its CSVs) in Table mode, with the seven reference checks as Data Quality Check nodes,
 * inside n8n-core's WorkflowExecute. Prints the time, the
 * figures against the generator's, and the process's peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSample } from './sample-data/generator';
import type { SampleFormat } from './sample-data/generator';
import {
	CHECK_NODES,
	checkResults,
	fullPipelineWorkflow,
	rowCount,
	runWorkflow,
	withReferenceChecks,
} from '../tests/helpers/pipelines';

async function main() {
	const { values } = parseArgs({
		options: {
			rows: { type: 'string', default: '1000000' },
			format: { type: 'string', default: 'parquet' },
		},
	});
	const format = values.format as SampleFormat;
	const dir = mkdtempSync(join(tmpdir(), 'scale-check-'));
	try {
		let started = Date.now();
		const sample = await generateSample({
			webRows: Number(values.rows),
			outDir: dir,
			formats: [format],
			seed: 1,
		});
		const generateSeconds = (Date.now() - started) / 1000;
		started = Date.now();
		const files = {
			erp: sample.files.erp[format]!,
			liaison: sample.files.liaison[format]!,
			web: sample.files.web[format]!,
		};
		const result = await runWorkflow(
			withReferenceChecks(fullPipelineWorkflow(files, 'table'), sample.expected),
		);
		const pipelineSeconds = (Date.now() - started) / 1000;
		if (result.error) throw new Error(result.error.message);
		const figures = {
			web_clean_rows: rowCount(result, 'Web Missing Sku', 'table'),
			web_dedup_rows: rowCount(result, 'Web Dedup', 'table'),
			merged_rows: rowCount(result, 'Merge', 'table'),
			revenue_total: (result.output('Revenue')[0].json.statistics as { totalRevenue: string })
				.totalRevenue,
			premium_count: rowCount(result, 'Premium', 'table', 0),
		};
		const { web_clean_rows, web_dedup_rows, merged_rows, revenue_total, premium_count } =
			sample.expected;
		const expected = { web_clean_rows, web_dedup_rows, merged_rows, revenue_total, premium_count };
		console.table([
			{
				web_rows: Number(values.rows),
				format,
				generate_s: generateSeconds,
				pipeline_s: pipelineSeconds,
				peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
				...figures,
			},
		]);
		if (JSON.stringify(figures) !== JSON.stringify(expected))
			throw new Error(`figures differ: ${JSON.stringify({ figures, expected })}`);
		const notPassing = checkResults(result, CHECK_NODES).filter((check) => check.status !== 'pass');
		if (notPassing.length) throw new Error(`checks did not pass: ${JSON.stringify(notPassing)}`);
		console.log(`all ${checkResults(result, CHECK_NODES).length} data quality checks pass`);
		console.log('figures match the generator');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
