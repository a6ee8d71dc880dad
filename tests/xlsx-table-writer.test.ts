import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDBTypeId } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { DuckSession } from '../nodes/shared/duckdb';
import { quoteIdentifier, quoteLiteral } from '../nodes/shared/sql';
import { describeColumns } from '../nodes/shared/table/columns';
import { xlsx } from '../nodes/shared/table/formats/xlsx';
import { parquet } from '../nodes/shared/table/formats/parquet';
import { INSERTION_ORDER, type Column } from '../nodes/shared/table/types';
import { XLSX_MAX_ROWS, writeTableWorkbook, xlsxRowLimitMessage } from '../nodes/shared/xlsx/write';
import { readWorkbook } from './helpers/workbook';

const FORMULA_TEXT = '=HYPERLINK("https://evil.example","click")';
const MARKUP_TEXT = 'Château & <Fils> "Grand"';

async function withSession<T>(work: (session: DuckSession) => Promise<T>): Promise<T> {
	const session = await DuckSession.open();
	try {
		return await work(session);
	} finally {
		await session.close();
	}
}

/** Inserted out of the order the tests ask for, with a NULL in every column but id. */
async function createMixed(session: DuckSession): Promise<Column[]> {
	await session.run(
		`CREATE TEMP TABLE mixed (id INTEGER, big BIGINT, price DECIMAL(18,2), ratio DOUBLE, label VARCHAR, sold_on DATE, active BOOLEAN, "Note & <""x"">" VARCHAR)`,
	);
	const rows: Array<
		[
			number,
			number | null,
			string | null,
			number | null,
			string | null,
			string | null,
			boolean | null,
			string | null,
		]
	> = [
		[3, 30, '1234567.89', 0.5, MARKUP_TEXT, '2024-02-29', true, 'c'],
		[1, null, '0.10', 1e-7, FORMULA_TEXT, '2024-05-31', false, null],
		[4, -4, null, null, '=1+1', null, null, 'd'],
		[2, 9007199254740991, '49.90', 0.125, null, '2023-12-01', true, '@SUM(A1)'],
		[5, 5, '0.01', -2.75, 'plain', '2024-01-01', false, 'e'],
	];
	for (const row of rows) {
		await session.run(
			'INSERT INTO mixed VALUES ($1, $2, CAST($3 AS DECIMAL(18,2)), $4, $5, CAST($6 AS DATE), $7, $8)',
			row,
		);
	}
	return describeColumns(session, 'mixed');
}

/** What a DuckDB value reads back as: numbers as numbers (DECIMAL exact to the cent), dates as ISO text, NULL as no cell. */
function expectedValue(value: unknown, type: string): unknown {
	if (value === null) return null;
	if (type === 'VARCHAR' || type === 'DATE' || type === 'BOOLEAN') return value;
	return Number(value);
}

function assertSheetMatches(
	sheet: ExcelJS.Worksheet,
	columns: Column[],
	source: Array<Record<string, unknown>>,
): void {
	columns.forEach((column, index) =>
		assert.equal(sheet.getRow(1).getCell(index + 1).value, column.name),
	);
	source.forEach((row, rowIndex) => {
		columns.forEach((column, index) => {
			const cell = sheet.getRow(rowIndex + 2).getCell(index + 1);
			assert.deepEqual(
				cell.value,
				expectedValue(row[column.name], column.type),
				`${cell.address} (${column.name})`,
			);
		});
	});
	assert.equal(sheet.rowCount, source.length + 1, 'a header, the data rows and nothing after them');
}

function xmlParts(path: string): Record<string, string> {
	const parts = unzipSync(readFileSync(path));
	return Object.fromEntries(
		Object.entries(parts).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]),
	);
}

