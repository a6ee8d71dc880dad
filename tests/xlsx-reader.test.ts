/**
 * The new xlsx reader (nodes/shared/xlsx/read.ts) against the ExcelJS reader it replaces
 * (tests/helpers/exceljs-xlsx-reader.ts): same rows, columns, sheet, sheet list and problems on
 * every workbook the suite builds or uses. Where the new reader is right and ExcelJS was not, the
 * last group shows both values.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readXlsxSheet, type XlsxProblem, type XlsxReadResult } from '../nodes/shared/xlsx/read';
import { generateSample } from '../scripts/sample-data/generator';
import { xlsxToNdjson } from './helpers/exceljs-xlsx-reader';

type Row = Record<string, unknown>;
interface Outcome {
	result: XlsxReadResult | XlsxProblem;
	rows: Row[];
}

const dir = mkdtempSync(join(tmpdir(), 'xlsx-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let outputs = 0;
async function read(reader: typeof readXlsxSheet, path: string, sheet: string): Promise<Outcome> {
	const out = join(dir, `out-${++outputs}.ndjson`);
	const result = await reader(path, sheet, out);
	const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
	return {
		result,
		rows: text
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as Row),
	};
}

const readBoth = async (path: string, sheet = '') => ({
	old: await read(xlsxToNdjson, path, sheet),
	new: await read(readXlsxSheet, path, sheet),
});

/**
 * ExcelJS decoded each zip chunk on its own, so a character split between two chunks came out as
 * U+FFFD. Such a value matches when the rest is the same; returns whether it was one.
 */
function splitCharacterOnly(oldValue: unknown, newValue: unknown): boolean {
	if (
		typeof oldValue !== 'string' ||
		typeof newValue !== 'string' ||
		!oldValue.includes('\uFFFD') ||
		newValue.includes('\uFFFD')
	)
		return false;
	const pattern = oldValue
		.split(/\uFFFD+/)
		.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
		.join('[^\\x00-\\x7F]{1,2}');
	return new RegExp(`^${pattern}$`, 'u').test(newValue);
}

/** Asserts both readers agree on path (and sheet); returns how many values only differ by ExcelJS's split characters. */
async function assertSameAsExcelJs(path: string, sheet = ''): Promise<number> {
	const both = await readBoth(path, sheet);
	if ('problem' in both.old.result) {
		assert.ok(
			'problem' in both.new.result,
			`ExcelJS: ${both.old.result.problem}; new reader: ${JSON.stringify(both.new.result)}`,
		);
		// The reason in brackets comes from each zip library.
		const withoutReason = (problem: XlsxProblem) => ({
			...problem,
			problem: problem.problem.replace(/ \(.*\)$/s, ' (…)'),
		});
		assert.deepEqual(withoutReason(both.new.result), withoutReason(both.old.result));
		return 0;
	}
	assert.deepEqual(both.new.result, both.old.result);
	assert.equal(both.new.rows.length, both.old.rows.length);
	let splitCharacters = 0;
	both.old.rows.forEach((oldRow, index) => {
		const newRow = both.new.rows[index];
		assert.deepEqual(Object.keys(newRow), Object.keys(oldRow), `row ${index + 1} keys`);
		for (const [key, oldValue] of Object.entries(oldRow)) {
			if (splitCharacterOnly(oldValue, newRow[key])) splitCharacters++;
			else assert.deepEqual(newRow[key], oldValue, `row ${index + 1}, column ${key}`);
		}
	});
	return splitCharacters;
}

// ---------------------------------------------------------------------------------------------
// Workbooks built here

/** The order Excel writes the parts in; the rest follow in their order. */
const EXCEL_PART_ORDER = [
	'[Content_Types].xml',
	'_rels/.rels',
	'xl/workbook.xml',
	'xl/_rels/workbook.xml.rels',
	'xl/styles.xml',
	'xl/sharedStrings.xml',
];

/**
 * Rewrites a zip with its parts in Excel's order, directory entries dropped and an empty
 * xl/sharedStrings.xml added when there is none (see writeBothWays).
 */
function inExcelOrder(zip: Uint8Array): Uint8Array {
	const parts = unzipSync(zip);
	parts['xl/sharedStrings.xml'] ??= strToU8(
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
	);
	const names = [
		...EXCEL_PART_ORDER.filter((part) => part in parts),
		...Object.keys(parts).filter((part) => !EXCEL_PART_ORDER.includes(part) && !part.endsWith('/')),
	];
	return zipSync(Object.fromEntries(names.map((part) => [part, parts[part]])));
}

