/** The ExcelJS revenue workbook writer the package used before nodes/shared/xlsx/write.ts; kept for scripts/xlsx-write-speed.ts to compare against. */
import ExcelJS from 'exceljs';
import { columnLetter } from '../../nodes/shared/xlsx/write';
import type { RevenueWorkbook, SheetColumn } from '../../nodes/shared/xlsx/write';
import type { DuckSession } from '../../nodes/shared/duckdb';
import { quoteIdentifier } from '../../nodes/shared/sql';
import { rowsToJson } from '../../nodes/shared/table/values';
import { excelCurrencyFormat } from '../../nodes/shared/reports/currency';

export type { RevenueWorkbook, SheetColumn };

/** Rows read from DuckDB per page. */
const PAGE = 50_000;

/**
 * The revenue report: a sheet of rows (bold frozen header, autofilter, number formats,
 * widths, a totals row with SUM formulas and their values) and a summary sheet. Rows are
 * read from DuckDB a page at a time and streamed to disk, so big tables fit.
 */
export async function writeRevenueWorkbook(
	session: DuckSession,
	book: RevenueWorkbook,
): Promise<void> {
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
		filename: book.path,
		useStyles: true,
		useSharedStrings: false,
	});
	const money = excelCurrencyFormat(book.currency);
	const formats: Record<NonNullable<SheetColumn['format']>, string> = {
		currency: money,
		percent: '0.00%',
		integer: '#,##0',
	};

	// One style object per column, shared by its cells: ExcelJS caches styles by object identity,
	// and a fresh object per cell would be serialised again for each of a million cells.
	const cellStyles: Array<Partial<ExcelJS.Style>> = book.columns.map((column) =>
		column.format ? { numFmt: formats[column.format] } : {},
	);
	const sheet = workbook.addWorksheet('Revenue', { views: [{ state: 'frozen', ySplit: 1 }] });
	sheet.columns = book.columns.map((column, index) => ({
		header: column.name,
		key: column.name,
		width: Math.min(60, Math.max(12, column.name.length + 4, column.type === 'VARCHAR' ? 28 : 14)),
		style: cellStyles[index],
	}));
	const header = sheet.getRow(1);
	header.font = { bold: true };
	header.commit();

	const rowCount = await session.count(`SELECT count(*) FROM ${book.relation}`);
	for (let offset = 0; offset < rowCount; offset += PAGE) {
		const rows = rowsToJson(
			await session.rows(
				`SELECT * FROM ${book.relation} WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid`,
				[offset, offset + PAGE],
			),
			book.columns,
		);
		for (const row of rows) {
			const added = sheet.addRow(book.columns.map((c) => row[c.name] ?? null));
			cellStyles.forEach((style, index) => (added.getCell(index + 1).style = style));
			added.commit();
		}
	}
	const lastDataRow = rowCount + 1;
	sheet.autoFilter = { from: 'A1', to: `${columnLetter(book.columns.length - 1)}${lastDataRow}` };

	const totalsRow = sheet.addRow(book.columns.map((_, index) => (index === 0 ? 'Total' : null)));
	totalsRow.font = { bold: true };
	for (const name of book.totals) {
		const index = book.columns.findIndex((c) => c.name === name);
		if (index < 0) continue;
		const sum = await session.value(
			`SELECT CAST(coalesce(sum(${quoteIdentifier(name)}), 0) AS DOUBLE) FROM ${book.relation}`,
		);
		const column = columnLetter(index);
		totalsRow.getCell(index + 1).value = {
			formula: `SUM(${column}2:${column}${lastDataRow})`,
			result: Number(sum),
		};
	}
	totalsRow.commit();
	sheet.commit();

	const summary = workbook.addWorksheet('Summary');
	summary.columns = [{ width: 34 }, { width: 22 }];
	for (const [label, value] of book.summary) {
		const row = summary.addRow([label, value]);
		row.getCell(1).font = { bold: true };
		if (label.toLowerCase().includes('revenue')) row.getCell(2).numFmt = money;
		row.commit();
	}
	summary.addRow([]).commit();
	const topHeader = summary.addRow([book.top.label, 'Revenue']);
	topHeader.font = { bold: true };
	topHeader.commit();
	for (const top of book.top.rows) {
		const row = summary.addRow([top.label, top.revenue]);
		row.getCell(2).numFmt = money;
		row.commit();
	}
	summary.commit();
	await workbook.commit();
}
