import { DuckDBTypeId, type DuckDBBlobVector } from '@duckdb/node-api';
import { Zip, type ZipInputFile } from 'fflate';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { constants, crc32, deflateRaw } from 'node:zlib';
import type { DuckSession } from '../duckdb';
import { quoteIdentifier, quoteLiteral } from '../sql';
import { countText } from '../reading';
import { excelCurrencyFormat } from '../reports/currency';
import { isFloatingPoint, isNumeric, isText, isTimestamp, isWideInteger } from '../table/columns';
import { explicitOrder, selectInOrder, type Column } from '../table/types';

export interface SheetColumn extends Column {
	format?: 'currency' | 'percent' | 'integer';
}

export interface RevenueWorkbook {
	path: string;
	relation: string;
	columns: SheetColumn[];
	currency: string;
	/** Names of the columns summed in the totals row. */
	totals: string[];
	summary: Array<[string, string | number]>;
	top: { label: string; rows: Array<{ label: string; revenue: number }> };
}

/** Rows in an Excel sheet, header included. */
export const XLSX_MAX_ROWS = 1_048_576;

/** Characters in one Excel cell; longer text makes Excel repair the file. */
const EXCEL_MAX_CELL_CHARS = 32_767;

/** Deflate level 1: the sheet XML is repetitive, so level 1 is only a little larger and several times faster. */
const DEFLATE_LEVEL = 1;
/** Blocks deflated at once: libuv's pool has 4 threads, and DuckDB's chunk fetches and the file writes need theirs. */
const DEFLATE_PARALLELISM = Math.min(3, availableParallelism());
/** Each block restarts deflate's 32 KiB window, so blocks are large enough for that to cost nothing. */
const DEFLATE_BLOCK_BYTES = 1 << 22;

/** Zip entries here are plain (not ZIP64): past 4 GiB their sizes would silently wrap. */
const ZIP_MAX_ENTRY_BYTES = 0xffff_ffff;

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

type Format = NonNullable<SheetColumn['format']>;

/** cellXfs are laid out as [plain, ...FORMATS] then the same again in bold. */
const FORMATS: readonly Format[] = ['currency', 'percent', 'integer'];
/** 3 and 10 are Excel's built-in '#,##0' and '0.00%'; 164 is the first custom id. */
const NUMBER_FORMAT_IDS: Record<Format, number> = { currency: 164, percent: 10, integer: 3 };

function styleIndex(format: Format | undefined, bold = false): number {
	return (format ? FORMATS.indexOf(format) + 1 : 0) + (bold ? FORMATS.length + 1 : 0);
}

/** Excel's column letters for a 0-based index: A … Z, AA … */
export function columnLetter(index: number): string {
	let n = index + 1;
	let letters = '';
	while (n > 0) {
		const remainder = (n - 1) % 26;
		letters = String.fromCharCode(65 + remainder) + letters;
		n = Math.floor((n - 1) / 26);
	}
	return letters;
}

function columnWidth(column: Column): number {
	return Math.min(60, Math.max(12, column.name.length + 4, isText(column) ? 28 : 14));
}

/** XML 1.0 forbids most control characters and U+FFFE/U+FFFF, even as references: they are dropped. */
const XML_INVALID_CHARS_JS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const XML_INVALID_CHARS_SQL = quoteLiteral('[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{FFFE}\\x{FFFF}]');