/**
 * Writes a workbook twice: ExcelJS's in-memory writer (shared strings) and its streaming writer
 * (t="str" strings, as the sample generator). ExcelJS's reader only reliably names sheets and
 * applies styles when it reads each sheet as it comes, which needs xl/workbook.xml, its rels and
 * xl/sharedStrings.xml before the sheets in the zip; otherwise it buffers the sheets in temporary
 * files and, from about five of them, loses names and styles (see the last group). Neither writer
 * ensures that, so both workbooks are rewritten in Excel's order.
 */
async function writeBothWays(
	name: string,
	fill: (book: AnyBook) => void,
	order: 'excel' | 'as written' = 'excel',
): Promise<string[]> {
	const inMemory = new ExcelJS.Workbook();
	fill(inMemory);
	const sharedPath = join(dir, `${name}.shared.xlsx`);
	await inMemory.xlsx.writeFile(sharedPath);
	const streamPath = join(dir, `${name}.stream.xlsx`);
	const streamed = new ExcelJS.stream.xlsx.WorkbookWriter({
		filename: streamPath,
		useSharedStrings: false,
		useStyles: true,
	});
	fill(streamed);
	await streamed.commit();
	if (order === 'excel')
		for (const path of [sharedPath, streamPath])
			writeFileSync(path, inExcelOrder(readFileSync(path)));
	return [sharedPath, streamPath];
}

type AnyBook = ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter;
type CellInput = ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string };

/** Adds a sheet of rows; a cell given as { value, numFmt } gets that number format. */
function addSheet(book: AnyBook, name: string, rows: CellInput[][]): ExcelJS.Worksheet {
	const sheet = book.addWorksheet(name);
	for (const cells of rows) {
		const row = sheet.addRow(
			cells.map((cell) =>
				cell !== null && typeof cell === 'object' && 'numFmt' in cell ? cell.value : cell,
			),
		);
		cells.forEach((cell, index) => {
			if (cell !== null && typeof cell === 'object' && 'numFmt' in cell)
				row.getCell(index + 1).numFmt = cell.numFmt;
		});
	}
	return sheet;
}

const at = (iso: string) => new Date(iso);

