/**
 * One worksheet of an .xlsx to newline-delimited JSON without a JavaScript object per cell: ExcelJS made
 * several per cell (92 s for 28M cells), as would any event-per-tag XML parser. yauzl reads the zip on disk
 * by random access, so the small parts (workbook, rels, styles, shared strings) come first whatever the zip's
 * order; the sheet is inflated as a stream and scanned as bytes, most values copied into the output as they are.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createInflateRaw, type ZlibOptions } from 'node:zlib';
import yauzl from 'yauzl';

export interface XlsxReadResult {
	sheet: string;
	/** The workbook's sheets in order, up to the one read (as the ExcelJS reader listed them). */
	sheets: string[];
	rows: number;
	columns: string[];
}

/** What went wrong with a workbook, for the loader to put into a NodeOperationError. */
export interface XlsxProblem {
	problem: string;
	hint: string;
}

export async function readXlsxSheet(
	path: string,
	wantedSheet: string,
	outPath: string,
): Promise<XlsxReadResult | XlsxProblem> {
	let zip: ZipParts | undefined;
	try {
		zip = await ZipParts.open(path);
		const workbook = await readWorkbook(zip);
		const names = workbook.sheets.map((sheet) => sheet.name);
		const index = wantedSheet ? names.indexOf(wantedSheet) : names.length ? 0 : -1;
		if (index === -1) {
			return {
				problem: names.length
					? `sheet "${wantedSheet}" was not found in the workbook`
					: 'the workbook has no worksheet',
				hint: names.length
					? `Sheets found: ${names.join(', ')}. Set "Sheet Name" to one of them, or leave it empty for the first sheet.`
					: 'Export the data again with at least one sheet.',
			};
		}
		const sheet = workbook.sheets[index];
		const dateStyles = workbook.stylesPart ? dateStylesOf(await zip.text(workbook.stylesPart)) : [];
		const sharedStrings = workbook.sharedStringsPart
			? await readSharedStrings(await zip.stream(workbook.sharedStringsPart))
			: new SharedStrings();
		const converter = new SheetToNdjson(sharedStrings, dateStyles, workbook.date1904);
		await converter.convert(await zip.stream(sheet.part), outPath);
		if (converter.columns.length === 0)
			return {
				problem: `sheet "${sheet.name}" is empty`,
				hint: 'The first non-empty row must hold the column names.',
			};
		return {
			sheet: sheet.name,
			sheets: names.slice(0, index + 1),
			rows: converter.rows,
			columns: converter.columns,
		};
	} catch (error) {
		return {
			problem: `the file is not a readable .xlsx workbook (${(error as Error).message})`,
			hint: 'Check that the file is an Excel .xlsx export that is not password-protected or truncated; save it again from Excel if needed.',
		};
	} finally {
		zip?.close();
	}
}

// ---------------------------------------------------------------------------------------------
// The zip

const STORED = 0;
const INFLATE_CHUNK = 1 << 16;
const INFLATE_QUEUE = 1 << 22;

/** The parts of the workbook by lower-cased name: some writers do not spell them as Excel does. */
class ZipParts {
	private constructor(
		private readonly zip: yauzl.ZipFile,
		private readonly entries: Map<string, yauzl.Entry>,
	) {}

	static async open(path: string): Promise<ZipParts> {
		const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
		const entries = new Map<string, yauzl.Entry>();
		let listed = false;
		try {
			for await (const entry of zip.eachEntry()) entries.set(entry.fileName.toLowerCase(), entry);
			listed = true;
		} finally {
			// The caller closes only the ZipParts it gets.
			if (!listed) zip.close();
		}
		return new ZipParts(zip, entries);
	}

	has(part: string): boolean {
		return this.entries.has(part.toLowerCase());
	}

	/**
	 * The part's bytes, inflated here rather than by yauzl: its inflate stream hands out 16 KB chunks
	 * through a byte-count check, several times slower than one inflate with large chunks.
	 */
	async stream(part: string): Promise<Readable> {
		const entry = this.entries.get(part.toLowerCase());
		if (!entry) throw new Error(`${part} is missing`);
		if (!entry.canDecodeFileData())
			throw new Error(`${part} is encrypted or compressed in an unsupported way`);
		const raw = await this.zip.openReadStreamPromise(entry, { decodeFileData: false });
		if (entry.compressionMethod === STORED) return raw;
		// zlib works in the thread pool: a deep queue lets it inflate ahead while the sheet is scanned.
		// (Stream options reach the Transform; ZlibOptions does not declare them.)
		const inflate = createInflateRaw({
			chunkSize: INFLATE_CHUNK,
			readableHighWaterMark: INFLATE_QUEUE,
		} as ZlibOptions);
		raw.on('error', (error) => inflate.destroy(error));
		// A sheet read up to its </sheetData> is left unfinished: its file reads stop with it.
		inflate.once('close', () => raw.destroy());
		return raw.pipe(inflate);
	}

	async text(part: string): Promise<string> {
		const decoder = new StringDecoder('utf8');
		let text = '';
		for await (const chunk of await this.stream(part)) text += decoder.write(chunk as Buffer);
		return text + decoder.end();
	}

