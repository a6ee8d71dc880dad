/**
 * Generators for the fuzz properties: header names and cell values as real exports have them,
 * CSV files written in any dialect, workbooks built with ExcelJS, and small tables as n8n items.
 */
import fc from 'fast-check';
import ExcelJS from 'exceljs';

// ---------------------------------------------------------------------------------------------
// Names and values

/** Words a naive loader would paste into SQL, and names its own renaming makes. */
export const SQL_WORDS = [
	'select',
	'from',
	'"from"',
	'FROM',
	'rowid',
	'file_row_number',
	'where',
	'order',
	'group',
	'null',
	'true',
	'table',
	'column0',
	'column_1',
	'a_1',
	'a_2',
	'__sales_analytics_row',
	'__sales_analytics_rank',
];

const HEADER_WORDS = [
	'',
	' ',
	'  ',
	'\t',
	'a',
	'A',
	'a ',
	' a',
	'sku',
	'SKU',
	'price',
	' price ',
	'désignation',
	'qté',
	'価格',
	'🍷 vin',
	'Ünïcödé',
	'a"b',
	"it's",
	'x,y',
	'semi;colon',
	'pi|pe',
	'tab\tin',
	'line\nbreak',
	'\u00a0nbsp\u00a0',
	'#id',
	'=SUM(A1)',
];

/** A header cell: empty, whitespace, duplicates (the small pool repeats), unicode, SQL words, anything. */
export const headerName: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...HEADER_WORDS) },
	{ weight: 2, arbitrary: fc.constantFrom(...SQL_WORDS) },
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
);

const TEXT_VALUES = [
	'',
	' ',
	'A',
	'b',
	'Côtes du Rhône',
	'12',
	'-3.5',
	'12,5',
	'1 250,50',
	'007',
	'1e5',
	'2024-01-31',
	'31/01/2024',
	'true',
	'NULL',
	'N/A',
	'#1 best',
	"it's",
	'say "hi"',
	'x,y',
	'a;b',
	'p|q',
	'tab\there',
	'two\nlines',
	'crlf\r\nline',
	'  padded  ',
	'\u00a0nbsp',
	'=1+1',
	'\\',
	"'quoted'",
];

/** A CSV field's text. */
export const cellText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...TEXT_VALUES) },
	{ weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String) },
	{
		weight: 1,
		arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
	},
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);

export interface TextTable {
	headers: string[];
	rows: string[][];
}

/** A rectangular table of text: 1–5 columns, 0–8 rows. */
export const textTable: fc.Arbitrary<TextTable> = fc.integer({ min: 1, max: 5 }).chain((width) =>
	fc.record({
		headers: fc.array(headerName, { minLength: width, maxLength: width }),
		rows: fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { maxLength: 8 }),
	}),
);

// ---------------------------------------------------------------------------------------------
// CSV

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];

export interface CsvDialect {
	delimiter: Delimiter;
	/** minimal: only what the delimiter needs; specials: anything that could be read as a delimiter too; all: every field. */
	quoting: 'minimal' | 'specials' | 'all';
	lineEnd: '\n' | '\r\n';
	encoding: 'utf-8' | 'latin-1';
	bom: boolean;
	finalNewline: boolean;
}

export const csvDialect: fc.Arbitrary<CsvDialect> = fc.record({
	delimiter: fc.constantFrom(...DELIMITERS),
	quoting: fc.constantFrom('minimal', 'specials', 'all'),
	lineEnd: fc.constantFrom('\n', '\r\n'),
	encoding: fc.constantFrom('utf-8', 'latin-1'),
	bom: fc.boolean(),
	finalNewline: fc.boolean(),
}) as fc.Arbitrary<CsvDialect>;

/** Text a latin-1 file can hold: anything past U+00FF becomes "?". */
export function latin1Safe(text: string): string {
	return [...text].map((char) => (char.codePointAt(0)! > 0xff ? '?' : char)).join('');
}

/** The table as it will be in a file of this dialect (latin-1 cannot hold every character). */
export function tableFor(table: TextTable, dialect: CsvDialect): TextTable {
	if (dialect.encoding === 'utf-8') return table;
	return {
		headers: table.headers.map(latin1Safe),
		rows: table.rows.map((row) => row.map(latin1Safe)),
	};
}