describe('xlsx.write (table workbook)', () => {
	test('mixed types in an explicit order: one sheet, header, values, no formula, only the parts of one sheet', async () => {
		await withSession(async (session) => {
			const columns = await createMixed(session);
			const orderBy = `${quoteIdentifier('price')} DESC NULLS LAST, ${quoteIdentifier('id')}`;
			const path = session.scratchPath('mixed.xlsx');
			await xlsx.write!({ session, relation: 'mixed', orderBy, columns, path, options: {} });

			const book = await readWorkbook(path);
			assert.deepEqual(
				book.worksheets.map((sheet) => sheet.name),
				['Table'],
			);
			const sheet = book.getWorksheet('Table')!;
			const source = await session.jsonRows(`SELECT * FROM mixed ORDER BY ${orderBy}`);
			assert.deepEqual(
				source.map((row) => row.id),
				[3, 2, 1, 5, 4],
			);
			assertSheetMatches(sheet, columns, source);
			assert.equal(sheet.getCell('C2').value, 1234567.89, 'DECIMAL money to the cent');
			assert.equal(
				sheet.getCell('B3').value,
				9007199254740991,
				'the largest exact integer stays a number',
			);

			// Header bold and frozen, filter over header and data, widths as the revenue sheet sets them.
			columns.forEach((column, index) =>
				assert.equal(sheet.getRow(1).getCell(index + 1).font?.bold, true, column.name),
			);
			assert.equal(sheet.views[0].state, 'frozen');
			assert.equal((sheet.views[0] as ExcelJS.WorksheetViewFrozen).ySplit, 1);
			assert.equal(sheet.autoFilter, 'A1:H6');
			columns.forEach((column, index) => {
				const width = Math.min(
					60,
					Math.max(12, column.name.length + 4, column.type === 'VARCHAR' ? 28 : 14),
				);
				assert.equal(sheet.getColumn(index + 1).width, width, column.name);
			});

			// Formula-looking text is a string cell, never a formula.
			for (const address of ['E4', 'E6', 'H3']) {
				const cell = sheet.getCell(address);
				assert.equal(cell.type, ExcelJS.ValueType.String, address);
				assert.equal(cell.formula, undefined, address);
			}
			assert.equal(sheet.getCell('E4').value, FORMULA_TEXT);
			assert.equal(sheet.getCell('E2').value, MARKUP_TEXT);

			const parts = xmlParts(path);
			assert.deepEqual(Object.keys(parts).sort(), [
				'[Content_Types].xml',
				'_rels/.rels',
				'docProps/app.xml',
				'docProps/core.xml',
				'xl/_rels/workbook.xml.rels',
				'xl/styles.xml',
				'xl/workbook.xml',
				'xl/worksheets/sheet1.xml',
			]);
			for (const xml of Object.values(parts)) new SaxesParser().write(xml).close();
			const data = parts['xl/worksheets/sheet1.xml'];
			assert.equal(data.match(/<f>/g), null, 'no formula anywhere');
			assert.match(
				data,
				/<c r="E4" t="inlineStr"><is><t xml:space="preserve">=HYPERLINK\(&quot;https:\/\/evil.example&quot;,&quot;click&quot;\)<\/t><\/is><\/c>/,
			);
			assert.equal(parts['xl/workbook.xml'].match(/<sheet /g)?.length, 1);
			assert.match(
				parts['xl/workbook.xml'],
				/<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Table!\$A\$1:\$H\$6<\/definedName>/,
			);
			assert.doesNotMatch(parts['xl/_rels/workbook.xml.rels'], /sheet2/);
			assert.match(parts['xl/_rels/workbook.xml.rels'], /Id="rId2"[^>]*Target="styles.xml"/);
			assert.doesNotMatch(parts['[Content_Types].xml'], /sheet2/);
			assert.match(parts['[Content_Types].xml'], /\/xl\/worksheets\/sheet1.xml/);

			const copies = await session.rows(
				`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'xlsx_rows_%'`,
			);
			assert.deepEqual(copies, [], 'the ordered copy is dropped');
		});
	});

	test('insertion order, rowids with gaps: rows numbered one after another in that order', async () => {
		await withSession(async (session) => {
			const columns = await createMixed(session);
			await session.run('DELETE FROM mixed WHERE id IN (1, 2)');
			const path = session.scratchPath('gaps.xlsx');
			await xlsx.write!({
				session,
				relation: 'mixed',
				orderBy: INSERTION_ORDER,
				columns,
				path,
				options: {},
			});
			const sheet = (await readWorkbook(path)).getWorksheet('Table')!;
			assertSheetMatches(
				sheet,
				columns,
				await session.jsonRows('SELECT * FROM mixed ORDER BY rowid'),
			);
			assert.deepEqual(
				[2, 3, 4].map((n) => sheet.getCell(`A${n}`).value),
				[3, 4, 5],
			);
			assert.equal(sheet.autoFilter, 'A1:H4');
		});
	});

	test('a Parquet file read in place, in its file_row_number order', async () => {
		await withSession(async (session) => {
			const columns = await createMixed(session);
			const file = session.scratchPath('mixed.parquet');
			await parquet.write!({
				session,
				relation: 'mixed',
				orderBy: quoteIdentifier('label'),
				columns,
				path: file,
				options: {},
			});
			const relation = `read_parquet(${quoteLiteral(file)})`;
			const path = session.scratchPath('from-parquet.xlsx');
			await xlsx.write!({
				session,
				relation,
				orderBy: 'file_row_number',
				columns,
				path,
				options: {},
			});
			const sheet = (await readWorkbook(path)).getWorksheet('Table')!;
			const source = await session.jsonRows(`SELECT * FROM ${relation} ORDER BY file_row_number`);
			assert.deepEqual(
				source.map((row) => row.label),
				['=1+1', FORMULA_TEXT, MARKUP_TEXT, 'plain', null],
			);
			assertSheetMatches(sheet, columns, source);
		});
	});

	test('no rows: the header alone', async () => {
		await withSession(async (session) => {
			const columns = await createMixed(session);
			await session.run('DELETE FROM mixed');
			const path = session.scratchPath('empty.xlsx');
			await xlsx.write!({
				session,
				relation: 'mixed',
				orderBy: INSERTION_ORDER,
				columns,
				path,
				options: {},
			});
			const sheet = (await readWorkbook(path)).getWorksheet('Table')!;
			assert.equal(sheet.rowCount, 1);
			assert.equal(sheet.getCell('H1').value, 'Note & <"x">');
			assert.equal(sheet.autoFilter, 'A1:H1');
		});
	});

	test('a sheet name that needs quoting in the filter range; one Excel refuses is refused', async () => {
		await withSession(async (session) => {
			const columns = await createMixed(session);
			const path = session.scratchPath('named.xlsx');
			await writeTableWorkbook(session, {
				path,
				relation: 'mixed',
				columns,
				sheetName: "Q1 l'été & co",
			});
			assert.match(
				xmlParts(path)['xl/workbook.xml'],
				/localSheetId="0" hidden="1">'Q1 l''été &amp; co'!\$A\$1:\$H\$6</,
			);
			assert.deepEqual(
				(await readWorkbook(path)).worksheets.map((sheet) => sheet.name),
				["Q1 l'été & co"],
			);
			await assert.rejects(
				writeTableWorkbook(session, {
					path: session.scratchPath('bad.xlsx'),
					relation: 'mixed',
					columns,
					sheetName: 'a/b',
				}),
				/cannot name an Excel sheet/,
			);
			assert.equal(existsSync(session.scratchPath('bad.xlsx')), false);
		});
	});

	test('more rows than a sheet holds below its header: a clear error, nothing written', async () => {
		await withSession(async (session) => {
			await session.run('CREATE TEMP TABLE big AS SELECT range AS id FROM range($1)', [
				XLSX_MAX_ROWS,
			]);
			const path = session.scratchPath('big.xlsx');
			await assert.rejects(
				xlsx.write!({
					session,
					relation: 'big',
					orderBy: INSERTION_ORDER,
					columns: [{ name: 'id', type: 'BIGINT', typeId: DuckDBTypeId.BIGINT }],
					path,
					options: {},
				}),
				{
					message:
						'The table has 1,048,576 rows, but an Excel sheet holds 1,048,575 below its header: use CSV for all rows in one file',
				},
			);
			assert.equal(
				xlsxRowLimitMessage(2_000_000),
				'The table has 2,000,000 rows, but an Excel sheet holds 1,048,575 below its header: use CSV for all rows in one file',
			);
			assert.deepEqual(
				readdirSync(session.scratchDir).filter((name) => name.startsWith('big')),
				[],
			);
		});
	});
});
