import type { INodeProperties } from 'n8n-workflow';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { quoteIdentifier, quoteLiteral } from '../../sql';
import { isNumeric, isText } from '../columns';
import { INSERTION_ORDER } from '../types';
import { typedBySample } from './types';
import type { TableFileFormat } from './types';

export interface CsvOptions {
	delimiter: string; // '' = detect
	encoding: 'auto' | 'utf-8' | 'latin-1';
	decimalSeparator: 'auto' | '.' | ',';
}

export interface CsvDialect {
	encoding: 'utf-8' | 'latin-1';
	delimiter: string;
	decimalSeparator: '.' | ',';
	/** The file starts with a UTF-8 byte-order mark. */
	bom: boolean;
	/** Line end as read_csv's new_line wants it: the two-character escape, not the character. */
	newLine: '\\n' | '\\r\\n' | '\\r';
}

const SAMPLE_BYTES = 1 << 20;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function readSample(path: string): Promise<Buffer> {
	const handle = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(SAMPLE_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}

function isUtf8(sample: Buffer): boolean {
	// A multi-byte character may be cut at the end of the sample: ignore the last 3 bytes.
	const body = sample.length >= SAMPLE_BYTES ? sample.subarray(0, sample.length - 3) : sample;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(body);
		return true;
	} catch {
		return false;
	}
}

/** The delimiter that splits the first lines into the same, largest number of fields. */
function detectDelimiter(text: string): string {
	// Quoted text first: a quoted field may hold line breaks and delimiters of its own.
	const lines = text
		.replace(/"(?:[^"]|"")*"/g, '""')
		.split(/\r?\n/)
		.filter((line) => line.trim() !== '')
		.slice(0, 20);
	let best = ',';
	let bestScore = 0;
	for (const candidate of [',', ';', '\t', '|']) {
		const counts = lines.map((line) => line.split(candidate).length - 1);
		if (!counts.length || counts[0] === 0) continue;
		const consistent = counts.filter((count) => count === counts[0]).length;
		const score = consistent * 1000 + counts[0];
		if (score > bestScore) {
			best = candidate;
			bestScore = score;
		}
	}
	return best;
}

/** The line end outside quoted fields (a quoted field may hold other line breaks). */
function detectNewLine(text: string): CsvDialect['newLine'] {
	const end = /\r\n|\r|\n/.exec(text.replace(/"(?:[^"]|"")*"/g, '""'))?.[0];
	return end === '\r\n' ? '\\r\\n' : end === '\r' ? '\\r' : '\\n';
}

/** Decimal commas only make sense when the comma is not the delimiter and numbers like 24,2 appear. */
function detectDecimalSeparator(text: string, delimiter: string): '.' | ',' {
	if (delimiter === ',') return '.';
	const d = delimiter.replace(/[|\\]/g, '\\$&');
	const field = (sep: string) => new RegExp(`(^|${d})"?-?\\d+${sep}\\d+"?(?=${d}|\\r?$)`, 'gm');
	const commas = text.match(field(','))?.length ?? 0;
	const points = text.match(field('\\.'))?.length ?? 0;
	return commas > points ? ',' : '.';
}

export async function detectCsvDialect(path: string, options: CsvOptions): Promise<CsvDialect> {
	const sample = await readSample(path);
	const encoding =
		options.encoding === 'auto' ? (isUtf8(sample) ? 'utf-8' : 'latin-1') : options.encoding;
	const text = sample.toString(encoding === 'utf-8' ? 'utf8' : 'latin1').replace(/^\uFEFF/, '');
	const delimiter = options.delimiter || detectDelimiter(text);
	const decimalSeparator =
		options.decimalSeparator === 'auto'
			? detectDecimalSeparator(text, delimiter)
			: options.decimalSeparator;
	const bom = sample.subarray(0, UTF8_BOM.length).equals(UTF8_BOM);
	return { encoding, delimiter, decimalSeparator, bom, newLine: detectNewLine(text) };
}

/** read_csv call for a detected dialect. Paths and dialect values are ours or single characters, quoted as literals. */
export function readCsvSql(path: string, dialect: CsvDialect, sampleRows: number): string {
	return (
		`read_csv(${quoteLiteral(path)}, header = true, delim = ${quoteLiteral(dialect.delimiter)}, ` +
		`decimal_separator = ${quoteLiteral(dialect.decimalSeparator)}, encoding = ${quoteLiteral(dialect.encoding)}, ` +
		// RFC 4180 quoting and no comment lines, never sniffed: DuckDB guessed ' as a quote (stripping
		// it from 'x') and # as a comment (silently dropping rows), and failed on quoted CRLF files.
		`quote = '"', escape = '"', comment = '', new_line = ${quoteLiteral(dialect.newLine)}, sample_size = ${sampleRows})`
	);
}

