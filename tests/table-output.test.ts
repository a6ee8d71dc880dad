import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DuckDBTypeId } from '@duckdb/node-api';
import type { IDataObject } from 'n8n-workflow';
import ExcelJS from 'exceljs';
import {
	countText,
	identifyingColumns,
	moneyText,
	percentText,
	rounded,
} from '../nodes/shared/reading';
import { tableNodeOutputs } from '../nodes/shared/table';
import { binaryPath } from './helpers/engine';
import { json, runNode } from './helpers/small';

const wines: IDataObject[] = [
	{
		product_id: 1,
		sku: 'A1',
		post_title: 'Château A',
		guid: 'https://x/1',
		post_content_filtered: '<p>long</p>',
		price: 24.5,
		total_sales: 3,
	},
	{
		product_id: 2,
		sku: 'B2',
		post_title: 'Crémant B',
		guid: 'https://x/2',
		post_content_filtered: '<p>long</p>',
		price: 8.2,
		total_sales: 10,
	},
	{
		product_id: 3,
		sku: 'C3',
		post_title: 'Cuvée C',
		guid: 'https://x/3',
		post_content_filtered: '<p>long</p>',
		price: 120.1,
		total_sales: 1,
	},
];

describe('a Table output a person reads', () => {
	test('Revenue: the sentence and rounded figures come first, the contract after, top product by its identifying columns', async () => {
		const result = await runNode(
			'revenue',
			{ outputMode: 'table', priceColumn: 'price', quantityColumn: 'total_sales', currency: 'EUR' },
			[wines],
		);
		const item = json(result, 0)[0];
		const keys = Object.keys(item);
		assert.deepEqual(keys.slice(0, 5), [
			'summary',
			'totalRevenue',
			'rowsWithRevenue',
			'unitsSold',
			'topProduct',
		]);
		assert.equal(
			item.summary,
			'Total revenue 275.60 EUR from 3 rows (14 units); top: Cuvée C, 120.10 EUR. Input: 3 n8n item(s), one row each.',
		);
		assert.equal(item.totalRevenue, '275.60 EUR');
		// The machine parts follow, with the marker the next node looks for.
		assert.ok(keys.indexOf('tableFormat') > keys.indexOf('topProduct'));
		assert.equal(item.tableFormat, 'n8n-sales-analytics/table@1');
		assert.deepEqual(Object.keys((item.statistics as IDataObject).topProduct as IDataObject), [
			'product_id',
			'sku',
			'post_title',
			'price',
			'total_sales',
			'revenue',
		]);
		assert.equal(result.hints('Node')[0], item.summary);
	});

	test('the Preview output holds the first rows as items (a grid in n8n), only in Table mode', async () => {
		const table = await runNode(
			'revenue',
			{
				outputMode: 'table',
				priceColumn: 'price',
				quantityColumn: 'total_sales',
				tableOptions: { previewRows: 2 },
			},
			[wines],
		);
		// Revenue's own order: highest revenue first.
		assert.deepEqual(
			json(table, 1).map((row) => row.sku),
			['C3', 'B2'],
		);
		assert.equal(
			table.output('Node', 1).every((item) => !item.binary),
			true,
		);
		const rows = await runNode(
			'revenue',
			{ outputMode: 'rows', priceColumn: 'price', quantityColumn: 'total_sales' },
			[wines],
		);
		assert.equal(rows.run.data.resultData.runData.Node[0].data!.main.length, 1);
	});

	test('Premium Score: Premium, Ordinary, then Preview; Ordinary does not repeat the scoring statistics', async () => {
		const many = Array.from({ length: 20 }, (_, i) => ({
			sku: `S${i}`,
			post_title: `Wine ${i}`,
			guid: `g${i}`,
			price: i === 19 ? 500 : 10 + (i % 3),
		}));
		const result = await runNode('premiumScore', { outputMode: 'table', scoreColumn: 'price' }, [
			many,
		]);
		const [premium] = json(result, 0);
		const [ordinary] = json(result, 1);
		assert.match(
			premium.summary as string,
			/^1 premium and 19 ordinary of 20 rows: premium when price is above \d+(\.\d{1,2})? \(z-score > 2/,
		);
		assert.equal(premium.premiumShare, '5 %');
		assert.equal(premium.topPremium, 'Wine 19 (500)');
		assert.deepEqual(
			Object.keys(((premium.statistics as IDataObject).topPremium as IDataObject[])[0]),
			['sku', 'post_title', 'price', 'premium_score'],
		);
		assert.equal((ordinary.statistics as IDataObject).mean, undefined);
		assert.equal(ordinary.ordinaryCount, 19);
		assert.deepEqual(
			json(result, 2).map((row) => row.sku),
			['S19'],
		);
	});

	test('Spreadsheet Copy: every row in a CSV or an xlsx file beside the Parquet table', async () => {
		for (const format of ['csv', 'xlsx'] as const) {
			const result = await runNode(
				'cleanTable',
				{ outputMode: 'table', tableOptions: { spreadsheetCopy: format } },
				[wines],
			);
			const item = result.output('Node', 0)[0];
			assert.equal(item.binary!.spreadsheet.fileName, `Node.${format}`);
			const path = binaryPath(item, 'spreadsheet');
			if (format === 'csv') {
				const bytes = readFileSync(path);
				assert.deepEqual(
					[...bytes.subarray(0, 3)],
					[0xef, 0xbb, 0xbf],
					'a byte order mark, so Excel reads the accents',
				);
				const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
				assert.equal(lines.length, wines.length + 1);
				assert.match(lines[1], /^1,A1,Château A,/);
			} else {
				const book = new ExcelJS.Workbook();
				await book.xlsx.readFile(path);
				assert.equal(book.worksheets[0].getCell('C4').value, 'Cuvée C');
			}
		}
		const plain = await runNode('cleanTable', { outputMode: 'table' }, [wines]);
		assert.deepEqual(Object.keys(plain.output('Node', 0)[0].binary!), ['data']);
	});

	test('a check that passes hands the table on with its own sentence, not the upstream one', async () => {
		const result = await runNode(
			'dataQualityCheck',
			{
				outputMode: 'table',
				checks: { check: [{ checkName: 'rows', checkType: 'rowCount', rowCountExpected: 3 }] },
			},
			[wines],
		);
		const [item] = json(result, 0);
		assert.equal(item.summary, '1 check on 3 rows: 1 passed, 0 failed.');
		assert.deepEqual([item.checksPassed, item.checksFailed], [1, 0]);
	});
});

describe('which file a node reads when Input Binary Property is left at "data"', () => {
	const dir = mkdtempSync(join(tmpdir(), 'table-output-'));
	const erp = join(dir, 'erp.csv');
	const web = join(dir, 'web.csv');
	writeFileSync(erp, 'product_id,price\n1,24.5\n');
	writeFileSync(web, 'sku,total_sales\nA1,3\nB2,4\n');
	process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

	test('the only file the items carry (as after Load Sales Exports with one export)', async () => {
		const result = await runNode('cleanTable', { outputMode: 'rows' }, [
			{ files: [{ path: erp, property: 'erp' }] },
		]);
		assert.deepEqual(json(result), [{ product_id: 1, price: 24.5 }]);
	});

	test("several files: the node asks which, naming them, instead of reading the items' JSON", async () => {
		const result = await runNode(
			'cleanTable',
			{ outputMode: 'rows' },
			[
				{
					files: [
						{ path: erp, property: 'erp' },
						{ path: web, property: 'web' },
					],
				},
			],
			{ continueOnFail: true },
		);
		const [failed] = json(result);
		assert.match(
			failed.error as string,
			/no file in the binary property "data"; the items carry "erp", "web"/,
		);
		assert.match(
			failed.description as string,
			/Set "Input Binary Property" to the one to read, e\.g\. erp/,
		);
	});
});

describe('figures for reading (nodes/shared/reading.ts)', () => {
	test('counts, money, decimals, shares', () => {
		assert.equal(countText(1513), '1,513');
		assert.equal(moneyText('70568.6', 'EUR'), '70,568.60 EUR');
		assert.equal(moneyText('-5.105'), '-5.11');
		assert.equal(
			moneyText(12345678901234567890n.toString() + '.5', 'EUR'),
			'12,345,678,901,234,567,890.50 EUR',
		);
		assert.equal(moneyText(null), '—');
		assert.equal(rounded(28.105952380952427), 28.11);
		assert.equal(rounded(71.35738439055976, 1), 71.4);
		assert.equal(percentText(0.10685067665723678), '10.7 %');
	});

	test('identifying columns: ids, sku, titles and names, plus the figures asked for', () => {
		const columns = [
			'product_id',
			'guid',
			'sku',
			'post_title',
			'post_content_filtered',
			'price',
			'stock',
		].map((name) => ({ name, type: 'VARCHAR', typeId: DuckDBTypeId.VARCHAR }));
		assert.deepEqual(
			identifyingColumns(columns, ['price']).map((c) => c.name),
			['product_id', 'sku', 'post_title', 'price'],
		);
	});

	test('outputs drawn by the editor: a Preview output only in Table mode', () => {
		const outputs = (parameters: IDataObject) =>
			new Function(
				'$parameter',
				`return ${tableNodeOutputs(['Premium', 'Ordinary']).slice(3, -2)}`,
			)(parameters);
		assert.deepEqual(
			outputs({ outputMode: 'table' }).map((o: IDataObject) => o.displayName),
			['Premium', 'Ordinary', 'Preview'],
		);
		assert.deepEqual(
			outputs({ outputMode: 'rows' }).map((o: IDataObject) => o.displayName),
			['Premium', 'Ordinary'],
		);
		assert.deepEqual(outputs({}).length, 2);
	});
});
