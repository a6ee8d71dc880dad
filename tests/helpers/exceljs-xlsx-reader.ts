/**
 * The ExcelJS-based xlsx reader the loader used before nodes/shared/xlsx/read.ts, kept unchanged
 * as the reference the new reader
 * is compared with in tests/xlsx-reader.test.ts and scripts/xlsx-read-speed.ts.
 */
import ExcelJS from 'exceljs';
import { NdjsonWriter } from '../../nodes/shared/table/formats/ndjson';
import type { XlsxProblem, XlsxReadResult } from '../../nodes/shared/xlsx/read';

export type { XlsxProblem, XlsxReadResult };

/** Excel cell objects (rich text, formulas, hyperlinks, errors) reduced to the value a user sees. */
function cellValue(value: ExcelJS.CellValue): string | number | boolean | null {
	if (value === null || value === undefined) return null;
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'number' || typeof value === 'boolean') return value;
	if (typeof value === 'string') return value;
	if (typeof value === 'object') {
		if ('richText' in value) return value.richText.map((part) => part.text).join('');
		if ('result' in value) return cellValue((value.result ?? null) as ExcelJS.CellValue);
		if ('text' in value && typeof value.text === 'string') return value.text;
		if ('error' in value) return null;
	}
	return String(value);
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

/**
 * Streams one worksheet into newline-delimited JSON for DuckDB to type. The first
 * non-empty row is the header; fully empty rows and columns without header or data are dropped.
 */
export async function xlsxToNdjson(
	path: string,
	wantedSheet: string,
	outPath: string,
): Promise<XlsxReadResult | XlsxProblem> {
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
		sharedStrings: 'cache',
		styles: 'cache',
		hyperlinks: 'ignore',
		worksheets: 'emit',
		entries: 'ignore',
	});
	const writer = new NdjsonWriter(outPath);
	const seenSheets: string[] = [];
	let result: XlsxReadResult | undefined;
	try {
		for await (const worksheet of reader) {
			const name = (worksheet as unknown as { name: string }).name;
			seenSheets.push(name);
			if (wantedSheet && name !== wantedSheet) continue;
			let header: string[] | undefined;
			let width = 0;
			for await (const row of worksheet) {
				const raw = (row as ExcelJS.Row).values as ExcelJS.CellValue[];
				const cells: Array<string | number | boolean | null> = [];
				for (let i = 1; i < raw.length; i++) cells.push(cellValue(raw[i]));
				if (cells.every((cell) => cell === null || cell === '')) continue;
				if (!header) {
					while (
						cells.length &&
						(cells[cells.length - 1] === null || cells[cells.length - 1] === '')
					)
						cells.pop();
					header = headerNames(cells);
					width = header.length;
					continue;
				}
				const record: Record<string, string | number | boolean | null> = {};
				for (let i = 0; i < width; i++) record[header[i]] = cells[i] ?? null;
				await writer.write(record);
			}
			result = { sheet: name, sheets: seenSheets, rows: writer.rows, columns: header ?? [] };
			break;
		}
	} catch (error) {
		await writer.close().catch(() => undefined);
		return {
			problem: `the file is not a readable .xlsx workbook (${(error as Error).message})`,
			hint: 'Check that the file is an Excel .xlsx export that is not password-protected or truncated; save it again from Excel if needed.',
		};
	}
	await writer.close();
	if (!result) {
		return {
			problem: seenSheets.length
				? `sheet "${wantedSheet}" was not found in the workbook`
				: 'the workbook has no worksheet',
			hint: seenSheets.length
				? `Sheets found: ${seenSheets.join(', ')}. Set "Sheet Name" to one of them, or leave it empty for the first sheet.`
				: 'Export the data again with at least one sheet.',
		};
	}
	if (result.columns.length === 0)
		return {
			problem: `sheet "${result.sheet}" is empty`,
			hint: 'The first non-empty row must hold the column names.',
		};
	return result;
}
