import type { INodeProperties } from 'n8n-workflow';
import { extname } from 'node:path';
import { csv } from './csv';
import { json } from './json';
import { parquet } from './parquet';
import type { TableFileFormat } from './types';
import { xlsx } from './xlsx';

export * from './types';
export { csv, json, parquet, xlsx };
export { writeRevenueWorkbook, XLSX_MAX_ROWS } from './xlsx';
export type { RevenueWorkbook, SheetColumn } from './xlsx';

/** Every file format the package reads or writes. Add a format: one file, one entry here. */
export const FILE_FORMATS: readonly TableFileFormat[] = [xlsx, csv, parquet, json];

export function formatByValue(value: string): TableFileFormat | undefined {
	return FILE_FORMATS.find((format) => format.value === value);
}

/** The format a file name's extension says, else its MIME type; undefined when neither is known. */
export function formatOfFile(
	fileName: string,
	mimeType?: string,
	fileExtension?: string,
): TableFileFormat | undefined {
	// The name the user gave wins: an upload without a type gets fileExtension "bin".
	const extension = (extname(fileName).slice(1) || fileExtension || '').toLowerCase();
	return (
		FILE_FORMATS.find((format) => format.extensions.includes(extension)) ??
		FILE_FORMATS.find((format) => mimeType !== undefined && format.mimeTypes.includes(mimeType))
	);
}

/** "an .xlsx, .csv, .parquet or .json file", for hints. */
export function readableExtensions(formats: readonly TableFileFormat[] = FILE_FORMATS): string {
	const names = formats.filter((format) => format.read).map((format) => `.${format.extensions[0]}`);
	return names.length > 1
		? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
		: names.join('');
}

/** The File Format picker and every format's own options, for the nodes' File Options. */
export function fileOptionFields(): INodeProperties[] {
	const readable = FILE_FORMATS.filter((format) => format.read);
	return [
		{
			displayName: 'File Format',
			name: 'fileFormat',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Auto-Detect From File Name', value: 'auto' },
				...[...readable]
					.sort((a, b) => a.name.localeCompare(b.name))
					.map((format) => ({ name: format.name, value: format.value })),
			],
		},
		...readable.flatMap((format) => format.options),
	];
}
