/**
 * CSV injection (OWASP, CWE-1236): text a spreadsheet would run as a formula is written as text.
 * Inputs go through a JSON file, not test.items: n8n would read a parameter string starting with
 * "=" as an expression and change the title before the node sees it.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { DuckSession } from '../nodes/shared/duckdb';
import { quoteLiteral } from '../nodes/shared/sql';
import { binaryPath } from './helpers/engine';
import type { WorkflowResult } from './helpers/engine';
import { json, runNode } from './helpers/small';

const DANGEROUS = [
	`=HYPERLINK("http://x","Click")`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	'+1+1',
	'-2+3',
	'\tTAB',
	'\rCR',
];
const SAFE = ['Château Margaux 2015', 'Cuvée "Grand cru", 75cl, rouge', `'already quoted`];
const TITLES = [...DANGEROUS, ...SAFE];

/** One row per title; id 1 (a formula title) is the only premium one, id 2 has a negative price. */
const PRICES = [1000, -12.5, 10, 11, 12, 10, 11, 12, 10];
const ROWS: IDataObject[] = TITLES.map((title, i) => ({
	id: i + 1,
	title,
	price: PRICES[i],
	total_sales: 2,
}));

const dir = mkdtempSync(join(tmpdir(), 'csv-injection-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function jsonFile(name: string, rows: IDataObject[]) {
	const path = join(dir, name);
	writeFileSync(path, JSON.stringify(rows));
	return { files: [{ path, fileName: name }] };
}

async function premiumCsv(csvOptions: IDataObject, rows = ROWS): Promise<WorkflowResult> {
	const result = await runNode(
		'premiumScore',
		{ outputMode: 'table', tableOptions: { previewRows: 100 }, createCsv: true, csvOptions },
		[jsonFile('wines.json', rows)],
	);
	assert.equal(result.error, undefined, result.error?.message);
	return result;
}

/** Every row of both CSV files, re-read by DuckDB's CSV parser with every cell as text. */
async function readBack(
	result: WorkflowResult,
	delimiter = ',',
): Promise<{ header: string[]; rows: Array<Record<string, string | null>> }> {
	const session = await DuckSession.open();
	try {
		const files = [0, 1].map((output) => binaryPath(result.output('Node', output)[0], 'csv'));
		const read = (path: string) =>
			`read_csv(${quoteLiteral(path)}, header = true, all_varchar = true, delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"')`;
		const header = (await session.rows(`DESCRIBE SELECT * FROM ${read(files[0])}`)).map((column) =>
			String(column.column_name),
		);
		const rows = await session.rows(
			`SELECT * FROM ${read(files[0])} UNION ALL BY NAME SELECT * FROM ${read(files[1])}`,
		);
		return { header, rows: rows as Array<Record<string, string | null>> };
	} finally {
		await session.close();
	}
}

const byId = (rows: Array<Record<string, string | null>>) =>
	new Map(rows.map((row) => [Number(row.id), row]));

describe('CSV files are safe to open in a spreadsheet', () => {
	test('the inputs reach the node unchanged', async () => {
		const result = await premiumCsv({});
		const preview = [
			...(json(result, 0)[0] as any).preview,
			...(json(result, 1)[0] as any).preview,
		];
		assert.deepEqual(preview.map((row: IDataObject) => row.title).sort(), [...TITLES].sort());
		assert.deepEqual(
			[
				result.output('Node', 0)[0].binary!.csv.fileName,
				result.output('Node', 1)[0].binary!.csv.fileName,
			],
			['vins_premium.csv', 'vins_ordinaires.csv'],
		);
	});

	test('formula-looking text gets a leading quote; other text and every number stay as they are', async () => {
		const result = await premiumCsv({});
		const { rows } = await readBack(result);
		const rowsById = byId(rows);
		assert.equal(rows.length, TITLES.length);
		for (const [index, title] of TITLES.entries()) {
			const expected = DANGEROUS.includes(title) ? `'${title}` : title;
			assert.equal(rowsById.get(index + 1)!.title, expected, JSON.stringify(title));
		}
		assert.equal(rowsById.get(2)!.price, '-12.5');
		assert.equal(rowsById.get(1)!.price, '1000.0');
		// Scores: negative numbers too, never prefixed.
		assert.ok(rows.some((row) => row.premium_score!.startsWith('-')));
		for (const row of rows) assert.match(row.premium_score!, /^-?\d+(\.\d+)?(e-?\d+)?$/);
		// The quoting is the CSV's own: the quote prefix sits inside the quoted field.
		const premium = readFileSync(binaryPath(result.output('Node', 0)[0], 'csv'), 'utf8');
		assert.match(
			premium,
			/^id,title,price,total_sales,premium_score\n1,"'=HYPERLINK\(""http:\/\/x"",""Click""\)",1000\.0,2,/,
		);
	});

	test('French style: the same prefixes, decimal commas kept', async () => {
		const result = await premiumCsv({ style: 'french' });
		const rowsById = byId((await readBack(result, ';')).rows);
		for (const [index, title] of TITLES.entries()) {
			assert.equal(
				rowsById.get(index + 1)!.title,
				DANGEROUS.includes(title) ? `'${title}` : title,
				JSON.stringify(title),
			);
		}
		assert.equal(rowsById.get(2)!.price, '-12,5');
		assert.equal(rowsById.get(1)!.price, '1000,0');
	});

	test('column names that look like formulas are prefixed in the header too', async () => {
		const rows = ROWS.map(({ id, price, title }) => ({
			id,
			price,
			'=1+1': title,
			'-note': 'plain',
		}));
		const { header, rows: read } = await readBack(await premiumCsv({}, rows));
		assert.deepEqual(header, ['id', 'price', `'=1+1`, `'-note`, 'premium_score']);
		assert.equal(byId(read).get(1)![`'=1+1`], `'${TITLES[0]}`);
	});

	test('turned off for machine consumers: the exact text comes back', async () => {
		const result = await premiumCsv({ formulaSafe: false });
		const rowsById = byId((await readBack(result)).rows);
		for (const [index, title] of TITLES.entries())
			assert.equal(rowsById.get(index + 1)!.title, title, JSON.stringify(title));
		assert.equal(rowsById.get(2)!.price, '-12.5');
		const header = (
			await readBack(await premiumCsv({ formulaSafe: false }, [{ id: 1, '=1+1': 'x', price: 1 }]))
		).header;
		assert.deepEqual(header, ['id', '=1+1', 'price', 'premium_score']);
	});
});

describe('The Revenue workbook writes text as text', () => {
	test('every title is a string cell with the exact title; the only formulas are the totals', async () => {
		const result = await runNode('revenue', { outputMode: 'table', createReport: true }, [
			jsonFile('sales.json', ROWS),
		]);
		assert.equal(result.error, undefined, result.error?.message);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.readFile(binaryPath(result.output('Node')[0], 'report'));

		const sheet = workbook.getWorksheet('Revenue')!;
		const titleColumn = (sheet.getRow(1).values as unknown[]).indexOf('title');
		assert.ok(titleColumn > 0, 'the report has the title column');
		const titles = TITLES.map((_, index) => sheet.getRow(index + 2).getCell(titleColumn));
		for (const cell of titles)
			assert.equal(cell.type, ExcelJS.ValueType.String, `${cell.address} is a string cell`);
		assert.deepEqual(titles.map((cell) => cell.value).sort(), [...TITLES].sort());

		const summary = workbook.getWorksheet('Summary')!;
		const labels: ExcelJS.Cell[] = [];
		summary.eachRow((row, number) => {
			if (number > 6 && row.getCell(2).type === ExcelJS.ValueType.Number)
				labels.push(row.getCell(1));
		});
		assert.equal(labels.length, TITLES.length, 'every title is in the top 10');
		for (const cell of labels)
			assert.equal(cell.type, ExcelJS.ValueType.String, `Summary!${cell.address} is a string cell`);
		assert.deepEqual(labels.map((cell) => cell.value).sort(), [...TITLES].sort());

		const totalsRow = TITLES.length + 2;
		const formulas: string[] = [];
		for (const worksheet of workbook.worksheets) {
			worksheet.eachRow((row, number) =>
				row.eachCell((cell) => {
					if (cell.type === ExcelJS.ValueType.Formula || cell.formula)
						formulas.push(
							`${worksheet.name}!${cell.address}${worksheet === sheet && number === totalsRow ? ' (totals)' : ''}`,
						);
				}),
			);
		}
		// The totals' SUMs show the reader does see formulas, and that there are no others.
		assert.ok(formulas.length > 0);
		assert.deepEqual(
			formulas.filter((cell) => !cell.endsWith(' (totals)')),
			[],
		);
	});
});