/** CR is written as a reference because XML parsers turn a raw CR into LF. */
function escapeXml(text: string): string {
	return text
		.replace(XML_INVALID_CHARS_JS, '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/\r/g, '&#13;');
}

/**
 * escapeXml in DuckDB SQL, over a VARCHAR column `text`. Most values need nothing, and
 * contains() and to_json() (which lengthens any control character, '"', backslash, tab, LF
 * or CR) cost far less than rewriting every string, so only the values they flag are
 * rewritten. Splitting on a character and joining with its reference is three times as fast
 * as replace(); array_to_string would do the same, but DuckDB expands it into a CASE that
 * repeats its argument, which nesting makes exponential, so list_aggr joins instead.
 */
function escapeXmlSql(text: string): string {
	const suspect = `strlen(to_json(${text})) <> strlen(${text}) + 2 OR contains(${text}, chr(65534)) OR contains(${text}, chr(65535))`;
	let escaped = `CASE WHEN ${suspect} THEN regexp_replace(${text}, ${XML_INVALID_CHARS_SQL}, '', 'g') ELSE ${text} END`;
	for (const [character, reference] of [
		["'&'", "'&amp;'"],
		["'<'", "'&lt;'"],
		["'>'", "'&gt;'"],
		[`'"'`, "'&quot;'"],
		['chr(13)', "'&#13;'"],
	]) {
		escaped = `list_aggr(string_split(${escaped}, ${character}), 'string_agg', ${reference})`;
	}
	return `CASE WHEN contains(${text}, '&') OR contains(${text}, '<') OR contains(${text}, '>') OR ${suspect} THEN ${escaped} ELSE ${text} END`;
}

function inlineStringCell(reference: string, text: string, style: number): string {
	const styleAttribute = style ? ` s="${style}"` : '';
	return `<c r="${reference}"${styleAttribute} t="inlineStr"><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;
}

function numberCell(reference: string, value: number, style: number): string {
	if (!Number.isFinite(value)) return '';
	const styleAttribute = style ? ` s="${style}"` : '';
	return `<c r="${reference}"${styleAttribute}><v>${value}</v></c>`;
}

/**
 * How a column's values are written. Dates and timestamps become ISO text ('2024-05-31',
 * '2024-05-31T08:00:00.000Z'), as the ExcelJS writer wrote them; integers past 2^53 become
 * text, since Excel would round them; BLOBs become base64.
 */
export type CellKind = 'exact' | 'float' | 'bigint' | 'boolean' | 'safeText' | 'text';

export function cellKind(column: Column): CellKind {
	if (isWideInteger(column)) return 'bigint';
	if (isFloatingPoint(column)) return 'float';
	// The other integers and DECIMAL.
	if (isNumeric(column)) return 'exact';
	if (column.typeId === DuckDBTypeId.BOOLEAN) return 'boolean';
	if (
		column.typeId === DuckDBTypeId.DATE ||
		isTimestamp(column) ||
		column.typeId === DuckDBTypeId.BLOB
	)
		return 'safeText';
	return 'text';
}

/** The value a column contributes to the sheet, computed before the cells are built. */
function sourceSql(column: Column): string {
	const name = quoteIdentifier(column.name);
	const iso = (timestamp: string) =>
		`CASE WHEN isfinite(${name}) THEN strftime(${timestamp}, '%Y-%m-%dT%H:%M:%S.%gZ') END`;
	if (column.typeId === DuckDBTypeId.DATE)
		return `CASE WHEN isfinite(${name}) THEN strftime(${name}, '%Y-%m-%d') END`;
	if (column.typeId === DuckDBTypeId.TIMESTAMP_TZ) return iso(`timezone('UTC', ${name})`);
	if (isTimestamp(column)) return iso(`CAST(${name} AS TIMESTAMP)`);
	if (column.typeId === DuckDBTypeId.BLOB) return `to_base64(${name})`;
	if (cellKind(column) !== 'text') return name;
	const text = isText(column) ? name : `CAST(${name} AS VARCHAR)`;
	// strlen counts bytes, so it is only a cheap test for whether left() has anything to cut.
	return `CASE WHEN strlen(${text}) > ${EXCEL_MAX_CELL_CHARS} THEN left(${text}, ${EXCEL_MAX_CELL_CHARS}) ELSE ${text} END`;
}

/** A piece of a concat(): fixed text, or an SQL expression. */
type Part = { text: string } | { sql: string };

/**
 * One cell's XML as concat() parts, written when `when` holds; `otherwise`, if any, is the
 * cell's SQL for the other non-NULL values. A NULL value gets no cell at all.
 */
interface CellSql {
	parts: Part[];
	when: string;
	otherwise?: string;
}

function cellSql(
	kind: CellKind,
	value: string,
	row: string,
	letter: string,
	style: number,
): CellSql {
	const styleAttribute = style ? ` s="${style}"` : '';
	const open: Part = { text: `<c r="${letter}` };
	const rowNumber: Part = { sql: row };
	const number: Part[] = [
		open,
		rowNumber,
		{ text: `"${styleAttribute}><v>` },
		{ sql: value },
		{ text: '</v></c>' },
	];
	const inline = (text: string): Part[] => [
		open,
		rowNumber,
		{ text: `"${styleAttribute} t="inlineStr"><is><t xml:space="preserve">` },
		{ sql: text },
		{ text: '</t></is></c>' },
	];
	const notNull = `${value} IS NOT NULL`;
	switch (kind) {
		case 'exact':
			return { parts: number, when: notNull };
		case 'float':
			return { parts: number, when: `isfinite(${value})` };
		case 'bigint':
			return {
				parts: number,
				when: `${value} BETWEEN -9007199254740991 AND 9007199254740991`,
				otherwise: concatSql(inline(value)),
			};
		case 'boolean':
			return {
				parts: [
					open,
					rowNumber,
					{ text: `"${styleAttribute} t="b"><v>` },
					{ sql: `CASE WHEN ${value} THEN '1' ELSE '0' END` },
					{ text: '</v></c>' },
				],
				when: notNull,
			};
		case 'safeText':
			return { parts: inline(value), when: notNull };
		case 'text':
			return { parts: inline(escapeXmlSql(value)), when: notNull };
	}
}

/** concat() over parts, neighbouring fixed texts merged into one literal. */
function concatSql(parts: Part[]): string {
	const args: string[] = [];
	let pendingText = '';
	for (const part of parts) {
		if ('text' in part) {
			pendingText += part.text;
			continue;
		}
		if (pendingText) args.push(quoteLiteral(pendingText));
		pendingText = '';
		args.push(part.sql);
	}
	if (pendingText) args.push(quoteLiteral(pendingText));
	return `concat(${args.join(', ')})`;
}

/**
 * The data rows' source: the sheet row number as text (rowid + 2, so `relation` must have dense
 * rowids 0, 1, 2, …) and each column's value, renamed by position (c0, c1, …) so that no user
 * name can clash with the row number.
 */
function numberedSql(relation: string, columns: SheetColumn[]): string {
	const aliases = columns.map((_, index) => `c${index}`);
	return `(SELECT CAST(rowid + 2 AS VARCHAR), ${columns.map(sourceSql).join(', ')} FROM ${relation}) AS numbered(sheet_row, ${aliases.join(', ')})`;
}

function columnCells(columns: SheetColumn[]): CellSql[] {
	return columns.map((column, index) =>
		cellSql(
			cellKind(column),
			`c${index}`,
			'sheet_row',
			columnLetter(index),
			styleIndex(column.format),
		),
	);
}

/**
 * For each column, whether every row takes its cell's main form (no NULLs, no infinities, no
 * huge integers): those cells' parts go straight into the row's concat(), skipping a CASE
 * and a string per cell.
 */
async function alwaysMainForm(
	session: DuckSession,
	relation: string,
	columns: SheetColumn[],
	rowCount: number,
): Promise<boolean[]> {
	if (!columns.length) return [];
	const counts = columnCells(columns).map(
		(cell, index) => `count(*) FILTER (WHERE ${cell.when}) AS k${index}`,
	);
	const [row] = await session.rows(
		`SELECT ${counts.join(', ')} FROM ${numberedSql(relation, columns)}`,
	);
	return columns.map((_, index) => Number(row[`k${index}`]) === rowCount);
}

/** One VARCHAR per data row, `<row r="N">…</row>`, in rowid order. */
function dataRowsSql(relation: string, columns: SheetColumn[], unconditional: boolean[]): string {
	const parts: Part[] = [{ text: '<row r="' }, { sql: 'sheet_row' }, { text: '">' }];
	columnCells(columns).forEach((cell, index) => {
		if (unconditional[index]) parts.push(...cell.parts);
		else
			parts.push({
				sql: `CASE WHEN ${cell.when} THEN ${concatSql(cell.parts)}${cell.otherwise ? ` WHEN c${index} IS NOT NULL THEN ${cell.otherwise}` : ''} END`,
			});
	});
	parts.push({ text: '</row>' });
	return `SELECT ${concatSql(parts)} FROM ${numberedSql(relation, columns)}`;
}

function sheetColsXml(widths: Array<{ width: number; style?: number }>): string {
	const cols = widths.map(({ width, style }, index) => {
		const styleAttribute = style ? ` style="${style}"` : '';
		return `<col min="${index + 1}" max="${index + 1}" width="${width}" customWidth="1"${styleAttribute}/>`;
	});
	return `<cols>${cols.join('')}</cols>`;
}

function worksheetStart(dimension: string, view: string, cols: string): string {
	return `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><dimension ref="${dimension}"/><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols}<sheetData>`;
}

const PAGE_MARGINS =
	'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>';

function summarySheetXml(book: RevenueWorkbook, money: number): string {
	const bold = styleIndex(undefined, true);
	const rows: Array<Array<{ value: string | number; style: number }>> = [
		...book.summary.map(([label, value]) => [
			{ value: label, style: bold },
			{ value, style: label.toLowerCase().includes('revenue') ? money : 0 },
		]),
		[],
		[
			{ value: book.top.label, style: bold },
			{ value: 'Revenue', style: bold },
		],
		...book.top.rows.map((top) => [
			{ value: top.label, style: 0 },
			{ value: top.revenue, style: money },
		]),
	];
	const rowsXml = rows.map((cells, index) => {
		const cellsXml = cells.map(({ value, style }, column) => {
			const reference = `${columnLetter(column)}${index + 1}`;
			return typeof value === 'number'
				? numberCell(reference, value, style)
				: inlineStringCell(reference, value, style);
		});
		return `<row r="${index + 1}">${cellsXml.join('')}</row>`;
	});
	const view = '<sheetView workbookViewId="0"/>';
	return `${worksheetStart(`A1:B${rows.length}`, view, sheetColsXml([{ width: 34 }, { width: 22 }]))}${rowsXml.join('')}</sheetData>${PAGE_MARGINS}</worksheet>`;
}

function stylesXml(currencyFormat: string): string {
	const fonts = [
		'<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
		'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
	];
	const xfs: string[] = [];
	for (const fontId of [0, 1]) {
		for (const format of [undefined, ...FORMATS]) {
			const numFmtId = format ? NUMBER_FORMAT_IDS[format] : 0;
			const apply = `${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}`;
			xfs.push(
				`<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"${apply}/>`,
			);
		}
	}
	return (
		`${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
		`<numFmts count="1"><numFmt numFmtId="${NUMBER_FORMAT_IDS.currency}" formatCode="${escapeXml(currencyFormat)}"/></numFmts>` +
		`<fonts count="${fonts.length}">${fonts.join('')}</fonts>` +
		'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
		'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
		'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
		`<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
		'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
		'<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
	);
}

/** A worksheet of the workbook: its tab name and its XML, streamed into the zip in order. */
interface Sheet {
	name: string;
	xml: AsyncIterable<Uint8Array>;
	/** The range its autofilter covers, as `$A$1:$D$9`. */
	filterRange?: string;
}

/** A sheet name as a formula refers to it: quoted unless it is plain letters. */
function sheetReference(name: string): string {
	return /^[A-Za-z]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function workbookXml(sheets: Sheet[]): string {
	const entries = sheets.map(
		(sheet, index) =>
			`<sheet name="${escapeXml(sheet.name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`,
	);
	// Excel keeps an autofilter's range in this hidden name and writes it with every filter.
	const filters = sheets.flatMap((sheet, index) =>
		sheet.filterRange
			? [
					`<definedName name="_xlnm._FilterDatabase" localSheetId="${index}" hidden="1">${escapeXml(sheetReference(sheet.name))}!${sheet.filterRange}</definedName>`,
				]
			: [],
	);
	return (
		`${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
		'<bookViews><workbookView activeTab="0"/></bookViews>' +
		`<sheets>${entries.join('')}</sheets>` +
		(filters.length ? `<definedNames>${filters.join('')}</definedNames>` : '') +
		'<calcPr calcId="191029"/></workbook>'
	);
}

const PACKAGE_RELS =
	`${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
	'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
	'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
	'</Relationships>';

/** rId1 … rIdN are the sheets, in order; the styles come after them. */
function workbookRelsXml(sheetCount: number): string {
	const sheets = Array.from(
		{ length: sheetCount },
		(_, index) =>
			`<Relationship Id="rId${index + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`,
	);
	return (
		`${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		sheets.join('') +
		`<Relationship Id="rId${sheetCount + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>` +
		'</Relationships>'
	);
}

function contentTypesXml(sheetCount: number): string {
	const sheets = Array.from(
		{ length: sheetCount },
		(_, index) =>
			`<Override PartName="/xl/worksheets/sheet${index + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
	);
	return (
		`${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
		'<Default Extension="xml" ContentType="application/xml"/>' +
		'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
		sheets.join('') +
		'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
		'<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
		'<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
		'</Types>'
	);
}

const APP_PROPERTIES = `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>n8n-nodes-sales-analytics</Application></Properties>`;

function corePropertiesXml(created: Date): string {
	const timestamp = `${created.toISOString().slice(0, 19)}Z`;
	return (
		`${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">${timestamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${timestamp}</dcterms:modified></cp:coreProperties>`
	);
}

/**
 * An entry's bytes deflated by node's zlib on the libuv thread pool, several blocks at a time
 * as pigz does: every block is compressed on its own and ends with a sync flush (so the
 * outputs simply follow one another), and a final empty block closes the stream. Native
 * zlib is several times faster than fflate's JavaScript deflate, and blocks use every core.
 */
async function* deflatedBlocks(
	blocks: AsyncIterable<Uint8Array>,
	entry: { size: number; crc: number },
): AsyncIterable<Buffer<ArrayBuffer>> {
	const inFlight: Array<Promise<Buffer<ArrayBuffer>>> = [];
	for await (const block of blocks) {
		entry.size += block.length;
		if (entry.size > ZIP_MAX_ENTRY_BYTES)
			throw new Error('A part of the Excel workbook would exceed 4 GiB');
		entry.crc = crc32(block, entry.crc);
		inFlight.push(deflateBlock(block, constants.Z_SYNC_FLUSH));
		if (inFlight.length >= DEFLATE_PARALLELISM) yield await inFlight.shift()!;
	}
	inFlight.push(deflateBlock(new Uint8Array(0), constants.Z_FINISH));
	for (const block of inFlight) yield await block;
}

function deflateBlock(block: Uint8Array, flush: number): Promise<Buffer<ArrayBuffer>> {
	return new Promise((resolve, reject) =>
		// zlib's output is never a SharedArrayBuffer, which is what fflate's handler type rules out.
		deflateRaw(block, { level: DEFLATE_LEVEL, finishFlush: flush }, (error, deflated) =>
			error ? reject(error) : resolve(deflated as Buffer<ArrayBuffer>),
		),
	);
}

/** fflate's Zip (the container) writing to a file, waiting for the disk whenever the stream's buffer is full. */
class ZipFileWriter {
	private readonly zip: Zip;
	private failure: Error | undefined;

	constructor(private readonly output: WriteStream) {
		output.on('error', (error) => (this.failure ??= error));
		this.zip = new Zip((error, chunk, final) => {
			if (error) this.failure ??= error;
			else output.write(chunk);
			if (final) output.end();
		});
	}

	async add(name: string, blocks: AsyncIterable<Uint8Array>): Promise<void> {
		const entry: ZipInputFile = { filename: name, size: 0, crc: 0, compression: 8 };
		this.zip.add(entry);
		const deliver = entry.ondata!;
		for await (const deflated of deflatedBlocks(blocks, entry)) {
			deliver(null, deflated, false);
			await this.settle();
		}
		deliver(null, new Uint8Array(0), true);
		await this.settle();
	}

	async finish(): Promise<void> {
		this.zip.end();
		if (!this.output.writableFinished) await once(this.output, 'finish');
		this.check();
	}

	private async settle(): Promise<void> {
		this.check();
		if (this.output.writableNeedDrain) await once(this.output, 'drain');
	}

	private check(): void {
		if (this.failure) throw this.failure;
	}
}

async function* text(xml: string): AsyncIterable<Uint8Array> {
	yield Buffer.from(xml, 'utf8');
}

/**
 * The sheet's data rows, their XML built in DuckDB and read from a streaming result a chunk
 * at a time as BLOB bytes (no JS string decoding), gathered into deflate-sized blocks. DuckDB
 * builds the next chunks on its own threads while these are compressed.
 */
async function* dataRowBlocks(
	session: DuckSession,
	relation: string,
	columns: SheetColumn[],
	rowCount: number,
): AsyncIterable<Uint8Array> {
	const rowsSql = dataRowsSql(
		relation,
		columns,
		await alwaysMainForm(session, relation, columns, rowCount),
	);
	const result = await session.stream(
		`SELECT encode(row_xml) FROM (${rowsSql}) AS data_rows(row_xml)`,
	);
	let block: Uint8Array[] = [];
	let blockBytes = 0;
	for (
		let chunk = await result.fetchChunk();
		chunk && chunk.rowCount > 0;
		chunk = await result.fetchChunk()
	) {
		// encode() made the column a BLOB; getItemBytes reads it with one copy and no Buffer per value.
		const rows = chunk.getColumnVector(0) as DuckDBBlobVector;
		for (let row = 0; row < chunk.rowCount; row++) {
			const xml = rows.getItemBytes(row)!;
			block.push(xml);
			blockBytes += xml.length;
			if (blockBytes < DEFLATE_BLOCK_BYTES) continue;
			yield Buffer.concat(block, blockBytes);
			block = [];
			blockBytes = 0;
		}
	}
	if (blockBytes) yield Buffer.concat(block, blockBytes);
}

async function* sheetBlocks(
	start: string,
	rows: AsyncIterable<Uint8Array>,
	end: string,
): AsyncIterable<Uint8Array> {
	yield Buffer.from(start, 'utf8');
	yield* rows;
	yield Buffer.from(end, 'utf8');
}

/**
 * `work` over the relation itself when it is in insertion order and its rowids are 0…n-1 (what
 * CREATE TABLE … AS gives), else over a dense copy in `orderBy` order (rowid order by a plain
 * scan), since the sheet row numbers are rowid + 2. The copy is dropped afterwards.
 */
async function withDenseRelation(
	session: DuckSession,
	source: { relation: string; columns: Column[]; orderBy?: string },
	rowCount: number,
	work: (relation: string) => Promise<void>,
): Promise<void> {
	if (!explicitOrder(source.orderBy)) {
		const span = await session.count(`SELECT coalesce(max(rowid) + 1, 0) FROM ${source.relation}`);
		if (span === rowCount) {
			await work(source.relation);
			return;
		}
	}
	const copy = quoteIdentifier(`xlsx_rows_${randomUUID()}`);
	const columns = source.columns.map((column) => quoteIdentifier(column.name)).join(', ');
	// preserve_insertion_order keeps the ORDER BY in the copy's rowids.
	await session.run(
		`CREATE TEMP TABLE ${copy} AS ${selectInOrder(source.relation, source.orderBy, columns)}`,
	);
	try {
		await work(copy);
	} finally {
		await session.run(`DROP TABLE IF EXISTS ${copy}`);
	}
}

const FROZEN_HEADER_VIEW =
	'<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>';

/**
 * A sheet of rows: bold frozen header, autofilter, number formats and widths, every data row's
 * XML built by DuckDB from `relation` (dense rowids), then the totals row when `totals` is given
 * (SUM formulas with the values DuckDB computed, 'Total' in the first column).
 */
function dataSheet(
	session: DuckSession,
	sheet: {
		name: string;
		relation: string;
		columns: SheetColumn[];
		rowCount: number;
		totals?: Map<string, number>;
	},
): Sheet {
	const { columns, rowCount, totals } = sheet;
	const lastColumn = columnLetter(columns.length - 1);
	const lastDataRow = rowCount + 1;
	const lastRow = totals ? rowCount + 2 : lastDataRow;
	const bold = styleIndex(undefined, true);
	const header = columns.map((column, index) =>
		inlineStringCell(`${columnLetter(index)}1`, column.name, bold),
	);
	const cols = sheetColsXml(
		columns.map((column) => ({ width: columnWidth(column), style: styleIndex(column.format) })),
	);
	const start = `${worksheetStart(`A1:${lastColumn}${lastRow}`, FROZEN_HEADER_VIEW, cols)}<row r="1" s="${bold}" customFormat="1">${header.join('')}</row>`;
	let totalsRow = '';
	if (totals) {
		const cells = columns.map((column, index) => {
			const letter = columnLetter(index);
			const style = styleIndex(column.format, true);
			const total = totals.get(column.name);
			if (total !== undefined)
				return `<c r="${letter}${lastRow}" s="${style}"><f>SUM(${letter}2:${letter}${lastDataRow})</f><v>${total}</v></c>`;
			return index === 0 ? inlineStringCell(`${letter}${lastRow}`, 'Total', style) : '';
		});
		// Row styles too (customFormat), so the header and totals rows stay bold where a reader adds cells.
		totalsRow = `<row r="${lastRow}" s="${bold}" customFormat="1">${cells.join('')}</row>`;
	}
	const end = `${totalsRow}</sheetData><autoFilter ref="A1:${lastColumn}${lastDataRow}"/>${PAGE_MARGINS}</worksheet>`;
	return {
		name: sheet.name,
		xml: sheetBlocks(start, dataRowBlocks(session, sheet.relation, columns, rowCount), end),
		filterRange: `$A$1:$${lastColumn}$${lastDataRow}`,
	};
}

/** The workbook's parts, then its sheets in order: sheet1.xml is the first tab. */
async function writeWorkbook(path: string, sheets: Sheet[], currencyFormat: string): Promise<void> {
	await writeZipAtomically(path, async (zip) => {
		await zip.add('[Content_Types].xml', text(contentTypesXml(sheets.length)));
		await zip.add('_rels/.rels', text(PACKAGE_RELS));
		await zip.add('docProps/app.xml', text(APP_PROPERTIES));
		await zip.add('docProps/core.xml', text(corePropertiesXml(new Date())));
		await zip.add('xl/workbook.xml', text(workbookXml(sheets)));
		await zip.add('xl/_rels/workbook.xml.rels', text(workbookRelsXml(sheets.length)));
		await zip.add('xl/styles.xml', text(stylesXml(currencyFormat)));
		for (const [index, sheet] of sheets.entries())
			await zip.add(`xl/worksheets/sheet${index + 1}.xml`, sheet.xml);
	});
}

/**
 * The revenue report: a sheet of rows (bold frozen header, autofilter, number formats,
 * widths, a totals row with SUM formulas and their values) and a summary sheet. DuckDB
 * builds every data row's XML, which streams into the zip.
 */
export async function writeRevenueWorkbook(
	session: DuckSession,
	book: RevenueWorkbook,
): Promise<void> {
	const rowCount = await session.count(`SELECT count(*) FROM ${book.relation}`);
	// The header and the totals row take two of the sheet's rows.
	if (rowCount + 2 > XLSX_MAX_ROWS)
		throw new Error(`An Excel sheet cannot hold ${rowCount} rows and its header and totals`);
	const totals = await totalValues(session, book);
	await withDenseRelation(session, book, rowCount, (relation) =>
		writeWorkbook(
			book.path,
			[
				dataSheet(session, { name: 'Revenue', relation, columns: book.columns, rowCount, totals }),
				{ name: 'Summary', xml: text(summarySheetXml(book, styleIndex('currency'))) },
			],
			excelCurrencyFormat(book.currency),
		),
	);
}

export interface TableWorkbook {
	path: string;
	/** What to write: a relation, in the order of `orderBy` (quoted SQL) when given, else its insertion order. */
	relation: string;
	orderBy?: string;
	columns: Column[];
	/** The sheet's tab name; "Table" by default. */
	sheetName?: string;
}

/** Why a table cannot be one Excel sheet, and what to use instead. */
export function xlsxRowLimitMessage(rowCount: number): string {
	return `The table has ${countText(rowCount)} rows, but an Excel sheet holds ${countText(XLSX_MAX_ROWS - 1)} below its header: use CSV for all rows in one file`;
}

/** Excel refuses to open a workbook whose sheet name breaks these rules. */
function checkSheetName(name: string): void {
	if (
		!name ||
		name.length > 31 ||
		/[[\]:*?/\\]/.test(name) ||
		name.startsWith("'") ||
		name.endsWith("'")
	) {
		throw new Error(
			`"${name}" cannot name an Excel sheet: use 1 to 31 characters, none of [ ] : * ? / \\, not starting or ending with '`,
		);
	}
}

/** No column of a table workbook is currency: its (unused) currency style shows plain amounts. */
const PLAIN_AMOUNT_FORMAT = '#,##0.00';

/**
 * Every row of a table as one sheet, values written as the revenue sheet writes them (text as
 * inline strings, so no cell is ever a formula), with a bold frozen header, an autofilter and
 * column widths; no totals row, no other sheet.
 */
export async function writeTableWorkbook(
	session: DuckSession,
	table: TableWorkbook,
): Promise<void> {
	const name = table.sheetName ?? 'Table';
	checkSheetName(name);
	const rowCount = await session.count(`SELECT count(*) FROM ${table.relation}`);
	if (rowCount + 1 > XLSX_MAX_ROWS) throw new Error(xlsxRowLimitMessage(rowCount));
	await withDenseRelation(session, table, rowCount, (relation) =>
		writeWorkbook(
			table.path,
			[dataSheet(session, { name, relation, columns: table.columns, rowCount })],
			PLAIN_AMOUNT_FORMAT,
		),
	);
}

/** The zip is written under a temporary name and renamed once complete: a failure leaves no partial file. */
async function writeZipAtomically(
	path: string,
	write: (zip: ZipFileWriter) => Promise<void>,
): Promise<void> {
	const partialPath = `${path}.${randomUUID()}.partial`;
	const output = createWriteStream(partialPath);
	let complete = false;
	try {
		const zip = new ZipFileWriter(output);
		await write(zip);
		await zip.finish();
		await rename(partialPath, path);
		complete = true;
	} finally {
		if (!complete) {
			if (!output.closed) {
				output.destroy();
				await once(output, 'close');
			}
			await rm(partialPath, { force: true });
		}
	}
}

/** Each totals column's sum, computed in DuckDB for the formula's cached value. */
async function totalValues(
	session: DuckSession,
	book: RevenueWorkbook,
): Promise<Map<string, number>> {
	const names = book.totals.filter((name) => book.columns.some((column) => column.name === name));
	if (!names.length) return new Map();
	const sums = names.map(
		(name, index) => `CAST(coalesce(sum(${quoteIdentifier(name)}), 0) AS DOUBLE) AS t${index}`,
	);
	const [row] = await session.rows(`SELECT ${sums.join(', ')} FROM ${book.relation}`);
	return new Map(names.map((name, index) => [name, Number(row[`t${index}`])]));
}
