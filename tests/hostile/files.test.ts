import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { DuckSession } from '../../nodes/shared/duckdb';
import { json, runNode } from '../helpers/small';

const dir = mkdtempSync(join(tmpdir(), 'hostile-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function workbook(name: string, fill: (book: ExcelJS.Workbook) => void): Promise<string> {
	const book = new ExcelJS.Workbook();
	fill(book);
	const path = join(dir, name);
	await book.xlsx.writeFile(path);
	return path;
}

const load = (path: string, extra: object = {}) =>
	runNode('cleanTable', { steps: { step: [] }, outputMode: 'table', ...extra }, [
		{ files: [{ path }] },
	]);
const summary = (result: Awaited<ReturnType<typeof load>>) =>
	json(result)[0] as {
		rowCount: number;
		columns: Array<{ name: string; type: string }>;
		preview: Array<Record<string, unknown>>;
	};

describe('hostile files: each is refused with what, which file and how to fix, or read correctly', () => {
	test('a truncated xlsx', async () => {
		const good = await workbook('good.xlsx', (b) =>
			b.addWorksheet('Sheet1').addRows([
				['sku', 'price'],
				['A', 1],
			]),
		);
		const bytes = readFileSync(good);
		writeFileSync(join(dir, 'truncated.xlsx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
		const result = await load(join(dir, 'truncated.xlsx'));
		assert.match(
			result.error!.message,
			/the input table: "truncated\.xlsx": the file is not a readable \.xlsx workbook/,
		);
		assert.match(result.error!.description!, /not password-protected or truncated/);
	});

	test('a CSV (or a password-protected file) renamed .xlsx', async () => {
		writeFileSync(join(dir, 'renamed.xlsx'), 'sku,price\nA,1\n');
		const result = await load(join(dir, 'renamed.xlsx'));
		assert.match(
			result.error!.message,
			/"renamed\.xlsx": the file is not a readable \.xlsx workbook/,
		);
	});

	test('a password-protected workbook (Excel saves those as an OLE compound file, not a zip)', async () => {
		const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
		writeFileSync(join(dir, 'protected.xlsx'), Buffer.concat([header, Buffer.alloc(4096, 0)]));
		const result = await load(join(dir, 'protected.xlsx'));
		assert.match(
			result.error!.message,
			/"protected\.xlsx": the file is not a readable \.xlsx workbook/,
		);
		assert.match(result.error!.description!, /password-protected/);
	});

	test('an empty sheet', async () => {
		const path = await workbook('empty.xlsx', (b) => b.addWorksheet('Sheet1'));
		const result = await load(path);
		assert.match(
			result.error!.message,
			/"empty\.xlsx": (sheet "Sheet1" is empty|the workbook has no worksheet)/,
		);
	});

	test('a header-only sheet gives an empty table with its columns', async () => {
		const path = await workbook('header.xlsx', (b) =>
			b.addWorksheet('Sheet1').addRow(['sku', 'price']),
		);
		const result = await load(path);
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(summary(result).rowCount, 0);
		assert.deepEqual(
			summary(result).columns.map((c) => c.name),
			['sku', 'price'],
		);
	});

	test('the wanted sheet is missing: the sheets found are listed', async () => {
		const path = await workbook('sheets.xlsx', (b) => {
			b.addWorksheet('Ventes').addRows([['sku'], ['A']]);
			b.addWorksheet('Notes').addRows([['x'], ['y']]);
		});
		const result = await load(path, { fileOptions: { sheetName: 'Feuil1' } });
		assert.match(result.error!.message, /sheet "Feuil1" was not found in the workbook/);
		assert.match(result.error!.description!, /Sheets found: Ventes, Notes/);
		const second = await load(path, { fileOptions: { sheetName: 'Notes' } });
		assert.deepEqual(summary(second).preview, [{ x: 'y' }]);
	});

	test('merged header cells, duplicate names, blank rows and columns', async () => {
		const path = await workbook('messy.xlsx', (b) => {
			const sheet = b.addWorksheet('Sheet1');
			sheet.addRow([]);
			sheet.addRow(['Prix', null, 'sku', 'sku', null, 'Prix']);
			sheet.mergeCells('A2:B2');
			sheet.addRow([10, 11, 'A', 'a', null, 12]);
			sheet.addRow([]);
			sheet.addRow([20, 21, 'B', 'b', null, 22]);
		});
		const result = await load(path);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			summary(result).columns.map((c) => c.name),
			['Prix', 'column_2', 'sku', 'sku_2', 'column_5', 'Prix_2'],
		);
		assert.equal(summary(result).rowCount, 2, 'blank rows are skipped');
		assert.deepEqual(summary(result).preview[1], {
			Prix: 20,
			column_2: 21,
			sku: 'B',
			sku_2: 'b',
			column_5: null,
			Prix_2: 22,
		});
	});

	test('CSV with a byte-order mark and quoted newlines', async () => {
		writeFileSync(
			join(dir, 'bom.csv'),
			'\uFEFFsku,comment\nA,"two\nlines, and ""quotes"""\nB,plain\n',
		);
		const result = await load(join(dir, 'bom.csv'));
		assert.deepEqual(
			summary(result).columns.map((c) => c.name),
			['sku', 'comment'],
		);
		assert.deepEqual(summary(result).preview[0], { sku: 'A', comment: 'two\nlines, and "quotes"' });
	});

	test('a French CSV: latin-1, semicolons, decimal commas, accents in headers', async () => {
		writeFileSync(
			join(dir, 'fr.csv'),
			Buffer.from(
				'désignation;prix unitaire;qté\nCôtes du Rhône;12,50;3\nCrémant;8,2;10\n',
				'latin1',
			),
		);
		const result = await load(join(dir, 'fr.csv'));
		assert.deepEqual(summary(result).columns, [
			{ name: 'désignation', type: 'VARCHAR' },
			{ name: 'prix unitaire', type: 'DOUBLE' },
			{ name: 'qté', type: 'BIGINT' },
		]);
		assert.deepEqual(summary(result).preview[0], {
			désignation: 'Côtes du Rhône',
			'prix unitaire': 12.5,
			qté: 3,
		});
	});

	test('a CSV whose column turns from numbers to text after the rows DuckDB samples keeps every value, as text', async () => {
		const lines = ['sku,code'];
		for (let row = 0; row < 50_000; row++) lines.push(`W${row},${row}`);
		lines.push('LAST,ref-A12');
		writeFileSync(join(dir, 'late-text.csv'), lines.join('\n') + '\n');
		const result = await load(join(dir, 'late-text.csv'), { tableOptions: { previewRows: 1 } });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(summary(result).rowCount, 50_001);
		assert.deepEqual(summary(result).columns, [
			{ name: 'sku', type: 'VARCHAR' },
			{ name: 'code', type: 'VARCHAR' },
		]);
	});

	test('an xlsx sheet and a JSON file whose column turns to text after the sampled rows keep every value', async () => {
		const rows: Array<[string, number | string]> = Array.from({ length: 25_000 }, (_, row) => [
			`W${row}`,
			row,
		]);
		rows.push(['LAST', 'ref-A12']);
		const sheet = await workbook('late-text.xlsx', (b) =>
			b.addWorksheet('Sheet1').addRows([['sku', 'code'], ...rows]),
		);
		const jsonPath = join(dir, 'late-text.ndjson');
		writeFileSync(
			jsonPath,
			rows.map(([sku, code]) => JSON.stringify({ sku, code })).join('\n') + '\n',
		);
		for (const path of [sheet, jsonPath]) {
			const result = await load(path, { tableOptions: { previewRows: 1 } });
			assert.equal(result.error, undefined, `${path}: ${result.error?.message}`);
			assert.equal(summary(result).rowCount, 25_001, path);
			assert.equal(summary(result).columns[1].type, 'VARCHAR', path);
		}
	});

	test('a 1,000,000-row CSV goes through in Table mode', async () => {
		const path = join(dir, 'million.csv');
		const session = await DuckSession.open();
		await session.run(
			`COPY (SELECT range AS id, 'sku-' || (range % 1000) AS sku, (range % 97) * 1.5 AS price FROM range(1000000)) TO '${path}' (HEADER)`,
		);
		await session.close();
		const result = await runNode(
			'cleanTable',
			{
				outputMode: 'table',
				steps: {
					step: [
						{
							stepType: 'deduplicate',
							dedupKeys: 'sku',
							dedupStrategy: 'highest',
							dedupOrderColumn: 'price',
						},
					],
				},
			},
			[{ files: [{ path }] }],
		);
		assert.equal(result.error, undefined, result.error?.message);
		const stats = (json(result)[0] as { statistics: { rowsIn: number; rowsOut: number } })
			.statistics;
		assert.deepEqual([stats.rowsIn, stats.rowsOut], [1_000_000, 1000]);
	});
});