function needsQuotes(field: string, dialect: CsvDialect, width: number): boolean {
	if (dialect.quoting === 'all') return true;
	// A one-column row holding an empty field would be a blank line.
	if (field === '' && width === 1) return true;
	const specials =
		dialect.quoting === 'specials' ? [',', ';', '\t', '|', "'", '#'] : [dialect.delimiter];
	return /["\r\n]/.test(field) || specials.some((char) => field.includes(char));
}

/** The file's bytes: RFC 4180 quoting (quotes doubled), in the dialect's encoding. */
export function writeCsv(table: TextTable, dialect: CsvDialect): Buffer {
	const width = table.headers.length;
	const line = (fields: string[]) =>
		fields
			.map((field) =>
				needsQuotes(field, dialect, width) ? `"${field.replace(/"/g, '""')}"` : field,
			)
			.join(dialect.delimiter);
	const text =
		[table.headers, ...table.rows].map(line).join(dialect.lineEnd) +
		(dialect.finalNewline ? dialect.lineEnd : '');
	if (dialect.encoding === 'latin-1') return Buffer.from(latin1Safe(text), 'latin1');
	return Buffer.concat([
		dialect.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
		Buffer.from(text, 'utf8'),
	]);
}

/** Whitespace and Unicode space separators: what DuckDB 1.5 trims from CSV header names. */
const SPACE_SEPARATORS = /^[\s\p{Zs}]+|[\s\p{Zs}]+$/gu;

/**
 * The column names DuckDB's CSV reader gives a header (DuckDB's CSVSniffer::DetectHeader): names lose
 * their leading and trailing space separators, an empty one becomes column<N> (0-based, zero-padded
 * to the widest index), and a name already taken (ignoring case) gets _1, _2… until it is free.
 */
export function duckdbCsvNames(headers: string[]): string[] {
	const width = String(headers.length - 1).length;
	const taken = new Map<string, number>();
	return headers.map((header, index) => {
		let name = header.replace(SPACE_SEPARATORS, '');
		if (name === '') name = `column${String(index).padStart(width, '0')}`;
		while (taken.has(name.toLowerCase())) {
			const count = taken.get(name.toLowerCase())! + 1;
			taken.set(name.toLowerCase(), count);
			name = `${name}_${count}`;
		}
		taken.set(name.toLowerCase(), 0);
		return name;
	});
}

// ---------------------------------------------------------------------------------------------
// Files to break

/** A well-formed file's bytes broken: cut short, bytes overwritten, bytes inserted, or all random. */
export type Damage =
	| { kind: 'truncate'; at: number }
	| { kind: 'overwrite'; at: number; bytes: Uint8Array }
	| { kind: 'insert'; at: number; bytes: Uint8Array }
	| { kind: 'random'; bytes: Uint8Array };

export const damage: fc.Arbitrary<Damage> = fc.oneof(
	fc
		.record({
			kind: fc.constant('truncate' as const),
			at: fc.double({ min: 0, max: 1, noNaN: true }),
		})
		.map((d) => ({ kind: d.kind, at: d.at })),
	fc.record({
		kind: fc.constant('overwrite' as const),
		at: fc.double({ min: 0, max: 1, noNaN: true }),
		bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
	}),
	fc.record({
		kind: fc.constant('insert' as const),
		at: fc.double({ min: 0, max: 1, noNaN: true }),
		bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
	}),
	fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 600 }) }),
) as fc.Arbitrary<Damage>;

export function applyDamage(bytes: Buffer, how: Damage): Buffer {
	if (how.kind === 'random') return Buffer.from(how.bytes);
	const at = Math.floor(('at' in how ? how.at : 0) * bytes.length);
	if (how.kind === 'truncate') return bytes.subarray(0, at);
	if (how.kind === 'insert')
		return Buffer.concat([bytes.subarray(0, at), how.bytes, bytes.subarray(at)]);
	const copy = Buffer.from(bytes);
	copy.set(how.bytes.subarray(0, copy.length - at), at);
	return copy;
}

