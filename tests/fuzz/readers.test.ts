/**
 * Property-based fuzzing of the CSV and xlsx readers through the real loader: Clean Table with no
 * steps on a generated file. Every case ends in the table the file holds (every row, the header
 * names after the renaming rules, the values) or a NodeOperationError naming the file; never a
 * crash, a hang, an open connection or a scratch folder left behind (harness.ts).
 */
import {
	PRIVATE_TMP,
	ALL_ROWS,
	assertNodeError,
	assertSucceeded,
	fuzz,
	guarded,
	rawError,
	summaryOf,
} from './harness';
import type { TableSummary } from './harness';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { runNode } from '../helpers/small';
import type { WorkflowResult } from '../helpers/engine';
import {
	applyDamage,
	cellValue,
	csvDialect,
	damage,
	duckdbCsvNames,
	sheetTable,
	tableFor,
	textTable,
	writeCsv,
	writeWorkbook,
	xlsxNames,
} from './arbitraries';
import type { CsvDialect, SheetCell, SheetTable, TextTable } from './arbitraries';

const dir = join(PRIVATE_TMP, 'files');
mkdirSync(dir, { recursive: true });

const FILE_NAMES = ['export', 'ventes été', "web's export", 'erp (1)', 'données'];
let fileCounter = 0;

/** Writes the bytes under a fresh name, loads them with Clean Table (no steps), removes the file. */
async function loadBytes(
	bytes: Buffer,
	extension: string,
	parameters: IDataObject = {},
): Promise<{ result: WorkflowResult; fileName: string }> {
	const fileName = `${FILE_NAMES[fileCounter % FILE_NAMES.length]}-${++fileCounter}.${extension}`;
	const path = join(dir, fileName);
	writeFileSync(path, bytes);
	try {
		const result = await guarded(fileName, () =>
			runNode('cleanTable', { steps: { step: [] }, ...ALL_ROWS, ...parameters }, [
				{ files: [{ path, fileName }] },
			]),
		);
		return { result, fileName };
	} finally {
		rmSync(path, { force: true });
	}
}