const csvOptions: INodeProperties[] = [
	{
		displayName: 'CSV Delimiter',
		name: 'delimiter',
		type: 'string',
		default: '',
		placeholder: ';',
		description: 'Leave empty to detect it (French exports often use ;)',
	},
	{
		displayName: 'CSV Encoding',
		name: 'encoding',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'Auto-Detect', value: 'auto' },
			{ name: 'UTF-8', value: 'utf-8' },
			{ name: 'Latin-1 (Windows Western Europe)', value: 'latin-1' },
		],
	},
	{
		displayName: 'CSV Decimal Separator',
		name: 'decimalSeparator',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'Auto-Detect', value: 'auto' },
			{ name: 'Point (24.5)', value: '.' },
			{ name: 'Comma (24,5)', value: ',' },
		],
	},
];

export type CsvStyle = 'standard' | 'french';

/**
 * A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection",
 * CWE-1236); a leading single quote makes it show the text instead.
 */
const FORMULA_FIRST_CHARACTERS = ['=', '+', '-', '@', '\t', '\r'];

/** The column's text cells, quote-prefixed in SQL when a spreadsheet could run them. */
function formulaSafeSql(name: string): string {
	const starts = FORMULA_FIRST_CHARACTERS.map(quoteLiteral).join(', ');
	return `CASE WHEN left(${name}, 1) IN (${starts}) THEN '''' || ${name} ELSE ${name} END`;
}

/** The header row holds column names, which come from user files too. */
function formulaSafeHeader(name: string): string {
	return FORMULA_FIRST_CHARACTERS.includes(name.charAt(0)) ? `'${name}` : name;
}

export const csv: TableFileFormat = {
	value: 'csv',
	name: 'CSV',
	extensions: ['csv', 'txt', 'tsv'],
	mimeTypes: ['text/csv', 'text/tab-separated-values'],
	options: csvOptions,
	async read({ path, options, scratchPath }) {
		const dialect = await detectCsvDialect(path, {
			delimiter: String(options.delimiter ?? ''),
			encoding: (options.encoding as CsvOptions['encoding']) ?? 'auto',
			decimalSeparator: (options.decimalSeparator as CsvOptions['decimalSeparator']) ?? 'auto',
		});
		// DuckDB 1.5.6 misreads a quoted first header holding a line break right after a byte-order
		// mark ("line\nbreak" became 'break"'; found by tests/fuzz): such files are read without it.
		let readPath = path;
		if (dialect.bom) {
			readPath = scratchPath('without-bom.csv');
			await pipeline(
				createReadStream(path, { start: UTF8_BOM.length }),
				createWriteStream(readPath),
			);
		}
		return typedBySample((sampleRows) => readCsvSql(readPath, dialect, sampleRows));
	},
	/**
	 * French Excel wants ';' and decimal commas; DuckDB cannot write a decimal comma itself, so
	 * numeric columns are formatted in SQL. Unless `formulaSafe` is false, text cells and headers
	 * a spreadsheet would run as formulas get a leading quote; numbers are never changed.
	 */
	async write({ session, relation, orderBy, columns, path, options }) {
		const french = (options.style as CsvStyle) === 'french';
		const formulaSafe = options.formulaSafe !== false;
		// Always sorted: with the formula guard in the projection, DuckDB 1.5.6's CSV writer let a
		// scan's 12,288-row chunks out of order (tests/table-contract.test.ts, 300k rows).
		const projection = columns
			.map((column) => {
				const name = quoteIdentifier(column.name);
				const header = quoteIdentifier(formulaSafe ? formulaSafeHeader(column.name) : column.name);
				if (french && isNumeric(column))
					return `replace(CAST(${name} AS VARCHAR), '.', ',') AS ${header}`;
				if (formulaSafe && isText(column)) return `${formulaSafeSql(name)} AS ${header}`;
				return `${name} AS ${header}`;
			})
			.join(', ');
		// Excel reads a UTF-8 file without the byte order mark as the system's code page ("ChÃ¢teau").
		const bom = options.bom === true;
		const target = bom ? `${path}.body` : path;
		await session.run(
			`COPY (SELECT ${projection} FROM ${relation} ORDER BY ${orderBy ?? INSERTION_ORDER}) TO ${quoteLiteral(target)} (HEADER, DELIMITER ${quoteLiteral(french ? ';' : ',')})`,
		);
		if (bom) {
			const output = createWriteStream(path);
			output.write(UTF8_BOM);
			await pipeline(createReadStream(target), output);
			await rm(target);
		}
	},
};