// ---------------------------------------------------------------------------------------------
// Workbooks

export type SheetCell =
	| null
	| string
	| number
	| boolean
	| Date
	| { richText: Array<{ text: string }> }
	| { formula: string; result: number };

/** Text a workbook holds: printable, plus tabs and line ends (XML cannot carry other control characters). */
const sheetText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...TEXT_VALUES, '<b>&amp;</b>', ']]>', '&', 'é\u0301') },
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);

export const sheetCell: fc.Arbitrary<SheetCell> = fc.oneof(
	{ weight: 3, arbitrary: sheetText },
	{ weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
	{
		weight: 1,
		arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
	},
	{ weight: 1, arbitrary: fc.boolean() },
	{ weight: 2, arbitrary: fc.constant(null) },
	{
		weight: 1,
		arbitrary: fc
			.date({
				min: new Date('1950-01-01T00:00:00Z'),
				max: new Date('2099-12-31T00:00:00Z'),
				noInvalidDate: true,
			})
			.map((d) => new Date(Math.round(d.getTime() / 1000) * 1000)),
	},
	{
		weight: 1,
		arbitrary: fc
			.array(sheetText, { minLength: 1, maxLength: 3 })
			.map((parts) => ({ richText: parts.map((text) => ({ text })) })),
	},
	{
		weight: 1,
		arbitrary: fc.integer({ min: -100, max: 100 }).map((n) => ({ formula: `${n}+0`, result: n })),
	},
);

export interface SheetTable {
	/** Blank rows above the header. */
	blankRowsAbove: number;
	/** Header cells; null is a blank cell, numbers are headers too. */
	headers: Array<string | number | null>;
	rows: SheetCell[][];
	sheetName: string;
}

export const sheetTable: fc.Arbitrary<SheetTable> = fc.integer({ min: 1, max: 5 }).chain((width) =>
	fc.record({
		blankRowsAbove: fc.integer({ min: 0, max: 2 }),
		headers: fc.array(
			fc.oneof(
				{
					weight: 6,
					arbitrary: headerName.filter((name) => !/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(name)),
				},
				{ weight: 1, arbitrary: fc.constant(null) },
				{ weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }) },
			),
			{
				minLength: width,
				maxLength: width,
			},
		),
		rows: fc.array(fc.array(sheetCell, { minLength: width, maxLength: width }), { maxLength: 8 }),
		sheetName: fc.constantFrom('Sheet1', 'Ventes', 'Données 2024', "O'Brien"),
	}),
);

export async function writeWorkbook(table: SheetTable): Promise<Buffer> {
	const book = new ExcelJS.Workbook();
	const sheet = book.addWorksheet(table.sheetName);
	for (let row = 0; row < table.blankRowsAbove; row++) sheet.addRow([]);
	sheet.addRow(table.headers);
	for (const row of table.rows) sheet.addRow(row as ExcelJS.CellValue[]);
	return Buffer.from(await book.xlsx.writeBuffer());
}

/** A cell's value as the reader sees it: rich text joined, formulas by their result, '' as nothing. */
export function cellValue(cell: SheetCell): string | number | boolean | Date | null {
	if (cell === null || cell === '') return null;
	if (cell instanceof Date || typeof cell !== 'object') return cell;
	if ('richText' in cell) return cell.richText.map((run) => run.text).join('') || null;
	return cell.result;
}

/**
 * The reader's renaming rules (nodes/shared/xlsx/read.ts headerNames): trailing blank header cells
 * are dropped, names are trimmed, a blank one is column_<N> (1-based), and a name already taken
 * (ignoring case) gets _2, _3…; a name made twice is one column.
 */
export function xlsxNames(headers: Array<string | number | null>): string[] {
	const cells = headers.map((cell) => (cell === null ? null : String(cell)));
	while (cells.length && (cells[cells.length - 1] === null || cells[cells.length - 1] === ''))
		cells.pop();
	const seen = new Map<string, number>();
	const names = cells.map((cell, index) => {
		const base = cell === null || cell.trim() === '' ? `column_${index + 1}` : cell.trim();
		const count = (seen.get(base.toLowerCase()) ?? 0) + 1;
		seen.set(base.toLowerCase(), count);
		return count === 1 ? base : `${base}_${count}`;
	});
	return [...new Set(names)];
}