function isUtf8(bytes: Buffer): boolean {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/** Whatever a damaged file gave, a table that is read is a consistent one. */
function assertConsistent(summary: TableSummary): void {
	assert.equal(summary.preview.length, summary.rowCount, 'every row is in the preview');
	assert.equal(summary.statistics.rowsIn, summary.rowCount);
	const names = summary.columns.map((column) => column.name);
	assert.ok(names.length > 0, 'a table has columns');
	assert.equal(
		new Set(names.map((name) => name.toLowerCase())).size,
		names.length,
		`column names are unique: ${JSON.stringify(names)}`,
	);
	// (As a set: a JS object lists a key such as "0" first.)
	for (const row of summary.preview) assert.deepEqual(new Set(Object.keys(row)), new Set(names));
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvCase {
	table: TextTable;
	dialect: CsvDialect;
	/** Let the loader detect delimiter and encoding, as by default. */
	detect: boolean;
}

const csvCase: fc.Arbitrary<CsvCase> = fc
	.record({ table: textTable, dialect: csvDialect, detect: fc.boolean() })
	.map((c) => ({
		...c,
		// Detection reads lines: it can only be asked to find a delimiter that no unquoted text imitates.
		dialect: c.detect
			? { ...c.dialect, quoting: c.dialect.quoting === 'minimal' ? 'specials' : c.dialect.quoting }
			: c.dialect,
	}));

async function checkWellFormedCsv({ table: raw, dialect, detect }: CsvCase): Promise<void> {
	const table = tableFor(raw, dialect);
	const bytes = writeCsv(table, dialect);
	// A latin-1 file that is also valid UTF-8 is read as UTF-8 by design: nothing to check there.
	fc.pre(
		!(
			detect &&
			dialect.encoding === 'latin-1' &&
			isUtf8(bytes) &&
			/[^\x00-\x7f]/.test(latin1Text(bytes))
		),
	);
	const options = detect
		? {}
		: { fileOptions: { delimiter: dialect.delimiter, encoding: dialect.encoding } };
	const { result } = await loadBytes(bytes, 'csv', options);
	assertSucceeded(result);
	const summary = summaryOf(result);
	assert.equal(summary.rowCount, table.rows.length, 'every row is kept');
	const names = duckdbCsvNames(table.headers);
	assert.deepEqual(
		summary.columns.map((column) => column.name),
		names,
		'header names, in order, after DuckDB renaming',
	);
	summary.columns.forEach((column, index) => {
		if (column.type !== 'VARCHAR') return;
		table.rows.forEach((row, rowIndex) => {
			const value = summary.preview[rowIndex][column.name];
			const expected = row[index];
			// An empty field is an empty value; quoted or not, DuckDB may read it as null.
			if (expected === '')
				assert.ok(
					value === null || value === '',
					`row ${rowIndex + 1}, ${column.name}: ${JSON.stringify(value)}`,
				);
			else
				assert.equal(value, expected, `row ${rowIndex + 1}, column ${JSON.stringify(column.name)}`);
		});
	});
}

function latin1Text(bytes: Buffer): string {
	return bytes.toString('latin1');
}

async function checkDamagedCsv({
	base,
	how,
	detect,
}: {
	base: CsvCase;
	how: Parameters<typeof applyDamage>[1];
	detect: boolean;
}): Promise<void> {
	const table = tableFor(base.table, base.dialect);
	const bytes = applyDamage(writeCsv(table, base.dialect), how);
	const options = detect
		? {}
		: { fileOptions: { delimiter: base.dialect.delimiter, encoding: base.dialect.encoding } };
	const { result, fileName } = await loadBytes(bytes, 'csv', options);
	if (rawError(result)) assertNodeError(result, [fileName]);
	else assertConsistent(summaryOf(result));
}

// ---------------------------------------------------------------------------------------------
// xlsx

/** A cell as the reader writes it into the header: the text a name is made from, or null. */
function headerText(cell: SheetCell | string | number | null): string | null {
	const value =
		typeof cell === 'object' && cell !== null && !(cell instanceof Date)
			? cellValue(cell)
			: cell === ''
				? null
				: cell;
	if (value === null) return null;
	// XML reads a CR LF or a CR as LF.
	return value instanceof Date ? value.toISOString() : String(value).replace(/\r\n?/g, '\n');
}

const hasValue = (row: Array<SheetCell | string | number | null>) =>
	row.some((cell) => headerText(cell) !== null);

async function checkWellFormedXlsx(table: SheetTable): Promise<void> {
	const { result, fileName } = await loadBytes(await writeWorkbook(table), 'xlsx');
	// The first row with a value is the header; rows without one are skipped.
	const all: Array<Array<SheetCell | string | number | null>> = [table.headers, ...table.rows];
	const headerAt = all.findIndex(hasValue);
	if (headerAt === -1) {
		assertNodeError(result, [fileName]);
		assert.match(rawError(result)!.message ?? '', /is empty/);
		return;
	}
	assertSucceeded(result);
	const summary = summaryOf(result);
	const header = all[headerAt].map(headerText);
	const names = xlsxNames(header);
	const rows = all.slice(headerAt + 1).filter(hasValue);
	assert.deepEqual(
		summary.columns.map((column) => column.name),
		names,
		'header names, in order, after the reader renaming',
	);
	assert.equal(summary.rowCount, rows.length, 'every row with a value is kept');
	// Values: where no name was made twice (then one column holds the last one's values).
	if (names.length !== xlsxNamesCount(header)) return;
	summary.columns.forEach((column, index) => {
		rows.forEach((row, rowIndex) => {
			const expected = cellValue(row[index] as SheetCell);
			const value = summary.preview[rowIndex][column.name];
			const where = `row ${rowIndex + 1}, column ${JSON.stringify(column.name)} (${column.type})`;
			if (expected === null) assert.equal(value, null, where);
			// XML reads a CR LF or a CR as LF.
			else if (typeof expected === 'string' && column.type === 'VARCHAR')
				assert.equal(value, expected.replace(/\r\n?/g, '\n'), where);
			else if (typeof expected === 'number' && /INT|DOUBLE|DECIMAL/.test(column.type)) {
				assert.ok(
					Math.abs((value as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
					`${where}: ${String(value)} ≠ ${expected}`,
				);
			} else if (typeof expected === 'boolean' && column.type === 'BOOLEAN')
				assert.equal(value, expected, where);
			else if (expected instanceof Date && column.type.startsWith('TIMESTAMP'))
				assert.equal(Date.parse(value as string), expected.getTime(), where);
		});
	});
}

/** How many header cells the names come from (trailing blank ones dropped). */
function xlsxNamesCount(header: Array<string | null>): number {
	let count = header.length;
	while (count && header[count - 1] === null) count--;
	return count;
}

async function checkDamagedXlsx({
	table,
	how,
}: {
	table: SheetTable;
	how: Parameters<typeof applyDamage>[1];
}): Promise<void> {
	const bytes = applyDamage(await writeWorkbook(table), how);
	const { result, fileName } = await loadBytes(bytes, 'xlsx');
	if (rawError(result)) assertNodeError(result, [fileName]);
	else assertConsistent(summaryOf(result));
}

// ---------------------------------------------------------------------------------------------

const csvText = (
	text: string,
	options: IDataObject = { fileOptions: { delimiter: ',', encoding: 'utf-8' } },
) => loadBytes(Buffer.from(text), 'csv', options);

describe("fuzz regressions: CSV files DuckDB's dialect sniffing misread before csv.ts fixed quote, comment and line end", () => {
	test('a CRLF file with a line break inside a quoted field is read', async () => {
		const { result } = await csvText('"line\nbreak",b\r\n1,2\r\n');
		assertSucceeded(result);
		assert.deepEqual(summaryOf(result).preview, [{ 'line\nbreak': 1, b: 2 }]);
	});

	test('a row whose first field starts with # is kept', async () => {
		const { result } = await csvText('a,b\n#1,2\n3,4\n');
		assertSucceeded(result);
		assert.equal(summaryOf(result).rowCount, 2);
	});

	test('after a UTF-8 byte-order mark, a quoted first header is unquoted', async () => {
		const { result } = await loadBytes(Buffer.from('\uFEFF"""from""",b\n1,2\n'), 'csv', {
			fileOptions: { delimiter: ',', encoding: 'utf-8' },
		});
		assertSucceeded(result);
		assert.deepEqual(
			summaryOf(result).columns.map((column) => column.name),
			['"from"', 'b'],
		);
	});

	test('a detected delimiter is found when a header holds a quoted line break (FUZZ_RUNS=300, seed 20261129)', async () => {
		const { result } = await loadBytes(Buffer.from('"line\nbreak"\ta\tb\n1\t2\t3\n'), 'csv', {});
		assertSucceeded(result);
		assert.deepEqual(
			summaryOf(result).columns.map((column) => column.name),
			['line\nbreak', 'a', 'b'],
		);
	});

	test('a value written in single quotes keeps them', async () => {
		const { result } = await csvText("a,b\n'x',it's\n");
		assertSucceeded(result);
		assert.deepEqual(summaryOf(result).preview, [{ a: "'x'", b: "it's" }]);
	});
});

describe('fuzz: the CSV and xlsx readers through the loader', () => {
	test('a well-formed CSV in any dialect keeps every row, its header names in order and its text', async (t) => {
		await fuzz(t, csvCase, checkWellFormedCsv, { runs: 200, seed: 20261129 });
	});

	test('a damaged CSV (cut short, bytes overwritten or inserted, random bytes) is read consistently or refused naming the file', async (t) => {
		await fuzz(
			t,
			fc.record({ base: csvCase, how: damage, detect: fc.boolean() }),
			checkDamagedCsv,
			{ runs: 200, seed: 1129 },
		);
	});

	test('a well-formed workbook keeps every row with a value, its header names in order and its values', async (t) => {
		await fuzz(t, sheetTable, checkWellFormedXlsx, { runs: 200, seed: 4242 });
	});

	test('a damaged workbook is read consistently or refused naming the file', async (t) => {
		await fuzz(t, fc.record({ table: sheetTable, how: damage }), checkDamagedXlsx, {
			runs: 200,
			seed: 777,
		});
	});
});