	close(): void {
		if (this.zip.isOpen) this.zip.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Workbook, relationships and styles: small parts, read whole and matched with regular expressions

interface WorkbookParts {
	sheets: Array<{ name: string; part: string }>;
	sharedStringsPart?: string;
	stylesPart?: string;
	date1904: boolean;
}

const RELATIONSHIP_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

async function readWorkbook(zip: ZipParts): Promise<WorkbookParts> {
	if (!zip.has('xl/workbook.xml')) throw new Error('xl/workbook.xml is missing');
	const workbookXml = await zip.text('xl/workbook.xml');
	const relations = zip.has('xl/_rels/workbook.xml.rels')
		? relationshipsOf(await zip.text('xl/_rels/workbook.xml.rels'))
		: [];
	const partOf = (type: string) =>
		relations.find((relation) => relation.type === RELATIONSHIP_TYPE + type)?.part;
	const byId = new Map(relations.map((relation) => [relation.id, relation]));
	const sheets: WorkbookParts['sheets'] = [];
	for (const tag of workbookXml.match(/<sheet\s[^>]*>/g) ?? []) {
		const attributes = attributesOf(tag);
		const relationId = [...attributes].find(([name]) => name.endsWith(':id'))?.[1];
		const relation = relationId === undefined ? undefined : byId.get(relationId);
		// Chart sheets and dialog sheets hold no table.
		if (relation?.type === RELATIONSHIP_TYPE + 'worksheet')
			sheets.push({ name: attributes.get('name') ?? '', part: relation.part });
	}
	const workbookProperties = attributesOf(/<workbookPr\s[^>]*>/.exec(workbookXml)?.[0] ?? '');
	const date1904 = workbookProperties.get('date1904');
	return {
		sheets,
		sharedStringsPart:
			partOf('sharedStrings') ??
			(zip.has('xl/sharedStrings.xml') ? 'xl/sharedStrings.xml' : undefined),
		stylesPart: partOf('styles') ?? (zip.has('xl/styles.xml') ? 'xl/styles.xml' : undefined),
		date1904: date1904 === '1' || date1904 === 'true',
	};
}

function relationshipsOf(relsXml: string): Array<{ id: string; type: string; part: string }> {
	return (relsXml.match(/<Relationship\s[^>]*>/g) ?? []).map((tag) => {
		const attributes = attributesOf(tag);
		const target = attributes.get('Target') ?? '';
		// Targets are relative to xl/, or absolute from the package root.
		const part = target.startsWith('/')
			? target.slice(1)
			: posix.normalize(posix.join('xl', target));
		return { id: attributes.get('Id') ?? '', type: attributes.get('Type') ?? '', part };
	});
}

function attributesOf(tag: string): Map<string, string> {
	const attributes = new Map<string, string>();
	for (const [, name, doubleQuoted, singleQuoted] of tag.matchAll(
		/([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g,
	)) {
		attributes.set(name, decodeEntities(doubleQuoted ?? singleQuoted));
	}
	return attributes;
}

/** Built-in number formats Excel shows as dates or times (not declared in styles.xml). */
const BUILT_IN_DATE_FORMATS = new Set([
	14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
	52, 53, 54, 55, 56, 57, 58,
]);

/** ExcelJS's test, kept so that the same cells become dates: a date letter outside [..] and "..". */
function isDateFormatCode(formatCode: string): boolean {
	return /[ymdhMsb]/.test(formatCode.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** For each cell style (cellXfs index), whether its number format shows a date. */
function dateStylesOf(stylesXml: string): boolean[] {
	const customFormats = new Map<number, string>();
	for (const tag of stylesXml.match(/<numFmt\s[^>]*>/g) ?? []) {
		const attributes = attributesOf(tag);
		customFormats.set(Number(attributes.get('numFmtId')), attributes.get('formatCode') ?? '');
	}
	const cellXfs = /<cellXfs\b[\s\S]*?<\/cellXfs>/.exec(stylesXml)?.[0] ?? '';
	return (cellXfs.match(/<xf\b[^>]*>/g) ?? []).map((tag) => {
		const formatId = parseInt(attributesOf(tag).get('numFmtId') ?? '0', 10);
		if (!formatId) return false;
		const custom = customFormats.get(formatId);
		return custom ? isDateFormatCode(custom) : BUILT_IN_DATE_FORMATS.has(formatId);
	});
}

// ---------------------------------------------------------------------------------------------
// Text

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
	if (!text.includes('&')) return text;
	return text.replace(
		ENTITY,
		(entity, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
			if (name) return NAMED_ENTITIES[name];
			const codePoint = hex ? parseInt(hex, 16) : Number(decimal);
			return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
		},
	);
}

/** Cell text as Excel means it: XML line ends and entities, then Excel's _xHHHH_ escapes (_x000D_ is a CR). */
function decodeCellText(raw: string): string {
	let text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
	text = decodeEntities(text);
	return text.includes('_x')
		? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
				String.fromCharCode(parseInt(hex, 16)),
			)
		: text;
}

/** The text of a shared or inline string: its <t> runs joined, without the phonetic reading runs (<rPh>). */
function stringItemText(xml: string): string {
	const runs = xml.includes('<rPh') ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
	let raw = '';
	let at = 0;
	while ((at = runs.indexOf('<t', at)) !== -1) {
		const next = runs.charCodeAt(at + 2);
		const tagEnd = runs.indexOf('>', at);
		if ((next !== GT && next !== SLASH && !isSpace(next)) || tagEnd === -1) {
			at += 2;
			continue;
		}
		if (runs.charCodeAt(tagEnd - 1) === SLASH) {
			at = tagEnd + 1;
			continue;
		}
		const end = runs.indexOf('</t>', tagEnd);
		if (end === -1) break;
		raw += runs.slice(tagEnd + 1, end);
		at = end + 4;
	}
	return decodeCellText(raw);
}

/** Text read as latin1 (a character per byte) decoded as the UTF-8 it is. */
function utf8(latin1: string): string {
	return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** Shared strings as JSON texts in UTF-8, one after the other in one buffer (a million strings make no million buffers). */
class SharedStrings {
	private bytes: Buffer = Buffer.allocUnsafe(1 << 16);
	private length = 0;
	/** Where each string's JSON ends; it starts where the previous one ends. Empty strings are empty (read as null, as ExcelJS did). */
	private readonly ends: number[] = [];

	add(text: string): void {
		if (text !== '') {
			const json = JSON.stringify(text);
			this.bytes = ensureRoom(this.bytes, this.length, json.length * 3);
			this.length += this.bytes.write(json, this.length);
		}
		this.ends.push(this.length);
	}

	/** Copies string index's JSON to target at `at`; returns where it ends (at, for an empty or unknown string). */
	copy(index: number, target: Buffer, at: number): number {
		if (index < 0 || index >= this.ends.length) return at;
		return copyBytes(this.bytes, index ? this.ends[index - 1] : 0, this.ends[index], target, at);
	}

	byteLength(index: number): number {
		return index < 0 || index >= this.ends.length
			? 0
			: this.ends[index] - (index ? this.ends[index - 1] : 0);
	}
}

/** Reads sharedStrings.xml item by item, so that a million strings cost one pass. */
async function readSharedStrings(stream: Readable): Promise<SharedStrings> {
	const strings = new SharedStrings();
	const decoder = new StringDecoder('utf8');
	let carry = '';
	for await (const chunk of stream) {
		const text = carry + decoder.write(chunk as Buffer);
		let at = 0;
		carry = '';
		for (;;) {
			const start = text.indexOf('<si', at);
			if (start === -1) {
				// Keep a tail that may be the start of the next '<si'.
				carry = text.slice(Math.max(at, text.length - 2));
				break;
			}
			const next = text.charCodeAt(start + 3);
			if (Number.isNaN(next)) {
				carry = text.slice(start);
				break;
			}
			if (next !== GT && next !== SLASH && !isSpace(next)) {
				at = start + 3;
				continue;
			}
			const tagEnd = text.indexOf('>', start);
			if (tagEnd === -1) {
				carry = text.slice(start);
				break;
			}
			if (text.charCodeAt(tagEnd - 1) === SLASH) {
				strings.add('');
				at = tagEnd + 1;
				continue;
			}
			const end = text.indexOf('</si>', tagEnd);
			if (end === -1) {
				carry = text.slice(start);
				break;
			}
			strings.add(stringItemText(text.slice(tagEnd + 1, end)));
			at = end + 5;
		}
	}
	return strings;
}

// ---------------------------------------------------------------------------------------------
// Bytes

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const AMPERSAND = 38;
const SINGLE_QUOTE = 39;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const LETTER_A = 65;
const LETTER_Z = 90;
const BACKSLASH = 92;
const UNDERSCORE = 95;
const LETTER_X = 120;

function isSpace(code: number): boolean {
	return code === SPACE || code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN;
}

/** Byte loops rather than Buffer methods: the distances are short, shorter than a call into C++ costs. */
function indexOfByte(bytes: Buffer, byte: number, from: number, end: number): number {
	for (let at = from; at < end; at++) if (bytes[at] === byte) return at;
	return -1;
}

/** The end of a value: numbers are short, text can be long, where Buffer's native search wins. */
function valueEndOf(bytes: Buffer, from: number, end: number): number {
	const shortEnd = Math.min(end, from + 24);
	for (let at = from; at < shortEnd; at++) if (bytes[at] === LT) return at;
	return shortEnd === end ? -1 : bytes.indexOf(LT, shortEnd);
}

function copyBytes(source: Buffer, start: number, end: number, target: Buffer, at: number): number {
	if (end - start > 64) return at + source.copy(target, at, start, end);
	for (let from = start; from < end; from++) target[at++] = source[from];
	return at;
}

function writeAscii(text: string, target: Buffer, at: number): number {
	for (let index = 0; index < text.length; index++) target[at++] = text.charCodeAt(index);
	return at;
}

function bytesAre(bytes: Buffer, at: number, ascii: string): boolean {
	for (let index = 0; index < ascii.length; index++)
		if (bytes[at + index] !== ascii.charCodeAt(index)) return false;
	return true;
}

/** buffer, or a larger copy of its first `used` bytes, with room for `needed` more. */
function ensureRoom(buffer: Buffer, used: number, needed: number): Buffer {
	if (used + needed <= buffer.length) return buffer;
	const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + needed));
	buffer.copy(larger, 0, 0, used);
	return larger;
}

const NAMED_ENTITY_BYTES: Array<[string, number]> = [
	['amp;', AMPERSAND],
	['lt;', LT],
	['gt;', GT],
	['quot;', DOUBLE_QUOTE],
	['apos;', SINGLE_QUOTE],
];
/** JSON.stringify's short escapes. */
const SHORT_ESCAPES: Record<number, number> = {
	8: 98,
	9: 116,
	10: 110,
	12: 102,
	13: 114,
	[DOUBLE_QUOTE]: DOUBLE_QUOTE,
	[BACKSLASH]: BACKSLASH,
};
const HEX_DIGITS = '0123456789abcdef';

/** Where an entity at bytes[at] ('&') decodes: its code point × 16 + its length, or -1 when it is none (then '&' is text). */
function entityAt(bytes: Buffer, at: number, end: number): number {
	for (const [name, codePoint] of NAMED_ENTITY_BYTES)
		if (at + name.length < end && bytesAre(bytes, at + 1, name))
			return codePoint * 16 + name.length + 1;
	if (bytes[at + 1] !== 35 /* # */) return -1;
	const hex = bytes[at + 2] === LETTER_X;
	let codePoint = 0;
	let digit = at + (hex ? 3 : 2);
	for (; digit < end && digit - at < 12; digit++) {
		const code = bytes[digit];
		const value =
			code >= DIGIT_0 && code <= DIGIT_9
				? code - DIGIT_0
				: hex && (code | 32) >= 97 && (code | 32) <= 102
					? (code | 32) - 87
					: -1;
		if (value < 0) break;
		codePoint = codePoint * (hex ? 16 : 10) + value;
	}
	if (bytes[digit] !== 59 /* ; */ || digit === at + (hex ? 3 : 2)) return -1;
	return codePoint * 16 + digit + 1 - at;
}

/** Writes a code point as JSON.stringify writes it in a string, in UTF-8. */
function writeJsonCodePoint(codePoint: number, target: Buffer, at: number): number {
	if (codePoint < SPACE || codePoint === DOUBLE_QUOTE || codePoint === BACKSLASH) {
		target[at++] = BACKSLASH;
		const short = SHORT_ESCAPES[codePoint];
		if (short !== undefined) {
			target[at++] = short;
			return at;
		}
		return writeAscii(`u00${HEX_DIGITS[codePoint >> 4]}${HEX_DIGITS[codePoint & 15]}`, target, at);
	}
	if (codePoint < 0x80) {
		target[at++] = codePoint;
	} else if (codePoint < 0x800) {
		target[at++] = 0xc0 | (codePoint >> 6);
		target[at++] = 0x80 | (codePoint & 63);
	} else if (codePoint < 0x10000) {
		target[at++] = 0xe0 | (codePoint >> 12);
		target[at++] = 0x80 | ((codePoint >> 6) & 63);
		target[at++] = 0x80 | (codePoint & 63);
	} else {
		target[at++] = 0xf0 | (codePoint >> 18);
		target[at++] = 0x80 | ((codePoint >> 12) & 63);
		target[at++] = 0x80 | ((codePoint >> 6) & 63);
		target[at++] = 0x80 | (codePoint & 63);
	}
	return at;
}

/**
 * Writes the XML text bytes[start, end) as a JSON string in UTF-8 (its bytes are UTF-8 already),
 * decoding line ends and entities and escaping on the way, as decodeCellText then JSON.stringify
 * would; needs 6 bytes per byte of room. Returns where it ends, or -1 for what is left to them:
 * Excel's _xHHHH_ escapes, and entities that are no plain character.
 */
function writeXmlTextJson(
	bytes: Buffer,
	start: number,
	end: number,
	target: Buffer,
	at: number,
): number {
	target[at++] = DOUBLE_QUOTE;
	let plainFrom = start;
	for (let index = start; index < end; index++) {
		const code = bytes[index];
		if (
			code >= SPACE &&
			code !== DOUBLE_QUOTE &&
			code !== AMPERSAND &&
			code !== BACKSLASH &&
			code !== UNDERSCORE
		)
			continue;
		at = copyBytes(bytes, plainFrom, index, target, at);
		plainFrom = index + 1;
		if (code === UNDERSCORE) {
			if (bytes[index + 1] === LETTER_X) return -1;
			target[at++] = UNDERSCORE;
		} else if (code === AMPERSAND) {
			const entity = entityAt(bytes, index, end);
			if (entity < 0) {
				target[at++] = AMPERSAND;
				continue;
			}
			const codePoint = Math.floor(entity / 16);
			if (
				codePoint === UNDERSCORE ||
				(codePoint >= 0xd800 && codePoint <= 0xdfff) ||
				codePoint > 0x10ffff
			)
				return -1;
			at = writeJsonCodePoint(codePoint, target, at);
			index += (entity % 16) - 1;
			plainFrom = index + 1;
		} else if (code === CARRIAGE_RETURN) {
			// XML reads a CR, or CR LF, as LF.
			at = writeJsonCodePoint(LINE_FEED, target, at);
			if (bytes[index + 1] === LINE_FEED) plainFrom = ++index + 1;
		} else {
			at = writeJsonCodePoint(code, target, at);
		}
	}
	at = copyBytes(bytes, plainFrom, end, target, at);
	target[at++] = DOUBLE_QUOTE;
	return at;
}

// ---------------------------------------------------------------------------------------------
// Values

const enum CellType {
	Number,
	SharedString,
	String,
	InlineString,
	Boolean,
	Error,
	IsoDate,
}

/** The t attribute of a cell; unknown types are read as numbers, as ExcelJS did. */
function cellTypeOf(bytes: Buffer, start: number, end: number): CellType {
	const first = bytes[start];
	if (end - start === 1) {
		if (first === 115 /* s */) return CellType.SharedString;
		if (first === 98 /* b */) return CellType.Boolean;
		if (first === 101 /* e */) return CellType.Error;
		if (first === 100 /* d */) return CellType.IsoDate;
		return CellType.Number;
	}
	if (end - start === 3 && bytesAre(bytes, start, 'str')) return CellType.String;
	if (end - start === 9 && bytesAre(bytes, start, 'inlineStr')) return CellType.InlineString;
	return CellType.Number;
}

/**
 * Whether a number is already written as JSON.stringify writes the JS number parsed from it: up to
 * 15 significant digits (exact in a double), no exponent, no leading or trailing zero, at least 1e-6.
 */
function isCanonicalNumber(bytes: Buffer, start: number, end: number): boolean {
	let at = bytes[start] === MINUS ? start + 1 : start;
	const integerStart = at;
	while (at < end && bytes[at] >= DIGIT_0 && bytes[at] <= DIGIT_9) at++;
	const integerDigits = at - integerStart;
	if (integerDigits === 0 || (integerDigits > 1 && bytes[integerStart] === DIGIT_0)) return false;
	if (at === end)
		return (
			integerDigits <= 15 &&
			!(integerDigits === 1 && bytes[integerStart] === DIGIT_0 && integerStart > start)
		);
	if (bytes[at] !== DOT || at + 1 === end || bytes[end - 1] === DIGIT_0) return false;
	const fractionStart = ++at;
	while (at < end && bytes[at] >= DIGIT_0 && bytes[at] <= DIGIT_9) at++;
	if (at !== end) return false;
	if (bytes[integerStart] !== DIGIT_0) return integerDigits + end - fractionStart <= 15;
	// 0.000…: JS writes below 1e-6 with an exponent.
	let zeros = fractionStart;
	while (bytes[zeros] === DIGIT_0) zeros++;
	return zeros - fractionStart < 6 && end - zeros <= 15;
}

/** A number as JSON.stringify writes it ('null' for none). */
function numberJson(text: string): string {
	const value = parseFloat(text);
	return Number.isFinite(value) ? String(value) : 'null';
}

const MS_PER_DAY = 86_400_000;
/** Farthest instant a Date holds. */
const MAX_DATE_MS = 8.64e15;
/** The longest JSON of a date: "+275760-09-13T00:00:00.000Z" and its quotes. */
const DATE_JSON_LENGTH = 29;

/**
 * Excel serial dates written as the JSON of the ISO text ExcelJS gave (Date.toISOString), from a
 * cache of day texts: a Date and a string per cell cost more than the rest of the cell.
 */
class SerialDates {
	private readonly days = new Map<number, Buffer>();

	constructor(private readonly date1904: boolean) {}

	/**
	 * The UTC instant of a serial, NaN when a Date cannot hold it; ExcelJS's operations in its order, so
	 * the rounding lands on the same millisecond. Serial 25569 is 1970-01-01 because Excel counts a
	 * 29 February 1900; below 61 (January and February 1900) that is a day early, as in ExcelJS: there
	 * serials are mostly durations ([h]:mm).
	 */
	millisecondsOf(serial: number): number {
		const ms = Math.round((serial - 25569 + (this.date1904 ? 1462 : 0)) * 24 * 3600 * 1000);
		return Math.abs(ms) <= MAX_DATE_MS ? ms : NaN;
	}

	/** Writes the instant at `at`, needing DATE_JSON_LENGTH bytes; returns where it ends. */
	write(ms: number, target: Buffer, at: number): number {
		const day = Math.floor(ms / MS_PER_DAY);
		let dayText = this.days.get(day);
		if (dayText === undefined) {
			// '"YYYY-MM-DDT' (or '"+YYYYYY-MM-DDT'): the time part is always 13 characters.
			const iso = new Date(day * MS_PER_DAY).toISOString();
			dayText = Buffer.from(`"${iso.slice(0, iso.length - 13)}`);
			if (this.days.size >= 100_000) this.days.clear();
			this.days.set(day, dayText);
		}
		at = copyBytes(dayText, 0, dayText.length, target, at);
		let rest = ms - day * MS_PER_DAY;
		at = writeDigits(Math.floor(rest / 3_600_000), 2, target, at);
		rest %= 3_600_000;
		target[at++] = 58; // :
		at = writeDigits(Math.floor(rest / 60_000), 2, target, at);
		rest %= 60_000;
		target[at++] = 58; // :
		at = writeDigits(Math.floor(rest / 1000), 2, target, at);
		target[at++] = DOT;
		at = writeDigits(rest % 1000, 3, target, at);
		target[at++] = 90; // Z
		target[at++] = DOUBLE_QUOTE;
		return at;
	}
}

function writeDigits(value: number, count: number, target: Buffer, at: number): number {
	for (let index = count - 1; index >= 0; index--) {
		target[at + index] = DIGIT_0 + (value % 10);
		value = Math.floor(value / 10);
	}
	return at + count;
}

/** A t="d" cell: ISO 8601 text, taken as UTC when it carries no zone (as Excel writes it). */
function isoDateJson(text: string): string {
	const date = new Date(/T[^Z+-]*$/.test(text) ? `${text}Z` : text);
	return Number.isNaN(date.getTime()) ? JSON.stringify(text) : `"${date.toISOString()}"`;
}

/** Header cells made into unique, non-empty column names: blank → column_N, repeats → name_2. */
function headerNames(cells: Array<string | number | boolean | null>): string[] {
	const seen = new Map<string, number>();
	return cells.map((cell, index) => {
		const base =
			cell === null || String(cell).trim() === '' ? `column_${index + 1}` : String(cell).trim();
		const count = (seen.get(base.toLowerCase()) ?? 0) + 1;
		seen.set(base.toLowerCase(), count);
		return count === 1 ? base : `${base}_${count}`;
	});
}

/** Column index (0 for A) from a cell reference such as "AB12"; -1 without letters. */
function columnOfReference(bytes: Buffer, start: number, end: number): number {
	let column = 0;
	for (let at = start; at < end; at++) {
		const code = bytes[at];
		if (code < LETTER_A || code > LETTER_Z) break;
		column = column * 26 + code - LETTER_A + 1;
	}
	return column - 1;
}

function parseDigits(bytes: Buffer, start: number, end: number): number {
	let value = 0;
	for (let at = start; at < end; at++) {
		const code = bytes[at];
		if (code < DIGIT_0 || code > DIGIT_9) return at === start ? -1 : value;
		value = value * 10 + code - DIGIT_0;
	}
	return end > start ? value : -1;
}

// ---------------------------------------------------------------------------------------------
// The sheet

/** Written NDJSON is gathered in buffers of this size, and up to WRITE_QUEUE bytes of them wait for the disk. */
const OUT_BUFFER = 1 << 20;
const WRITE_QUEUE = 1 << 24;
const NULL_JSON = 'null';
const NO_BYTES = Buffer.alloc(0);

/**
 * Scans <sheetData> as bytes, chunk by chunk: rows, cells (<c r s t>), values (<v>, <is>), nothing
 * else. Each cell's JSON is written, as UTF-8, into a row buffer at once; most values are copied
 * from the sheet's bytes as they are (integers, text without anything to escape), others go through
 * a string. A row becomes one line. The first non-empty row is the header; empty rows are skipped;
 * values right of the header are dropped.
 */
class SheetToNdjson {
	rows = 0;
	columns: string[] = [];
	/**
	 * Per member of a row's JSON: ',"name":' ('{"name":' first), and that followed by null; and per
	 * header column, its member (-1 for none). Empty until the header is read.
	 */
	private keyPrefixes: Buffer[] = [];
	private nullMembers: Buffer[] = [];
	private nullMembersLength = 0;
	private memberOfColumn: number[] = [];
	private done = false;
	/** The chunk being scanned as latin1 text, a character per byte: strings cut from it cost far less than from the bytes. */
	private text = '';

	private inRow = false;
	private rowIsDate = false;
	private rowHasValue = false;
	/**
	 * The row's members (key prefix and JSON value; in the header row, values by column) in the order
	 * of the cells: member m's is [segmentStart[m], segmentEnd[m]) when segmentRow[m] is this row.
	 */
	private rowBytes: Buffer = Buffer.allocUnsafe(1 << 16);
	private rowLength = 0;
	private rowSerial = 0;
	private rowWidth = 0;
	private readonly segmentStart: number[] = [];
	private readonly segmentEnd: number[] = [];
	private readonly segmentRow: number[] = [];

	private nextColumn = 0;
	private cellColumn = 0;
	private cellMember = 0;
	private cellType = CellType.Number;
	private cellIsDate = false;

	private out: Buffer = Buffer.allocUnsafe(OUT_BUFFER);
	private outLength = 0;
	private readonly filled: Buffer[] = [];
	private readonly dates: SerialDates;

	constructor(
		private readonly sharedStrings: SharedStrings,
		private readonly dateStyles: boolean[],
		date1904: boolean,
	) {
		this.dates = new SerialDates(date1904);
	}

	async convert(sheet: Readable, outPath: string): Promise<void> {
		// A deep write queue, so that scanning goes on while the disk catches up.
		const out = createWriteStream(outPath, { highWaterMark: WRITE_QUEUE });
		const finished = once(out, 'finish');
		try {
			let carry = Buffer.alloc(0);
			for await (const chunk of sheet) {
				const bytes = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
				this.text = bytes.toString('latin1');
				carry = Buffer.from(bytes.subarray(this.scan(bytes)));
				await this.flush(out, false);
				if (this.done) break;
			}
			await this.flush(out, true);
		} finally {
			out.end();
			await finished;
		}
	}

	/** Writes the filled buffers (and, at the end, the one being filled), waiting when the file lags behind. */
	private async flush(out: NodeJS.WritableStream, last: boolean): Promise<void> {
		if (last && this.outLength) this.takeOut(0);
		for (const buffer of this.filled.splice(0)) {
			if (!out.write(buffer)) await once(out, 'drain');
		}
	}

	/** Hands the output buffer over to be written and starts a new one with room for `needed` bytes. */
	private takeOut(needed: number): void {
		this.filled.push(this.out.subarray(0, this.outLength));
		this.out = Buffer.allocUnsafe(Math.max(OUT_BUFFER, needed));
		this.outLength = 0;
	}

	/** Handles every complete construct in bytes; returns where the unfinished tail starts. */
	private scan(bytes: Buffer): number {
		const end = bytes.length;
		let at = 0;
		for (;;) {
			const open = indexOfByte(bytes, LT, at, end);
			if (open === -1) return end;
			const first = bytes[open + 1];
			const second = bytes[open + 2];
			if (
				first === 99 /* c */ &&
				(second === SPACE || second === GT || second === SLASH) &&
				this.inRow
			) {
				// The attributes are read on the way to the '>'.
				const close = this.openCell(bytes, open + 2, end);
				if (close === -1) return open;
				at = close + 1;
				// Most cells are <c …><v>…</v></c>: read them here rather than tag by tag. Values hold no '<'.
				if (
					bytes[close - 1] !== SLASH &&
					bytes[close + 1] === LT &&
					bytes[close + 2] === 118 /* v */ &&
					bytes[close + 3] === GT
				) {
					const valueEnd = valueEndOf(bytes, close + 4, end);
					// The cell is open: the rest of it is read from its <v> on.
					if (valueEnd === -1 || valueEnd + 4 > end) return close + 1;
					this.cellValue(bytes, close + 4, valueEnd);
					at = valueEnd + 4;
					if (bytesAre(bytes, at, '</c>')) at += 4;
				}
				continue;
			}
			const close = indexOfByte(bytes, GT, open, end);
			if (close === -1) return open;
			at = close + 1;
			if (first === 118 /* v */ && close === open + 2) {
				const valueEnd = valueEndOf(bytes, close + 1, end);
				if (valueEnd === -1 || valueEnd + 4 > end) return open;
				if (this.inRow) this.cellValue(bytes, close + 1, valueEnd);
				at = valueEnd + 4;
			} else if (first === 105 /* i */ && second === 115 /* s */ && close === open + 3) {
				const inlineEnd = bytes.indexOf('</is>', close);
				if (inlineEnd === -1) return open;
				if (this.inRow)
					this.storeJson(
						JSON.stringify(stringItemText(utf8(this.text.slice(close + 1, inlineEnd)))),
					);
				at = inlineEnd + 5;
			} else if (
				first === 114 /* r */ &&
				bytesAre(bytes, open + 1, 'row') &&
				(isSpace(bytes[open + 4]) || close === open + 4)
			) {
				// <row/> holds no cells.
				if (bytes[close - 1] !== SLASH) this.openRow(open + 4, close);
			} else if (first === SLASH && close === open + 5 && bytesAre(bytes, open + 2, 'row')) {
				this.closeRow();
			} else if (first === SLASH && bytesAre(bytes, open + 2, 'sheetData')) {
				this.done = true;
				return end;
			}
		}
	}

	private openRow(from: number, to: number): void {
		this.inRow = true;
		this.rowHasValue = false;
		this.nextColumn = 0;
		this.rowSerial++;
		this.rowLength = 0;
		this.rowWidth = 0;
		const style = Number(/\ss\s*=\s*["'](\d+)["']/.exec(this.text.slice(from, to))?.[1] ?? -1);
		// ExcelJS gave cells without a style of their own the row's style.
		this.rowIsDate = style >= 0 && style < this.dateStyles.length && this.dateStyles[style];
	}

	/**
	 * Reads the attributes of a <c> tag from `from` (after "<c") and opens the cell; returns where its
	 * '>' is, or -1 (opening nothing) when the tag goes on past `end`.
	 */
	private openCell(bytes: Buffer, from: number, end: number): number {
		let column = -1;
		let style = -1;
		let type = CellType.Number;
		let at = from;
		for (;;) {
			if (at >= end) return -1;
			const code = bytes[at];
			if (code === GT) break;
			if (code === SLASH || isSpace(code)) {
				at++;
				continue;
			}
			// The usual spelling, r="…", s="…" or t="…", is read without looking for where the name ends.
			if (bytes[at + 1] === EQUALS && bytes[at + 2] === DOUBLE_QUOTE) {
				const valueEnd = indexOfByte(bytes, DOUBLE_QUOTE, at + 3, end);
				if (valueEnd === -1) return -1;
				if (code === 114 /* r */) column = columnOfReference(bytes, at + 3, valueEnd);
				else if (code === 115 /* s */) style = parseDigits(bytes, at + 3, valueEnd);
				else if (code === 116 /* t */) type = cellTypeOf(bytes, at + 3, valueEnd);
				at = valueEnd + 1;
				continue;
			}
			let nameEnd = at + 1;
			while (nameEnd < end && bytes[nameEnd] !== EQUALS && !isSpace(bytes[nameEnd])) nameEnd++;
			let valueStart = nameEnd;
			while (valueStart < end && (isSpace(bytes[valueStart]) || bytes[valueStart] === EQUALS))
				valueStart++;
			const quote = bytes[valueStart++];
			if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
				// Not XML: the tag ends at its '>'.
				at = indexOfByte(bytes, GT, at, end);
				if (at === -1) return -1;
				break;
			}
			const valueEnd = indexOfByte(bytes, quote, valueStart, end);
			if (valueEnd === -1) return -1;
			if (nameEnd - at === 1) {
				if (code === 114 /* r */) column = columnOfReference(bytes, valueStart, valueEnd);
				else if (code === 115 /* s */) style = parseDigits(bytes, valueStart, valueEnd);
				else if (code === 116 /* t */) type = cellTypeOf(bytes, valueStart, valueEnd);
			}
			at = valueEnd + 1;
		}
		// Without r, a cell is the one after the previous cell.
		this.cellColumn = column >= 0 ? column : this.nextColumn;
		this.nextColumn = this.cellColumn + 1;
		this.cellType = type;
		// As ExcelJS: style 0 or an unknown style leaves the row's style.
		this.cellIsDate =
			style > 0 && style < this.dateStyles.length ? this.dateStyles[style] : this.rowIsDate;
		return at;
	}

	/** Stores the JSON of the value bytes[start, end) of the open cell. */
	private cellValue(bytes: Buffer, start: number, end: number): void {
		switch (this.cellType) {
			case CellType.SharedString: {
				const index = parseDigits(bytes, start, end);
				const length = this.sharedStrings.byteLength(index);
				if (!length) return;
				const at = this.startValue(length, true);
				if (at >= 0) this.endValue(this.sharedStrings.copy(index, this.rowBytes, at));
				return;
			}
			case CellType.String:
			case CellType.InlineString:
				this.storeText(bytes, start, end);
				return;
			case CellType.Boolean: {
				const text = this.text.slice(start, end);
				this.storeJson(parseInt(text, 10) !== 0 ? 'true' : 'false');
				return;
			}
			case CellType.Error:
				return;
			case CellType.IsoDate:
				this.storeJson(isoDateJson(this.text.slice(start, end)));
				return;
			default:
				if (this.cellIsDate) this.storeDate(parseFloat(this.text.slice(start, end)));
				else if (isCanonicalNumber(bytes, start, end)) {
					const at = this.startValue(end - start, true);
					if (at >= 0) this.endValue(copyBytes(bytes, start, end, this.rowBytes, at));
				} else this.storeJson(numberJson(this.text.slice(start, end)));
		}
	}

	private storeDate(serial: number): void {
		const ms = this.dates.millisecondsOf(serial);
		if (Number.isNaN(ms)) return this.storeJson(numberJson(String(serial)));
		const at = this.startValue(DATE_JSON_LENGTH, true);
		if (at >= 0) this.endValue(this.dates.write(ms, this.rowBytes, at));
	}

	/** Text from the sheet, written as JSON from its bytes; through strings only for what writeXmlTextJson leaves. */
	private storeText(bytes: Buffer, start: number, end: number): void {
		const at = this.startValue((end - start) * 6 + 2, end > start);
		if (at < 0) return;
		const written = writeXmlTextJson(bytes, start, end, this.rowBytes, at);
		if (written >= 0) this.endValue(written);
		else this.storeJson(JSON.stringify(decodeCellText(utf8(this.text.slice(start, end)))));
	}

	private storeJson(json: string): void {
		if (json === NULL_JSON) return;
		const at = this.startValue(json.length * 3, json !== '""');
		if (at >= 0) this.endValue(at + this.rowBytes.write(json, at));
	}

	/**
	 * Opens the open cell's member in the row buffer, with room for a value of `length` bytes, and
	 * writes its key; returns where to write the value, or -1 when the cell is no member (right of the
	 * header; there it only makes its row non-empty). An empty string is kept but, as null is, does
	 * not make its row non-empty.
	 */
	private startValue(length: number, nonEmpty: boolean): number {
		if (nonEmpty) this.rowHasValue = true;
		const column = this.cellColumn;
		const prefixes = this.keyPrefixes;
		const member = prefixes.length
			? column < this.memberOfColumn.length
				? this.memberOfColumn[column]
				: -1
			: column;
		if (member < 0) return -1;
		const prefix = prefixes.length ? prefixes[member] : NO_BYTES;
		this.rowBytes = ensureRoom(this.rowBytes, this.rowLength, prefix.length + length);
		this.cellMember = member;
		this.segmentStart[member] = this.rowLength;
		this.segmentRow[member] = this.rowSerial;
		if (member >= this.rowWidth) this.rowWidth = member + 1;
		return copyBytes(prefix, 0, prefix.length, this.rowBytes, this.rowLength);
	}

	private endValue(end: number): void {
		this.segmentEnd[this.cellMember] = end;
		this.rowLength = end;
	}

	private closeRow(): void {
		this.inRow = false;
		if (!this.rowHasValue) return;
		if (this.keyPrefixes.length) this.writeRow();
		else this.takeHeader();
	}

	private takeHeader(): void {
		const cells: Array<string | number | boolean | null> = [];
		for (let column = 0; column < this.rowWidth; column++) {
			const json =
				this.segmentRow[column] === this.rowSerial
					? this.rowBytes.toString('utf8', this.segmentStart[column], this.segmentEnd[column])
					: NULL_JSON;
			cells.push(JSON.parse(json) as string | number | boolean | null);
		}
		while (cells.length && (cells[cells.length - 1] === null || cells[cells.length - 1] === ''))
			cells.pop();
		this.columns = headerNames(cells);
		// As in the ExcelJS reader's row objects, a name given twice (headerNames makes 'a', 'a_2', 'a_2' of
		// 'a', 'a', 'a_2') is one member, at its first place, holding its last column's value.
		const names = [...new Set(this.columns)];
		const lastColumnOf = new Map(this.columns.map((name, column) => [name, column]));
		this.memberOfColumn = this.columns.map((name, column) =>
			lastColumnOf.get(name) === column ? names.indexOf(name) : -1,
		);
		const prefixes = names.map((name, member) => (member ? ',' : '{') + JSON.stringify(name) + ':');
		this.keyPrefixes = prefixes.map((prefix) => Buffer.from(prefix));
		this.nullMembers = prefixes.map((prefix) => Buffer.from(prefix + NULL_JSON));
		this.nullMembersLength = this.nullMembers.reduce((total, member) => total + member.length, 0);
	}

	/** The row's members in order: cells come in that order, so most of a row is copied in one go. */
	private writeRow(): void {
		const width = this.keyPrefixes.length;
		const longest = this.rowLength + this.nullMembersLength + 2;
		if (this.outLength + longest > this.out.length) this.takeOut(longest);
		const { out, rowBytes, segmentStart, segmentEnd, segmentRow, rowSerial } = this;
		let at = this.outLength;
		let member = 0;
		while (member < width) {
			if (segmentRow[member] !== rowSerial) {
				const nullMember = this.nullMembers[member++];
				at = copyBytes(nullMember, 0, nullMember.length, out, at);
				continue;
			}
			const runStart = segmentStart[member];
			let runEnd = segmentEnd[member++];
			while (member < width && segmentRow[member] === rowSerial && segmentStart[member] === runEnd)
				runEnd = segmentEnd[member++];
			at = copyBytes(rowBytes, runStart, runEnd, out, at);
		}
		out[at++] = 125; // }
		out[at++] = LINE_FEED;
		this.outLength = at;
		this.rows++;
	}
}
