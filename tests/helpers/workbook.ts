import ExcelJS from 'exceljs';

/** An xlsx file read back with ExcelJS, an independent reader, to check what we wrote. */
export async function readWorkbook(path: string): Promise<ExcelJS.Workbook> {
	const book = new ExcelJS.Workbook();
	await book.xlsx.readFile(path);
	return book;
}