// ---------------------------------------------------------------------------------------------
// Small tables as n8n items

export type ItemValue = string | number | boolean | null;

/** Column names for item tables: plain, SQL words, spaces and quotes, and one that differs only by case. */
export const ITEM_COLUMNS = [
	'sku',
	'price',
	'qty',
	'name',
	'day',
	'flag',
	'select',
	'rowid',
	'a b',
	'x"y',
	'é',
	'SKU',
];

/** How a column's values look, so that DuckDB types columns every way: numbers, text, mixed. */
const VALUES_BY_KIND: Record<string, ItemValue[]> = {
	int: [0, 1, 2, 3, -3, 12, 1000, null],
	float: [1.5, -0.25, 2, 12.5, 0, null],
	text: ['A', 'a', ' a ', 'b', 'B ', '', ' ', '\u00a0', 'N/A', 'Côtes', 'x"y', "it's", null],
	numtext: ['12', '12,5', '1 250,50', ' 7 ', '3.0', '-2', 'abc', '', null],
	bool: [true, false, null],
	date: ['2024-01-31', '2023-12-01', '2024-02-29', null],
	mixed: [1, '1', ' 1 ', 2, 'A', 1.5, true, '', null],
};

export interface ItemTable {
	columns: string[];
	rows: Array<Record<string, ItemValue>>;
}

/** 1–4 columns of one kind each, 1–10 rows; a value may be missing from an item altogether. */
export const itemTable: fc.Arbitrary<ItemTable> = fc
	.uniqueArray(fc.constantFrom(...ITEM_COLUMNS), { minLength: 1, maxLength: 4 })
	.chain((columns) =>
		fc.tuple(
			fc.constant(columns),
			fc.array(fc.constantFrom(...Object.keys(VALUES_BY_KIND)), {
				minLength: columns.length,
				maxLength: columns.length,
			}),
		),
	)
	.chain(([columns, kinds]) =>
		fc.record({
			columns: fc.constant(columns),
			rows: fc.array(
				fc
					.tuple(
						...kinds.map((kind) =>
							fc.option(fc.constantFrom(...VALUES_BY_KIND[kind]), { freq: 12, nil: undefined }),
						),
					)
					.map((values) => {
						const row: Record<string, ItemValue> = {};
						values.forEach((value, index) => {
							if (value !== undefined) row[columns[index]] = value;
						});
						return row;
					}),
				{ minLength: 1, maxLength: 10 },
			),
		}),
	);

/** A column reference as a user types it: exact, another case, quoted, with spaces, a list, or a name that is not there. */
export function columnRef(columns: string[]): fc.Arbitrary<string> {
	const one = fc.constantFrom(...columns);
	return fc.oneof(
		{ weight: 6, arbitrary: one },
		{ weight: 1, arbitrary: one.map((name) => name.toUpperCase()) },
		{ weight: 1, arbitrary: one.map((name) => `"${name.replace(/"/g, '""')}"`) },
		{ weight: 1, arbitrary: one.map((name) => ` ${name} `) },
		{ weight: 1, arbitrary: fc.constantFrom('nope', '', ' ', ',', '""', '"unclosed') },
	);
}

export function columnList(columns: string[]): fc.Arbitrary<string> {
	return fc.oneof(
		{ weight: 3, arbitrary: columnRef(columns) },
		{
			weight: 2,
			arbitrary: fc
				.array(columnRef(columns), { minLength: 1, maxLength: 3 })
				.map((names) => names.join(', ')),
		},
		{ weight: 1, arbitrary: fc.constant('') },
	);
}

/** The names a column reference holds, as an error message quotes them ("name", or as JSON). */
export function namesIn(reference: string): string[] {
	return reference
		.split(',')
		.map((part) => part.trim().replace(/^"|"$/g, '').replace(/""/g, '"').trim())
		.filter(Boolean)
		.flatMap((name) => [`"${name}"`, JSON.stringify(name)]);
}