/** One sheet per kind of value, each read by name. */
function fillFeatures(book: AnyBook): void {
	addSheet(book, 'Numbers', [
		['label', 'value'],
		['zero', 0],
		['int', 42],
		['negative', -17],
		['decimal', 3.14159],
		['negative decimal', -273.15],
		['sum', 0.1 + 0.2],
		['large', 1e15],
		['safe max', Number.MAX_SAFE_INTEGER],
		['beyond safe', 2 ** 53 + 2],
		['huge', 1.2345678901234568e20],
		['1e21', 1e21],
		['tiny', 1.5e-10],
		['small', 0.001],
		['negative zero', -0],
		['percent', { value: 0.125, numFmt: '0.00%' }],
		['euro', { value: 1234.5, numFmt: '#,##0.00 "€"' }],
		['days text', { value: 3, numFmt: '0" days"' }],
		['red', { value: -5, numFmt: '[Red]0.00' }],
	]);
	addSheet(book, 'Dates', [
		['format', 'value'],
		['default', at('2024-03-15T00:00:00Z')],
		['dd/mm/yyyy', { value: at('2021-12-31T00:00:00Z'), numFmt: 'dd/mm/yyyy' }],
		['datetime', { value: at('2020-01-01T16:00:15Z'), numFmt: 'yyyy-mm-dd hh:mm:ss' }],
		['milliseconds', { value: at('2021-06-30T12:30:45.123Z'), numFmt: 'yyyy-mm-dd hh:mm:ss.000' }],
		['escaped', { value: at('2019-07-04T08:09:10Z'), numFmt: 'yyyy\\-mm\\-dd\\ hh:mm:ss' }],
		['month', { value: at('1999-12-01T00:00:00Z'), numFmt: 'mmm yyyy' }],
		['locale', { value: at('2022-02-22T00:00:00Z'), numFmt: '[$-40C]d mmmm yyyy;@' }],
		['time', { value: 0.75, numFmt: 'h:mm' }],
		['elapsed', { value: 1.5, numFmt: '[h]:mm:ss' }],
		['built-in 14', { value: 45000, numFmt: 'mm-dd-yy' }],
		['old date', { value: at('1900-03-01T00:00:00Z'), numFmt: 'dd/mm/yyyy' }],
		['far date', { value: at('9999-12-31T00:00:00Z'), numFmt: 'dd/mm/yyyy' }],
	]);
	addSheet(book, 'Strings', [
		['kind', 'value'],
		['plain', 'hello'],
		['padded', '  two spaces  '],
		['accents', 'é à ü ç Œ'],
		['cjk', '日本語のテキスト'],
		['emoji', '😀 🍷 👍🏽'],
		['markup', '<tag> & "quotes" \'apos\''],
		['newline', 'line 1\nline 2'],
		['tab', 'a\tb'],
		['digits', '00123'],
		['number text', '42'],
		['empty', ''],
		['space', ' '],
		['long', 'x'.repeat(20000)],
		// The streaming writer writes rich text inline, where ExcelJS's reader kept the last run only (see the last group).
		...(book instanceof ExcelJS.Workbook
			? [['rich', { richText: [{ text: 'bold', font: { bold: true } }, { text: ' and plain' }] }]]
			: []),
		['link', { text: 'Example site', hyperlink: 'https://example.com/?a=1&b=2' }],
		['true', true],
		['false', false],
		['error', { error: '#N/A' } as ExcelJS.CellErrorValue],
		['div0', { error: '#DIV/0!' } as ExcelJS.CellErrorValue],
	]);
	addSheet(book, 'Formulas', [
		['kind', 'value'],
		['number', { formula: '1+1', result: 2 } as ExcelJS.CellFormulaValue],
		['decimal', { formula: 'PI()', result: 3.141592653589793 } as ExcelJS.CellFormulaValue],
		['text', { formula: 'CONCAT("a","b")', result: 'ab' } as ExcelJS.CellFormulaValue],
	]);
	const layout = addSheet(book, 'Layout', [
		[],
		['Prix', null, 'sku', 'sku', null, 'Prix'],
		[10, 11, 'A', 'a', null, 12],
		[],
		[null, null, null, null, null, null],
		[20, 21, 'B', 'b', null, 22, 'right of the header'],
		[null, null, null, null, null, null, null, 'only right of the header'],
		[30],
	]);
	layout.mergeCells('A2:B2');
	addSheet(book, 'Header', [
		[
			'id',
			'',
			'Name',
			'name',
			null,
			'id',
			' spaced ',
			'NAME',
			2020,
			true,
			at('2024-01-01T00:00:00Z'),
			null,
			'',
		],
		[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
	]);
	addSheet(book, 'Repeated names', [
		['a', 'a', 'a_2', 'b'],
		[1, 2, 3, 4],
		[5, 6, null, 8],
	]);
	addSheet(book, 'Header only', [['sku', 'price']]);
	addSheet(book, 'Empty', []);
	addSheet(book, 'Ventes & “Stock”', [['sku'], ['A']]);
}

// ---------------------------------------------------------------------------------------------
// Workbooks zipped by hand, for what ExcelJS does not write

interface HandMadeSheet {
	name: string;
	/** The inside of <sheetData>. */
	rows: string;
	/** xl/worksheets/sheetN.xml; by default N is the sheet's position. */
	part?: string;
}

interface HandMade {
	sheets: HandMadeSheet[];
	/** The inside of each <si>. */
	sharedStrings?: string[];
	/** Custom formats (id → code) and each cell style's numFmtId. */
	numFmts?: Record<number, string>;
	cellXfs?: number[];
	date1904?: boolean;
}

function handMade(name: string, book: HandMade): string {
	const parts = book.sheets.map((sheet, index) => sheet.part ?? `sheet${index + 1}.xml`);
	const main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
	const relationship = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
	const escapeAttribute = (text: string) =>
		text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
	const files: Record<string, string> = {
		'[Content_Types].xml':
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
			'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
			'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
		'_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationship}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		'xl/workbook.xml':
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ${main} xmlns:r="${relationship}"><workbookPr${book.date1904 ? ' date1904="1"' : ''}/><sheets>` +
			book.sheets
				.map(
					(sheet, index) =>
						`<sheet name="${escapeAttribute(sheet.name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`,
				)
				.join('') +
			'</sheets></workbook>',
		'xl/_rels/workbook.xml.rels':
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
			parts
				.map(
					(part, index) =>
						`<Relationship Id="rId${index + 1}" Type="${relationship}/worksheet" Target="worksheets/${part}"/>`,
				)
				.join('') +
			`<Relationship Id="rIdS" Type="${relationship}/styles" Target="styles.xml"/><Relationship Id="rIdT" Type="${relationship}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		'xl/styles.xml':
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet ${main}>` +
			`<numFmts count="${Object.keys(book.numFmts ?? {}).length}">` +
			Object.entries(book.numFmts ?? {})
				.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${escapeAttribute(code)}"/>`)
				.join('') +
			'</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
			'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellXfs>' +
			[0, ...(book.cellXfs ?? [])]
				.map(
					(id) =>
						`<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"${id ? ' applyNumberFormat="1"' : ''}/>`,
				)
				.join('') +
			'</cellXfs></styleSheet>',
		'xl/sharedStrings.xml':
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ${main} count="${book.sharedStrings?.length ?? 0}">` +
			(book.sharedStrings ?? []).map((item) => `<si>${item}</si>`).join('') +
			'</sst>',
	};
	// In the zip, worksheets come in the order of their part names, as Excel writes them.
	const byPart = book.sheets
		.map((sheet, index) => ({ sheet, part: parts[index] }))
		.sort((a, b) => a.part.localeCompare(b.part));
	for (const { sheet, part } of byPart) {
		files[`xl/worksheets/${part}`] =
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ${main}><sheetData>${sheet.rows}</sheetData></worksheet>`;
	}
	const path = join(dir, `${name}.xlsx`);
	writeFileSync(
		path,
		zipSync(Object.fromEntries(Object.entries(files).map(([file, text]) => [file, strToU8(text)]))),
	);
	return path;
}

