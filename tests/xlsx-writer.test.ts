import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDBTypeId } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { readdirSync, readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { DuckSession } from '../nodes/shared/duckdb';
import { describeColumns } from '../nodes/shared/table/columns';
import {
	XLSX_MAX_ROWS,
	writeRevenueWorkbook,
	type RevenueWorkbook,
	type SheetColumn,
} from '../nodes/shared/xlsx/write';
import { readWorkbook } from './helpers/workbook';

const LONG_HTML = `<div class="description">${'<p>Vin rouge &amp; fromage — 14,5 % vol. <b>"Grand cru"</b></p>\n'.repeat(400)}</div>`;

/** Titles that break naive writers: markup, quotes, emoji, newlines, formulas, control characters. */
const TITLES = [
	`Château Margaux & Fils <AOC> "Grand" l'été 🍷`,
	'=HYPERLINK("https://evil.example","click me")',
	'@SUM(A1:A2)',
	'+33 6 12 34 56 78',
	'-1',
	'line 1\nline 2\r\nline 3\ttabbed',
	LONG_HTML,
	'  padded\u0001 \u0007bell\uFFFF  ',
];
/** What Excel must show: XML 1.0 cannot carry those control characters, so they are dropped. */
const shown = (title: string) => title.replace(/[\u0001\u0007\uFFFF]/g, '');

const FORMULA_LOOKING = new Set([1, 2, 3, 4]);

/** A column name that must be escaped in the header and quoted in SQL. */
const NOTE = 'Note & <"remarks">';

/** 30 columns, so the last ones are AA…AD. */
async function createReport(session: DuckSession): Promise<SheetColumn[]> {
	await session.run(
		`CREATE TEMP TABLE core (id BIGINT, title VARCHAR, qty INTEGER, price DECIMAL(18,2), share DOUBLE, sold_on DATE, active BOOLEAN, note VARCHAR)`,
	);
	const rows: Array<
		[
			number,
			string,
			number | null,
			string | null,
			number | null,
			string | null,
			boolean | null,
			string | null,
		]
	> = [
		[1, TITLES[0], 3, '49.90', 0.125, '2024-05-31', true, 'plain'],
		[2, TITLES[1], 0, '0.10', 1e-7, null, false, null],
		[3, TITLES[2], null, null, null, '2023-12-01', null, 'x'],
		[4, TITLES[3], 12, '1234567.89', 0.5, '2024-02-29', true, 'y'],
		[5, TITLES[4], 1, '0.01', 0.333333333333, '2024-01-01', false, 'z'],
		[6, TITLES[5], 7, '19.99', 0.0001, '2024-03-15', true, null],
		[7, TITLES[6], 2, '5.00', 0, '2024-04-01', null, 'long'],
		[8, TITLES[7], 5, '999999.99', 1, '2024-05-01', true, 'last'],
	];
	for (const row of rows) {
		await session.run(
			'INSERT INTO core VALUES ($1, $2, $3, CAST($4 AS DECIMAL(18,2)), $5, CAST($6 AS DATE), $7, $8)',
			row,
		);
	}
	const extras = Array.from({ length: 20 }, (_, k) =>
		k % 2 === 0
			? `CAST(id * ${k + 10} AS INTEGER) AS extra_${k + 10}`
			: `'text ' || id || ' of ' || ${k + 10} AS extra_${k + 10}`,
	);
	await session.run(`CREATE TEMP TABLE report AS SELECT id, title, qty, price, CAST(price * qty AS DECIMAL(18,2)) AS revenue, share, sold_on, active, note AS "Note & <""remarks"">",
		${extras.join(', ')}, share * 2 AS cumulative_share FROM core ORDER BY id`);
	const formats: Record<string, SheetColumn['format']> = {
		id: 'integer',
		qty: 'integer',
		price: 'currency',
		revenue: 'currency',
		share: 'percent',
		cumulative_share: 'percent',
	};
	return (await describeColumns(session, 'report')).map((column) => ({
		...column,
		format:
			formats[column.name] ?? (column.typeId === DuckDBTypeId.INTEGER ? 'integer' : undefined),
	}));
}

function workbook(path: string, columns: SheetColumn[], relation = 'report'): RevenueWorkbook {
	return {
		path,
		relation,
		columns,
		currency: 'EUR',
		totals: ['revenue', 'qty'],
		summary: [
			['Period', 'May 2026'],
			['Total revenue', 12345.67],
			['Number of products', 8],
			['Units sold', 30],
		],
		top: {
			label: 'Top 10 by revenue (title)',
			rows: [
				{ label: 'Château & <Co>', revenue: 1234.5 },
				{ label: '=1+1', revenue: 99.99 },
			],
		},
	};
}

async function withReport<T>(
	work: (session: DuckSession, columns: SheetColumn[]) => Promise<T>,
): Promise<T> {
	const session = await DuckSession.open();
	try {
		return await work(session, await createReport(session));
	} finally {
		await session.close();
	}
}

/** What the source value must read back as: numbers as numbers (DECIMAL exact to the cent), dates as ISO text. */
function expectedValue(value: unknown, type: string): unknown {
	if (value === null) return null;
	if (type === 'VARCHAR') return shown(value as string);
	if (type === 'DATE' || type === 'BOOLEAN') return value;
	return Number(value);
}

describe('bulk xlsx writer', () => {
	test('every value, format, width, the frozen header, autofilter, totals and summary, read back with ExcelJS', async () => {
		await withReport(async (session, columns) => {
			const path = session.scratchPath('report.xlsx');
			await writeRevenueWorkbook(session, workbook(path, columns));
			const book = await readWorkbook(path);
			assert.deepEqual(
				book.worksheets.map((sheet) => sheet.name),
				['Revenue', 'Summary'],
			);
			const sheet = book.getWorksheet('Revenue')!;
			assert.equal(columns.length, 30);
			assert.equal(sheet.getColumn(30).letter, 'AD');

			// Header: names in bold, frozen below it, filter over header and data.
			columns.forEach((column, index) => {
				const cell = sheet.getRow(1).getCell(index + 1);
				assert.equal(cell.value, column.name);
				assert.equal(cell.font?.bold, true, column.name);
			});
			assert.equal(sheet.views[0].state, 'frozen');
			assert.equal((sheet.views[0] as ExcelJS.WorksheetViewFrozen).ySplit, 1);
			assert.equal(sheet.autoFilter, 'A1:AD9');

			// Data: every cell equal to the source, NULL as an empty cell.
			const source = await session.jsonRows('SELECT * FROM report ORDER BY rowid');
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
			assert.equal(sheet.getCell('D5').value, 1234567.89, 'DECIMAL money to the cent');
			assert.equal(sheet.getCell('E5').value, 14814814.68);
			assert.equal(sheet.getCell('B8').value, LONG_HTML);
			assert.ok(LONG_HTML.length > 20_000);

			// Formats and widths per column, past Z too.
			const formatOf: Record<string, string> = {
				currency: '#,##0.00 "€"',
				percent: '0.00%',
				integer: '#,##0',
			};
			columns.forEach((column, index) => {
				const cell = sheet.getRow(2).getCell(index + 1);
				assert.equal(
					cell.numFmt,
					column.format ? formatOf[column.format] : undefined,
					`${cell.address} (${column.name})`,
				);
				const width = Math.min(
					60,
					Math.max(12, column.name.length + 4, column.type === 'VARCHAR' ? 28 : 14),
				);
				assert.equal(sheet.getColumn(index + 1).width, width, column.name);
			});
			assert.equal(sheet.getCell('AD2').numFmt, '0.00%');
			assert.equal(sheet.getCell('AD2').value, 0.25);

			// Totals: bold, formula and the value DuckDB computed.
			const totals = sheet.getRow(10);
			assert.equal(totals.getCell(1).value, 'Total');
			assert.equal(totals.getCell(1).font?.bold, true);
			// 149.70 + 0.00 + 14814814.68 + 0.01 + 139.93 + 10.00 + 4999999.95, summed exactly by DuckDB.
			assert.deepEqual(totals.getCell(5).value, { formula: 'SUM(E2:E9)', result: 19815114.27 });
			assert.deepEqual(totals.getCell(3).value, { formula: 'SUM(C2:C9)', result: 30 });
			assert.equal(totals.getCell(5).numFmt, '#,##0.00 "€"');
			assert.equal(totals.getCell(5).font?.bold, true);
			assert.equal(sheet.rowCount, 10);

			// Summary: bold labels, money on revenue, a blank row, the top list.
			const summary = book.getWorksheet('Summary')!;
			const values = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => summary.getRow(n).values);
			assert.deepEqual(values, [
				[, 'Period', 'May 2026'],
				[, 'Total revenue', 12345.67],
				[, 'Number of products', 8],
				[, 'Units sold', 30],
				[],
				[, 'Top 10 by revenue (title)', 'Revenue'],
				[, 'Château & <Co>', 1234.5],
				[, '=1+1', 99.99],
			]);
			for (const n of [1, 2, 3, 4]) assert.equal(summary.getRow(n).getCell(1).font?.bold, true);
			assert.equal(summary.getCell('B2').numFmt, '#,##0.00 "€"');
			assert.equal(summary.getCell('B3').numFmt, undefined);
			assert.equal(summary.getCell('A6').font?.bold, true);
			assert.equal(summary.getCell('B6').font?.bold, true);
			assert.equal(summary.getCell('B7').numFmt, '#,##0.00 "€"');
			assert.equal(summary.getCell('A8').formula, undefined);
			assert.deepEqual([summary.getColumn(1).width, summary.getColumn(2).width], [34, 22]);
		});
	});

	test('text that looks like a formula stays text', async () => {
		await withReport(async (session, columns) => {
			const path = session.scratchPath('formulas.xlsx');
			await writeRevenueWorkbook(session, workbook(path, columns));
			const sheet = (await readWorkbook(path)).getWorksheet('Revenue')!;
			for (const index of FORMULA_LOOKING) {
				const cell = sheet.getCell(`B${index + 2}`);
				assert.equal(cell.type, ExcelJS.ValueType.String, cell.address);
				assert.equal(cell.value, TITLES[index]);
				assert.equal(cell.formula, undefined);
			}
			const xml = new TextDecoder().decode(
				unzipSync(readFileSync(path))['xl/worksheets/sheet1.xml'],
			);
			assert.equal(xml.match(/<f>/g)?.length, 2, 'the only formulas are the two totals');
			assert.match(
				xml,
				/<c r="B3" t="inlineStr"><is><t xml:space="preserve">=HYPERLINK\(&quot;https:\/\/evil.example&quot;,&quot;click me&quot;\)<\/t><\/is><\/c>/,
			);
		});
	});

	test('every part is well-formed XML, with the parts, order and defined name Excel expects', async () => {
		await withReport(async (session, columns) => {
			const path = session.scratchPath('parts.xlsx');
			await writeRevenueWorkbook(session, { ...workbook(path, columns), currency: 'X<&>"Y' });
			const parts = unzipSync(readFileSync(path));
			assert.deepEqual(Object.keys(parts).sort(), [
				'[Content_Types].xml',
				'_rels/.rels',
				'docProps/app.xml',
				'docProps/core.xml',
				'xl/_rels/workbook.xml.rels',
				'xl/styles.xml',
				'xl/workbook.xml',
				'xl/worksheets/sheet1.xml',
				'xl/worksheets/sheet2.xml',
			]);
			const worksheetChildren: Record<string, string[]> = {};
			for (const [name, bytes] of Object.entries(parts)) {
				const parser = new SaxesParser();
				const children: string[] = [];
				let depth = 0;
				parser.on('opentag', (tag) => {
					if (depth === 1) children.push(tag.name);
					if (!tag.isSelfClosing) depth++;
				});
				parser.on('closetag', (tag) => {
					if (!tag.isSelfClosing) depth--;
				});
				parser.write(new TextDecoder().decode(bytes)).close();
				if (name.startsWith('xl/worksheets/')) worksheetChildren[name] = children;
			}
			const schemaOrder = [
				'sheetPr',
				'dimension',
				'sheetViews',
				'sheetFormatPr',
				'cols',
				'sheetData',
				'autoFilter',
				'pageMargins',
			];
			for (const children of Object.values(worksheetChildren)) {
				assert.deepEqual(
					children,
					schemaOrder.filter((name) => children.includes(name)),
				);
			}
			assert.deepEqual(worksheetChildren['xl/worksheets/sheet1.xml'], [
				'dimension',
				'sheetViews',
				'sheetFormatPr',
				'cols',
				'sheetData',
				'autoFilter',
				'pageMargins',
			]);
			const workbookXml = new TextDecoder().decode(parts['xl/workbook.xml']);
			assert.match(
				workbookXml,
				/<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Revenue!\$A\$1:\$AD\$9<\/definedName>/,
			);
			const styles = new TextDecoder().decode(parts['xl/styles.xml']);
			assert.match(styles, /formatCode="#,##0.00 &quot;X&lt;&amp;&gt;Y&quot;"/);
			const sheet = (await readWorkbook(path)).getWorksheet('Revenue')!;
			assert.equal(sheet.getCell('D2').numFmt, '#,##0.00 "X<&>Y"');
		});
	});

	test('rows with gaps in their rowids are still numbered one after another', async () => {
		await withReport(async (session, columns) => {
			await session.run('DELETE FROM report WHERE id IN (2, 5)');
			const path = session.scratchPath('gaps.xlsx');
			await writeRevenueWorkbook(session, workbook(path, columns));
			const sheet = (await readWorkbook(path)).getWorksheet('Revenue')!;
			assert.deepEqual(
				[2, 3, 4, 5, 6, 7].map((n) => sheet.getCell(`A${n}`).value),
				[1, 3, 4, 6, 7, 8],
			);
			assert.equal(sheet.getCell('A8').value, 'Total');
			assert.equal(sheet.autoFilter, 'A1:AD7');
		});
	});

	test('other types: huge integers and lists as text, no cell for infinities, ISO timestamps, text cut at 32,767', async () => {
		const session = await DuckSession.open();
		try {
			await session.run(`CREATE TEMP TABLE odd AS SELECT * FROM (VALUES
				(CAST(1152921504606846976 AS BIGINT), CAST('inf' AS DOUBLE), TIMESTAMP '2024-05-31 08:00:00.25', TIMESTAMPTZ '2024-05-31 10:00:00+02', [1, 2], repeat('é', 40000)),
				(-7, CAST('nan' AS DOUBLE), NULL, NULL, NULL, 'short')) AS v(big, ratio, stamp, stamp_tz, list, text)`);
			const columns = await describeColumns(session, 'odd');
			const path = session.scratchPath('odd.xlsx');
			await writeRevenueWorkbook(session, { ...workbook(path, columns, 'odd'), totals: [] });
			const sheet = (await readWorkbook(path)).getWorksheet('Revenue')!;
			assert.deepEqual(sheet.getRow(2).values, [
				,
				'1152921504606846976',
				,
				'2024-05-31T08:00:00.250Z',
				'2024-05-31T08:00:00.000Z',
				'[1, 2]',
				'é'.repeat(32_767),
			]);
			assert.deepEqual(sheet.getRow(3).values, [, -7, , , , , 'short']);
		} finally {
			await session.close();
		}
	});

	test('a failed write leaves neither a partial file nor a changed previous one', async () => {
		await withReport(async (session, columns) => {
			const path = session.scratchPath('atomic.xlsx');
			await writeRevenueWorkbook(session, workbook(path, columns));
			const before = readFileSync(path);
			// The note read as BOOLEAN: the stats pass only tests for NULLs, the row query then fails to cast 'plain'.
			const broken = columns.map((column) =>
				column.name === NOTE
					? { ...column, type: 'BOOLEAN', typeId: DuckDBTypeId.BOOLEAN }
					: column,
			);
			await assert.rejects(
				writeRevenueWorkbook(session, workbook(path, broken)),
				/Conversion Error|Could not convert/,
			);
			assert.deepEqual(readFileSync(path), before);
			assert.deepEqual(
				readdirSync(session.scratchDir).filter((name) => name.startsWith('atomic')),
				['atomic.xlsx'],
			);
		});
	});

	test('more rows than a sheet holds: refused before anything is written', async () => {
		const session = await DuckSession.open();
		try {
			await session.run('CREATE TEMP TABLE big AS SELECT range AS id FROM range($1)', [
				XLSX_MAX_ROWS - 1,
			]);
			const path = session.scratchPath('big.xlsx');
			await assert.rejects(
				writeRevenueWorkbook(session, {
					...workbook(path, [{ name: 'id', type: 'BIGINT', typeId: DuckDBTypeId.BIGINT }], 'big'),
					totals: [],
				}),
				/cannot hold 1048575 rows/,
			);
			assert.deepEqual(
				readdirSync(session.scratchDir).filter((name) => name.startsWith('big')),
				[],
			);
		} finally {
			await session.close();
		}
	});

	test('200,000 rows: row count and totals read back', async () => {
		const session = await DuckSession.open();
		try {
			const rowCount = 200_000;
			await session.run(
				`CREATE TEMP TABLE many AS SELECT i AS id, 'Vin ' || i || ' & fils <' || (i % 97) || '>' AS title, CAST(i % 40 AS INTEGER) AS qty,
					CAST(5 + (i % 5500) / 100 AS DECIMAL(18,2)) AS price, CAST((5 + (i % 5500) / 100) * (i % 40) AS DECIMAL(18,2)) AS revenue, (i % 1000) / 1e7 AS share
				FROM range(1, $1 + 1) t(i) ORDER BY i`,
				[rowCount],
			);
			const columns: SheetColumn[] = [
				{ name: 'id', type: 'BIGINT', typeId: DuckDBTypeId.BIGINT, format: 'integer' },
				{ name: 'title', type: 'VARCHAR', typeId: DuckDBTypeId.VARCHAR },
				{ name: 'qty', type: 'INTEGER', typeId: DuckDBTypeId.INTEGER, format: 'integer' },
				{ name: 'price', type: 'DECIMAL(18,2)', typeId: DuckDBTypeId.DECIMAL, format: 'currency' },
				{
					name: 'revenue',
					type: 'DECIMAL(18,2)',
					typeId: DuckDBTypeId.DECIMAL,
					format: 'currency',
				},
				{ name: 'share', type: 'DOUBLE', typeId: DuckDBTypeId.DOUBLE, format: 'percent' },
			];
			const path = session.scratchPath('many.xlsx');
			await writeRevenueWorkbook(session, workbook(path, columns, 'many'));
			const [expected] = await session.jsonRows(
				'SELECT CAST(sum(revenue) AS DOUBLE) AS revenue, sum(qty) AS qty FROM many',
			);

			const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
				worksheets: 'emit',
				sharedStrings: 'ignore',
				styles: 'ignore',
				hyperlinks: 'ignore',
			});
			let rows = 0;
			let last: ExcelJS.Row | undefined;
			let lastData: ExcelJS.Row | undefined;
			// The first sheet is Revenue.
			for await (const worksheet of reader) {
				for await (const row of worksheet) {
					rows++;
					lastData = last;
					last = row;
				}
				break;
			}
			assert.equal(rows, rowCount + 2);
			assert.equal(lastData?.number, rowCount + 1);
			assert.deepEqual(lastData?.getCell(1).value, rowCount);
			assert.equal(lastData?.getCell(2).value, `Vin ${rowCount} & fils <${rowCount % 97}>`);
			assert.equal(last?.number, rowCount + 2);
			assert.deepEqual(last?.getCell(5).value, {
				formula: `SUM(E2:E${rowCount + 1})`,
				result: expected.revenue,
			});
			assert.deepEqual(last?.getCell(3).value, {
				formula: `SUM(C2:C${rowCount + 1})`,
				result: Number(expected.qty),
			});
		} finally {
			await session.close();
		}
	});
});
