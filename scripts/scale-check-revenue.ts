/**
 * `npx tsx scripts/scale-check-revenue.ts --rows 1000000`: a merged-shaped table of that many
 * rows (one per product, long-tailed prices, some text and empty prices) through Revenue
 * (with its Excel report) and Premium Score (with its CSVs) in Table mode, inside n8n-core's
 * WorkflowExecute. The figures are checked against plain DuckDB SQL written here, and the
 * time of each node and the process's peak RSS are printed.
 */
import type { INodeParameters } from 'n8n-workflow';
import { parseArgs } from 'node:util';
import { DuckSession } from '../nodes/shared/duckdb';
import { quoteLiteral } from '../nodes/shared/sql';
import { runWorkflow } from '../tests/helpers/engine';
import { nodeTypes, type } from '../tests/helpers/nodes';

/** Prices 5–60 €, one in fifty up to 1 000 €; one row in a thousand has "N/A" or no price. */
const TABLE_SQL = `
	SELECT i AS product_id, 'SKU-' || i AS sku, 'Wine ' || i AS post_title,
		CASE WHEN i % 1000 = 7 THEN 'N/A' WHEN i % 1000 = 8 THEN NULL
			ELSE CAST(round(CASE WHEN hash(i) % 50 = 0 THEN 60 + (hash(i * 3) % 94000) / 100.0 ELSE 5 + (hash(i * 5) % 5500) / 100.0 END, 2) AS VARCHAR) END AS price,
		CAST(hash(i * 7) % 40 AS INTEGER) AS total_sales
	FROM range(1, $1 + 1) t(i)`;

/** The reference figures, computed without the nodes: exact cents and the z > 2 split. */
const EXPECTED_SQL = `
	WITH v AS (SELECT try_cast(price AS DOUBLE) AS p, try_cast(price AS DECIMAL(18,2)) * total_sales AS revenue FROM t),
	s AS (SELECT avg(p) AS mean, stddev_pop(p) AS std FROM v)
	SELECT CAST(sum(revenue) AS DECIMAL(38,2))::VARCHAR AS revenue_total,
		count(*) FILTER (WHERE (p - mean) / std > 2) AS premium_count,
		count(*) FILTER (WHERE NOT coalesce((p - mean) / std > 2, false)) AS ordinary_count
	FROM v, s`;

async function main() {
	const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
	const rows = Number(values.rows);
	const session = await DuckSession.open();
	try {
		const path = session.scratchPath('products.parquet');
		await session.run(`CREATE TEMP TABLE t AS ${TABLE_SQL}`, [rows]);
		await session.run(`COPY t TO ${quoteLiteral(path)} (FORMAT parquet)`);
		const [expected] = await session.jsonRows(EXPECTED_SQL);

		const started = Date.now();
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Products',
					type: 'test.files',
					parameters: { files: [{ path }] } as unknown as INodeParameters,
				},
				{
					name: 'Revenue',
					type: type('revenue'),
					parameters: { createReport: true, outputMode: 'table' },
				},
				{
					name: 'Premium',
					type: type('premiumScore'),
					parameters: { createCsv: true, outputMode: 'table' },
				},
			],
			edges: [
				['Products', 'Revenue'],
				['Revenue', 'Premium'],
			],
		});
		const seconds = (Date.now() - started) / 1000;
		if (result.error) throw new Error(`${result.error.node}: ${result.error.message}`);
		const nodeSeconds = (name: string) =>
			(result.run.data.resultData.runData[name]?.[0]?.executionTime ?? 0) / 1000;
		const figures = {
			revenue_total: (result.output('Revenue')[0].json.statistics as { totalRevenue: string })
				.totalRevenue,
			premium_count: Number(result.output('Premium', 0)[0].json.rowCount),
			ordinary_count: Number(result.output('Premium', 1)[0].json.rowCount),
		};
		console.table([
			{
				rows,
				revenue_s: nodeSeconds('Revenue'),
				premium_s: nodeSeconds('Premium'),
				workflow_s: seconds,
				peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
				...figures,
			},
		]);
		const reference = {
			revenue_total: expected.revenue_total,
			premium_count: Number(expected.premium_count),
			ordinary_count: Number(expected.ordinary_count),
		};
		if (JSON.stringify(figures) !== JSON.stringify(reference))
			throw new Error(`figures differ: ${JSON.stringify({ figures, reference })}`);
		console.log('figures match plain DuckDB SQL');
	} finally {
		await session.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