/** Cells and values ExcelJS does not write but reads the same way as the new reader. */
function handMadeMatching(): string {
	return handMade('hand-made', {
		sharedStrings: [
			'<t>label</t>',
			'<t>value</t>',
			'<t xml:space="preserve">  kept spaces  </t>',
			'<t>caf&#233; &#x1F600; &lt;b&gt; &amp; &quot;q&quot; &apos;a&apos;</t>',
			'<r><rPr><b/><sz val="11"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> then plain</t></r>',
			'<t>crlf\r\nline</t>',
			'<t/>',
			'<t>extra</t>',
		],
		numFmts: {
			164: 'dd/mm/yyyy',
			165: '0.0" h"',
			166: '[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy',
			167: '@',
			168: 'General',
		},
		cellXfs: [164, 165, 166, 167, 168, 22],
		sheets: [
			{
				name: 'Cells',
				rows:
					'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline header</t></is></c></row>' +
					'<row r="2"><c r="A2" t="inlineStr"><is><t>inline &amp; decoded</t></is></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c></row>' +
					'<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" t="s"><v>6</v></c></row>' +
					'<row r="4"><c r="A4"><v>1E-3</v></c><c r="B4" t="n"><v>007</v></c><c r="C4"><v>1.50</v></c></row>' +
					'<row r="5"><c r="A5"><v>-0</v></c><c r="B5"><v>12345678901234567890</v></c><c r="C5"><v>  </v></c></row>' +
					'<row r="6" spans="1:3"><c r="C6"><v>3</v></c><c r="A6"><v>1</v></c></row>' +
					'<row r="7"/>' +
					'<row r="8"><c r="A8" s="1"/><c r="B8" s="1"></c></row>' +
					'<row r="9"><c r="A9" s="1"><v>44561</v></c><c r="B9" s="2"><v>44561</v></c><c r="C9" s="3"><v>44561.5</v></c></row>' +
					'<row r="10"><c r="A10" s="4"><v>12</v></c><c r="B10" s="5"><v>13</v></c><c r="C10" s="6"><v>44561.25</v></c></row>' +
					'<row r="11" s="1" customFormat="1"><c r="A11"><v>44000</v></c><c r="B11" s="0"><v>44001</v></c><c r="C11" s="2"><v>44002</v></c></row>' +
					'<row r="12"><c r="A12" t="b"><v>1</v></c><c r="B12" t="b"><v>0</v></c><c r="C12" t="e"><v>#DIV/0!</v></c></row>' +
					'<row r="13"><c r="A13"><f>1+1</f><v>2</v></c><c r="B13" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C13"><f t="shared" ref="C13:C14" si="0">A13*2</f><v>4</v></c></row>' +
					'<row r="14"><c r="A14" t="str"><f>A1</f><v>label</v></c><c r="B14" t="s"><v>99</v></c><c r="C14"><f t="shared" si="0"/><v>6</v></c></row>' +
					'<row r="15"><c r="A15" t="e"><v>#N/A</v></c></row>' +
					'<row r="16"><c r="A16" t="str"><v></v></c><c r="B16" t="inlineStr"><is><t></t></is></c></row>' +
					'<row r="17"><c r="AA17"><v>1</v></c></row>' +
					'<row r="18"><c r="A18" t="s"><v>7</v></c><c r="AB18" t="str"><v>beyond</v></c></row>' +
					'<row r="19"><c r="A19" t="str"><v>tab\there &quot;q&quot; back\\slash</v></c><c r="B19" t="str"><v>&#9;&#x1F600;&#233; a_b _xyz</v></c><c r="C19" t="str"><v>crlf\r\nand lone\rcr</v></c></row>',
			},
		],
	});
}

