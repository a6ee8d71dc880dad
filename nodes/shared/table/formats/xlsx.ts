import { quoteIdentifier } from '../../sql';
import { readXlsxSheet } from '../../xlsx/read';
import { writeTableWorkbook } from '../../xlsx/write';
import { readJsonSql } from './json';
import { FileProblem } from './types';
import type { TableFileFormat } from './types';

export { writeRevenueWorkbook, XLSX_MAX_ROWS } from '../../xlsx/write';
export type { RevenueWorkbook, SheetColumn } from '../../xlsx/write';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Excel workbooks: read by a streaming reader of our own (nodes/shared/xlsx/read.ts: sheet XML
 * scanned as bytes into NDJSON, never a JS object per cell); written (a table as one sheet, the
 * revenue report) as DuckDB-built sheet XML, zipped in Node (nodes/shared/xlsx/write.ts).
 */
export const xlsx: TableFileFormat = {
	value: 'xlsx',
	name: 'Excel (.Xlsx)',
	extensions: ['xlsx', 'xlsm'],
	mimeTypes: [XLSX_MIME],
	options: [
		{
			displayName: 'Sheet Name',
			name: 'sheetName',
			type: 'string',
			default: '',
			placeholder: 'Sheet1',
			description: 'Excel only. Leave empty to read the first sheet.',
		},
	],
	async read({ path, options, scratchPath }) {
		const ndjson = scratchPath('sheet.ndjson');
		const result = await readXlsxSheet(path, String(options.sheetName ?? '').trim(), ndjson);
		if ('problem' in result) throw new FileProblem(result.problem, result.hint);
		const detail = `sheet ${result.sheet}`;
		if (result.rows === 0) {
			// Header-only sheet: keep the columns, as text, with no rows.
			const columns = result.columns
				.map((c) => `NULL::VARCHAR AS ${quoteIdentifier(c)}`)
				.join(', ');
			return { sql: `(SELECT ${columns} LIMIT 0)`, detail };
		}
		return { ...readJsonSql(ndjson), detail };
	},
	async write({ session, relation, orderBy, columns, path }) {
		await writeTableWorkbook(session, { path, relation, orderBy, columns, sheetName: 'Table' });
	},
};
