import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { DuckSession } from '../nodes/shared/duckdb';
import { quoteLiteral } from '../nodes/shared/sql';
import { bottleneckFiles, SKIP_BOTTLENECK } from './helpers/bottleneck';
import { binaryPath } from './helpers/engine';
import { fullPipelineWorkflow, runWorkflow } from './helpers/pipelines';
import type { OutputMode } from './helpers/pipelines';

/** Records, not lines: product descriptions hold quoted newlines. */
async function csvRecords(path: string): Promise<number> {
	const session = await DuckSession.open();
	try {
		return await session.count(
			`SELECT count(*) FROM read_csv(${quoteLiteral(path)}, header = true)`,
		);
	} finally {
		await session.close();
	}
}

if (SKIP_BOTTLENECK) console.log(`# ${SKIP_BOTTLENECK}`);

describe(
	'Revenue and Premium Score on the real BottleNeck month, in n8n-core',
	{ skip: SKIP_BOTTLENECK },
	() => {
		for (const mode of ['rows', 'table'] as OutputMode[]) {
			test(`${mode} mode: 70568.60 exactly, top product, 30 premium / 684 ordinary, and the files`, async () => {
				const result = await runWorkflow(fullPipelineWorkflow(await bottleneckFiles('xlsx'), mode));
				assert.equal(result.error, undefined, result.error?.message);
				const revenueItems = result.output('Revenue');
				const premium = result.output('Premium', 0);
				const ordinary = result.output('Premium', 1);
				if (mode === 'table') {
					const stats = revenueItems[0].json.statistics as any;
					assert.equal(stats.totalRevenue, '70568.60');
					assert.equal(stats.topProduct.post_title, 'Champagne Gosset Grand Blanc de Blancs');
					assert.equal(stats.topProduct.revenue, 4704);
					assert.equal(premium[0].json.rowCount, 30);
					assert.equal(ordinary[0].json.rowCount, 684);
					const premiumStats = premium[0].json.statistics as any;
					assert.equal(premiumStats.standardDeviationType, 'population');
					assert.equal(premiumStats.standardDeviation.toFixed(6), '27.791043');
					assert.equal(premiumStats.premiumFrom.toFixed(4), '88.0752');
				} else {
					assert.match(
						result.hints('Revenue').join(),
						/^Total revenue 70,568\.60 EUR from 714 rows \(2,865 units\); top: Champagne Gosset Grand Blanc de Blancs, 4,704\.00 EUR\./,
					);
					assert.equal(revenueItems[0].json.post_title, 'Champagne Gosset Grand Blanc de Blancs');
					assert.equal(revenueItems[0].json.revenue, 4704);
					assert.equal(premium.length, 30);
					assert.equal(ordinary.length, 684);
					assert.ok(premium.every((item) => (item.json.premium_score as number) > 2));
				}

				const workbook = new ExcelJS.Workbook();
				await workbook.xlsx.readFile(binaryPath(revenueItems[0], 'report'));
				assert.deepEqual(
					workbook.worksheets.map((s) => s.name),
					['Revenue', 'Summary'],
				);
				const sheet = workbook.getWorksheet('Revenue')!;
				const header = sheet.getRow(1).values as string[];
				assert.deepEqual(header.slice(1), [
					'product_id',
					'sku',
					'post_title',
					'price',
					'total_sales',
					'revenue',
					'revenue_share',
					'cumulative_share',
				]);
				assert.equal(sheet.getRow(1).font?.bold, true);
				assert.equal(sheet.views[0].state, 'frozen');
				assert.ok(sheet.autoFilter);
				assert.equal(sheet.getCell('F2').numFmt, '#,##0.00 "€"');
				assert.equal(sheet.getCell('F2').value, 4704);
				const totals = sheet.getRow(716);
				assert.equal(totals.getCell(1).value, 'Total');
				assert.deepEqual(totals.getCell(6).value, { formula: 'SUM(F2:F715)', result: 70568.6 });
				const summary = workbook.getWorksheet('Summary')!;
				assert.deepEqual((summary.getRow(1).values as unknown[]).slice(1), [
					'Period',
					'Octobre 2020',
				]);
				assert.equal(summary.getRow(2).getCell(2).value, 70568.6);
				assert.equal(summary.getRow(3).getCell(2).value, 714);

				assert.equal(await csvRecords(binaryPath(premium[0], 'csv')), 30);
				assert.equal(await csvRecords(binaryPath(ordinary[0], 'csv')), 684);
				assert.match(
					readFileSync(binaryPath(premium[0], 'csv'), 'utf8'),
					/^product_id,onsale_web,price,/,
				);
				assert.equal(premium[0].binary!.csv.fileName, 'vins_premium.csv');
				assert.equal(ordinary[0].binary!.csv.fileName, 'vins_ordinaires.csv');
			});
		}
	},
);