// ---------------------------------------------------------------------------------------------

describe('the new xlsx reader gives what the ExcelJS reader gave', () => {
	let features: string[] = [];
	before(async () => {
		features = await writeBothWays('features', fillFeatures);
	});

	for (const sheet of [
		'Numbers',
		'Dates',
		'Strings',
		'Formulas',
		'Layout',
		'Header',
		'Repeated names',
		'Header only',
		'Ventes & “Stock”',
	]) {
		test(`ExcelJS-written sheet "${sheet}" (shared strings, then streamed t="str" strings)`, async () => {
			for (const path of features) assert.equal(await assertSameAsExcelJs(path, sheet), 0);
		});
	}

	test('an empty sheet, the first sheet by default, a missing sheet', async () => {
		for (const path of features) {
			for (const sheet of ['Empty', '', 'Feuil1']) await assertSameAsExcelJs(path, sheet);
		}
		const empty = await readXlsxSheet(features[0], 'Empty', join(dir, 'empty.ndjson'));
		assert.deepEqual(empty, {
			problem: 'sheet "Empty" is empty',
			hint: 'The first non-empty row must hold the column names.',
		});
		const missing = await readXlsxSheet(features[0], 'Feuil1', join(dir, 'missing.ndjson'));
		assert.match(
			(missing as XlsxProblem).hint,
			/^Sheets found: Numbers, Dates, Strings, Formulas, Layout, Header, Repeated names, Header only, Empty, Ventes & “Stock”\./,
		);
	});

	test('a name given twice is one member of each line, as DuckDB refuses duplicate keys', async () => {
		const out = join(dir, 'repeated.ndjson');
		const result = await readXlsxSheet(features[0], 'Repeated names', out);
		assert.deepEqual((result as XlsxReadResult).columns, ['a', 'a_2', 'a_2', 'b']);
		assert.deepEqual(readFileSync(out, 'utf8').split('\n').filter(Boolean), [
			'{"a":1,"a_2":3,"b":4}',
			'{"a":5,"a_2":null,"b":8}',
		]);
	});

	test('a workbook whose only sheet is empty, and one without any sheet', async () => {
		for (const path of await writeBothWays('only-empty', (book) => book.addWorksheet('Sheet1')))
			await assertSameAsExcelJs(path);
		const none = handMade('no-sheet', { sheets: [] });
		await assertSameAsExcelJs(none);
		assert.deepEqual(await readXlsxSheet(none, '', join(dir, 'none.ndjson')), {
			problem: 'the workbook has no worksheet',
			hint: 'Export the data again with at least one sheet.',
		});
	});

	test('hand-zipped cells: inline strings, entities, rich text, styles and row styles, booleans, errors, formulas, gaps', async () => {
		const path = handMadeMatching();
		await assertSameAsExcelJs(path);
		const { rows } = await read(readXlsxSheet, path, '');
		assert.deepEqual(rows[0], {
			label: 'inline & decoded',
			value: '  kept spaces  ',
			'inline header': 'café 😀 <b> & "q" \'a\'',
		});
		assert.deepEqual(rows[1], {
			label: 'Bold then plain',
			value: 'crlf\nline',
			'inline header': null,
		});
		assert.deepEqual(rows[2], { label: 0.001, value: 7, 'inline header': 1.5 });
		assert.deepEqual(rows[5], {
			label: '2021-12-31T00:00:00.000Z',
			value: 44561,
			'inline header': '2021-12-31T12:00:00.000Z',
		});
		assert.deepEqual(rows.at(-1), {
			label: 'tab\there "q" back\\slash',
			value: '\t😀é a_b _xyz',
			'inline header': 'crlf\nand lone\ncr',
		});
	});

	test('a 1904-based workbook', async () => {
		const path = handMade('date1904', {
			date1904: true,
			cellXfs: [14],
			sheets: [
				{
					name: 'Sheet1',
					rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>day</t></is></c></row><row r="2"><c r="A2" s="1"><v>43000.5</v></c></row>',
				},
			],
		});
		await assertSameAsExcelJs(path);
		assert.deepEqual((await read(readXlsxSheet, path, '')).rows, [
			{ day: '2021-09-23T12:00:00.000Z' },
		]);
	});

	test('broken files: not a zip, a zip cut inside its sheet, a password-protected (OLE) file, a zip without a workbook', async () => {
		const good = (
			await writeBothWays('good', (book) =>
				addSheet(book, 'Sheet1', [
					['sku', 'price'],
					['A', 1],
				]),
			)
		)[0];
		const bytes = readFileSync(good);
		const broken: Record<string, Buffer | Uint8Array> = {
			'renamed.csv.xlsx': Buffer.from('sku,price\nA,1\n'),
			'truncated.xlsx': bytes.subarray(0, bytes.indexOf('xl/worksheets/sheet1.xml') + 40),
			'protected.xlsx': Buffer.concat([
				Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
				Buffer.alloc(4096, 0),
			]),
			'empty-file.xlsx': Buffer.alloc(0),
		};
		for (const [name, content] of Object.entries(broken)) {
			const path = join(dir, name);
			writeFileSync(path, content);
			await assertSameAsExcelJs(path);
			const result = await readXlsxSheet(path, '', join(dir, `${name}.ndjson`));
			assert.match(
				(result as XlsxProblem).problem,
				/^the file is not a readable \.xlsx workbook \(.+\)$/,
				name,
			);
			assert.match((result as XlsxProblem).hint, /not password-protected or truncated/);
		}
		const noWorkbook = join(dir, 'no-workbook.xlsx');
		writeFileSync(noWorkbook, zipSync({ 'hello.txt': strToU8('hi') }));
		assert.match(
			((await readXlsxSheet(noWorkbook, '', join(dir, 'no-workbook.ndjson'))) as XlsxProblem)
				.problem,
			/^the file is not a readable \.xlsx workbook \(xl\/workbook\.xml is missing\)$/,
		);
	});

	for (const variant of ['newer', '2020'] as const) {
		test(`generated BottleNeck-shaped exports, ${variant} variant`, async (t) => {
			const outDir = join(dir, `sample-${variant}`);
			// Enough rows for the sheet to span many zip chunks.
			const sample = await generateSample({
				webRows: variant === 'newer' ? 300 : 3000,
				seed: 7,
				variant,
				outDir,
				formats: ['xlsx'],
			});
			for (const [name, files] of Object.entries(sample.files)) {
				const split = await assertSameAsExcelJs(files.xlsx!);
				if (split)
					t.diagnostic(
						`${name}.xlsx: ${split} value(s) where ExcelJS split a character between two zip chunks`,
					);
			}
		});
	}

	const bottleneck = resolve(__dirname, '../../shared/bottleneck');
	const realFiles = [bottleneck, join(bottleneck, 'variant_p5_2020')].flatMap((folder) =>
		existsSync(folder)
			? readdirSync(folder)
					.filter((file) => file.endsWith('.xlsx'))
					.map((file) => join(folder, file))
			: [],
	);
	test(
		'the real BottleNeck exports',
		{
			skip: realFiles.length
				? false
				: `the real BottleNeck exports are not at ${bottleneck} (a clone without ../shared): skipped`,
		},
		async (t) => {
			for (const path of realFiles) {
				const split = await assertSameAsExcelJs(path);
				if (split)
					t.diagnostic(
						`${path}: ${split} value(s) where ExcelJS split a character between two zip chunks`,
					);
			}
		},
	);
});

