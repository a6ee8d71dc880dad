/**
 * `npx tsx scripts/profile-month.ts [folder] [xlsx|csv|parquet]`: the monthly process with its
 * checks, through n8n-core, on one month (the real BottleNeck exports by default), twice; prints
 * each node's time and phases from the second run. For finding per-node overheads quickly; the
 * numbers that count come from `npm run bench` in the real n8n.
 */
import { join } from 'node:path';
import { fullPipelineWorkflow, runWorkflow, withReferenceChecks } from '../tests/helpers/pipelines';

async function main() {
	const folder = process.argv[2] ?? join(__dirname, '../../shared/bottleneck');
	const format = process.argv[3] ?? 'xlsx';
	const files = { erp: join(folder, `erp.${format}`), liaison: join(folder, `liaison.${format}`), web: join(folder, `web.${format}`) };
	const figures = { erp_rows: 825, liaison_rows: 825, web_clean_rows: 1428, web_dedup_rows: 714, merged_rows: 714, revenue_total: '70568.60', premium_count: 30 };
	for (const round of [1, 2]) {
		const started = performance.now();
		const result = await runWorkflow(withReferenceChecks(fullPipelineWorkflow(files, 'table'), figures));
		const total = performance.now() - started;
		if (round === 1) continue;
		const runData = result.run.data.resultData.runData;
		for (const [node, tasks] of Object.entries(runData)) {
			const timings = tasks[0]?.data?.main?.flat().find((item) => item?.json.timings)?.json.timings;
			console.log(`${node.padEnd(18)} ${String(tasks[0].executionTime).padStart(5)} ms ${timings ? JSON.stringify(timings) : ''}`);
		}
		console.log(`whole run ${Math.round(total)} ms${result.error ? `, error: ${result.error.message}` : ''}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