describe('where the new reader is right and ExcelJS was not, both values are shown', () => {
	/** A one-sheet hand-made workbook, read by both readers. */
	async function firstRows(
		name: string,
		book: Omit<HandMade, 'sheets'> & { rows: string },
	): Promise<{ old: Outcome; new: Outcome }> {
		const { rows, ...rest } = book;
		return readBoth(handMade(name, { ...rest, sheets: [{ name: 'Sheet1', rows }] }));
	}
	const header = (...names: string[]) =>
		`<row r="1">${names.map((name, index) => `<c r="${String.fromCharCode(65 + index)}1" t="inlineStr"><is><t>${name}</t></is></c>`).join('')}</row>`;

	test("Excel's _xHHHH_ escapes (_x000D_ is a carriage return) are decoded", async () => {
		const both = await firstRows('escapes', {
			sharedStrings: ['<t>text</t>', '<t>a_x000D_b _x005F_x000D_ _x263A_</t>'],
			rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>',
		});
		assert.deepEqual(both.old.rows, [{ text: 'a_x000D_b _x005F_x000D_ _x263A_' }]);
		assert.deepEqual(both.new.rows, [{ text: 'a\rb _x000D_ ☺' }]);
	});

	test('cells without an r attribute take the next column (ExcelJS failed on them)', async () => {
		const both = await firstRows('no-reference', {
			rows: `${header('a', 'b', 'c')}<row r="2"><c><v>1</v></c><c><v>2</v></c><c r="C2"><v>3</v></c></row><row><c t="b"><v>1</v></c></row>`,
		});
		assert.match(
			(both.old.result as XlsxProblem).problem,
			/^the file is not a readable \.xlsx workbook/,
		);
		assert.deepEqual(both.new.rows, [
			{ a: 1, b: 2, c: 3 },
			{ a: true, b: null, c: null },
		]);
	});

	test('t="d" cells are ISO dates (ExcelJS read the year as a number)', async () => {
		const both = await firstRows('iso-dates', {
			rows: `${header('at', 'day')}<row r="2"><c r="A2" t="d"><v>2020-01-15T10:30:00</v></c><c r="B2" t="d"><v>2021-02-03</v></c></row>`,
		});
		assert.deepEqual(both.old.rows, [{ at: 2020, day: 2021 }]);
		assert.deepEqual(both.new.rows, [
			{ at: '2020-01-15T10:30:00.000Z', day: '2021-02-03T00:00:00.000Z' },
		]);
	});

	test('a formula keeps its result type: boolean, date (ExcelJS gave numbers)', async () => {
		const both = await firstRows('formula-types', {
			cellXfs: [14],
			rows: `${header('flag', 'due')}<row r="2"><c r="A2" t="b"><f>1=1</f><v>1</v></c><c r="B2" s="1"><f>TODAY()</f><v>45000</v></c></row>`,
		});
		assert.deepEqual(both.old.rows, [{ flag: 1, due: 45000 }]);
		assert.deepEqual(both.new.rows, [{ flag: true, due: '2023-03-15T00:00:00.000Z' }]);
	});

	test('built-in East Asian date formats (ids 27–36, 50–58) are dates', async () => {
		const both = await firstRows('cjk-dates', {
			cellXfs: [31, 57],
			rows: `${header('a', 'b')}<row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2" s="2"><v>45001</v></c></row>`,
		});
		assert.deepEqual(both.old.rows, [{ a: 45000, b: 45001 }]);
		assert.deepEqual(both.new.rows, [
			{ a: '2023-03-15T00:00:00.000Z', b: '2023-03-16T00:00:00.000Z' },
		]);
	});

	test('inline strings with several runs are joined (ExcelJS kept the last run)', async () => {
		const both = await firstRows('inline-runs', {
			rows: `${header('text')}<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> plain</t></r></is></c></row>`,
		});
		assert.deepEqual(both.old.rows, [{ text: ' plain' }]);
		assert.deepEqual(both.new.rows, [{ text: 'Bold plain' }]);
	});

	test('phonetic readings (<rPh>) are not part of the text (ExcelJS kept only the reading)', async () => {
		const both = await firstRows('phonetic', {
			sharedStrings: [
				'<t>name</t>',
				'<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
			],
			rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>',
		});
		assert.deepEqual(both.old.rows, [{ name: 'トウキョウ' }]);
		assert.deepEqual(both.new.rows, [{ name: '東京' }]);
	});

	test('escaped entities in str and inline cells are decoded once (ExcelJS decoded them twice)', async () => {
		const both = await firstRows('double-decode', {
			rows: `${header('str', 'inline')}<row r="2"><c r="A2" t="str"><v>AT&amp;amp;T &amp;lt;br&amp;gt;</v></c><c r="B2" t="inlineStr"><is><t>&amp;amp;</t></is></c></row>`,
		});
		assert.deepEqual(both.old.rows, [{ str: 'AT&T <br>', inline: '&' }]);
		assert.deepEqual(both.new.rows, [{ str: 'AT&amp;T &lt;br&gt;', inline: '&amp;' }]);
	});

	test('undefined entities, escapes spelled with entities, lone surrogates (ExcelJS refused such files)', async () => {
		const both = await firstRows('odd-text', {
			rows: `${header('a', 'b', 'c')}<row r="2"><c r="A2" t="str"><v>&foo; &amp</v></c><c r="B2" t="str"><v>&#95;x0041_</v></c><c r="C2" t="str"><v>&#xD83D;</v></c></row>`,
		});
		assert.match(
			(both.old.result as XlsxProblem).problem,
			/^the file is not a readable \.xlsx workbook/,
		);
		assert.deepEqual(both.new.rows, [{ a: '&foo; &amp', b: 'A', c: '\ud83d' }]);
	});

	test('the first sheet is the first tab, whatever the order of the parts in the zip', async () => {
		const path = handMade('tab-order', {
			sheets: [
				{
					name: 'First tab',
					part: 'sheet2.xml',
					rows: header('first') + '<row r="2"><c r="A2"><v>1</v></c></row>',
				},
				{
					name: 'Second tab',
					part: 'sheet1.xml',
					rows: header('second') + '<row r="2"><c r="A2"><v>2</v></c></row>',
				},
			],
		});
		const both = await readBoth(path);
		assert.deepEqual(
			[(both.old.result as XlsxReadResult).sheet, both.old.rows],
			['Second tab', [{ second: 2 }]],
		);
		assert.deepEqual(
			[(both.new.result as XlsxReadResult).sheet, both.new.rows],
			['First tab', [{ first: 1 }]],
		);
	});

	test('formula results 0, "" and errors, and formulas without a cached value (ExcelJS wrote "[object Object]")', async () => {
		const formula = (formula: string, result?: ExcelJS.CellFormulaValue['result']) =>
			({ formula, result }) as ExcelJS.CellFormulaValue;
		for (const path of await writeBothWays('formula-objects', (book) =>
			addSheet(book, 'Sheet1', [
				['zero', 'empty', 'error', 'uncached'],
				[
					formula('1-1', 0),
					formula('""', ''),
					formula('1/0', { error: '#DIV/0!' }),
					formula('A2*2'),
				],
				[formula('0*1', 0), 'text', 1, 2],
			]),
		)) {
			const both = await readBoth(path);
			const object = '[object Object]';
			assert.deepEqual(both.old.rows, [
				{ zero: object, empty: object, error: object, uncached: object },
				{ zero: object, empty: 'text', error: 1, uncached: 2 },
			]);
			assert.deepEqual(both.new.rows, [
				{ zero: 0, empty: '', error: null, uncached: null },
				{ zero: 0, empty: 'text', error: 1, uncached: 2 },
			]);
		}
	});

	test("five sheets or more from ExcelJS's streaming writer (ExcelJS often lost their names and styles)", async (t) => {
		const streamed = (
			await writeBothWays(
				'five-sheets',
				(book) => {
					addSheet(book, 'Dates', [
						['since'],
						[{ value: at('2020-05-06T00:00:00Z'), numFmt: 'dd/mm/yyyy' }],
					]);
					for (const name of ['B', 'C', 'D', 'E']) addSheet(book, name, [['x'], [name]]);
				},
				'as written',
			)
		)[1];
		const first = await readBoth(streamed);
		const byName = await readBoth(streamed, 'C');
		// ExcelJS's outcome depends on timing (its reader buffers these sheets to temporary files), so it is only shown.
		t.diagnostic(
			`ExcelJS: first sheet ${JSON.stringify(first.old.result)} ${JSON.stringify(first.old.rows)}; sheet "C": ${JSON.stringify(byName.old.result)}`,
		);
		assert.deepEqual(
			[(first.new.result as XlsxReadResult).sheet, first.new.rows],
			['Dates', [{ since: '2020-05-06T00:00:00.000Z' }]],
		);
		assert.deepEqual(byName.new.rows, [{ x: 'C' }]);
	});

	test('a zip cut before its central directory is refused (ExcelJS read the parts before the cut)', async () => {
		const good = readFileSync(
			(await writeBothWays('cut', (book) => addSheet(book, 'Sheet1', [['sku'], ['A']])))[0],
		);
		const cut = join(dir, 'cut-before-directory.xlsx');
		// The central directory starts at the offset the end-of-central-directory record (the last 22 bytes) holds.
		writeFileSync(cut, good.subarray(0, good.readUInt32LE(good.length - 22 + 16)));
		const both = await readBoth(cut);
		assert.deepEqual(both.old.rows, [{ sku: 'A' }]);
		assert.match(
			(both.new.result as XlsxProblem).problem,
			/^the file is not a readable \.xlsx workbook \(/,
		);
	});

	test('sheets are named whatever the zip order (ExcelJS named them Sheet1… or failed when xl/workbook.xml came last)', async () => {
		const ordered = (
			await writeBothWays('zip-order', (book) => {
				addSheet(book, 'Ventes', [['sku'], ['A']]);
				addSheet(book, 'Notes', [['x'], ['y']]);
			})
		)[0];
		const parts = unzipSync(readFileSync(ordered));
		const workbookLast = join(dir, 'workbook-last.xlsx');
		const names = [
			...Object.keys(parts).filter((part) => part !== 'xl/workbook.xml'),
			'xl/workbook.xml',
		];
		writeFileSync(
			workbookLast,
			zipSync(Object.fromEntries(names.map((part) => [part, parts[part]]))),
		);
		const both = await readBoth(workbookLast, 'Notes');
		assert.match(
			(both.old.result as XlsxProblem).problem,
			/^(sheet "Notes" was not found in the workbook|the file is not a readable \.xlsx workbook)/,
		);
		assert.deepEqual(both.new.rows, [{ x: 'y' }]);
	});
});
