import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { createWriteStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckSession } from '../duckdb';
import type { StepClock } from './clock';
import { describeColumns } from './columns';
import { quoteIdentifier, quoteLiteral } from '../sql';
import { detectCsvDialect, readCsvSql } from './formats/csv';
import type { CsvOptions } from './formats/csv';
import { NdjsonWriter } from './formats/ndjson';
import { xlsxToNdjson } from './formats/xlsx';
import type { Column, FileFormat, Table, TableSource } from './types';
import { PARQUET_MIME, TABLE_MARKER } from './types';

interface FileOptions extends CsvOptions {
	fileFormat: 'auto' | FileFormat;
	sheetName: string;
}

interface InputSettings {
	mode: 'auto' | 'items' | 'binary';
	binaryPropertyName: string;
	file: FileOptions;
}

function inputSettings(ctx: IExecuteFunctions): InputSettings {
	const file = ctx.getNodeParameter('fileOptions', 0, {}) as Partial<FileOptions>;
	return {
		mode: ctx.getNodeParameter('inputMode', 0, 'auto') as InputSettings['mode'],
		binaryPropertyName: (ctx.getNodeParameter('binaryPropertyName', 0, 'data') as string).trim() || 'data',
		file: {
			fileFormat: file.fileFormat ?? 'auto',
			sheetName: file.sheetName?.trim() ?? '',
			delimiter: file.delimiter ?? '',
			encoding: file.encoding ?? 'auto',
			decimalSeparator: file.decimalSeparator ?? 'auto',
		},
	};
}

const FORMAT_BY_EXTENSION: Record<string, FileFormat> = {
	xlsx: 'xlsx',
	xlsm: 'xlsx',
	csv: 'csv',
	txt: 'csv',
	tsv: 'csv',
	parquet: 'parquet',
	json: 'json',
	ndjson: 'json',
	jsonl: 'json',
};

const FORMAT_BY_MIME: Record<string, FileFormat> = {
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
	'text/csv': 'csv',
	[PARQUET_MIME]: 'parquet',
	'application/json': 'json',
};

function fileFormatOf(binary: IBinaryData, configured: FileOptions['fileFormat']): FileFormat | undefined {
	if (configured !== 'auto') return configured;
	// The name the user gave wins: an upload without a type gets fileExtension "bin".
	const extension = (extname(binary.fileName ?? '').slice(1) || binary.fileExtension || '').toLowerCase();
	return FORMAT_BY_EXTENSION[extension] ?? FORMAT_BY_MIME[binary.mimeType];
}

function describeFile(binary: IBinaryData, index: number): string {
	return binary.fileName ? `"${binary.fileName}"` : `the file of item ${index + 1}`;
}

export class TableLoader {
	private readonly settings: InputSettings;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly session: DuckSession,
		private readonly clock: StepClock,
	) {
		this.settings = inputSettings(ctx);
	}

	/** Loads input `inputIndex` (0-based) into a DuckDB table named `name`. */
	async load(inputIndex: number, name: string, label: string): Promise<Table> {
		return await this.clock.measure('load', async () => await this.loadTable(inputIndex, name, label));
	}

	private async loadTable(inputIndex: number, name: string, label: string): Promise<Table> {
		const items = this.ctx.getInputData(inputIndex);
		const where = label;
		if (!items.length) {
			throw new NodeOperationError(this.ctx.getNode(), `${where} received no items`, {
				description: 'Connect a node that outputs rows, a file or a table to this input.',
			});
		}
		const property = this.settings.binaryPropertyName;
		const hasBinary = items.some((item) => item.binary?.[property]);
		const relation = quoteIdentifier(name);
		let source: TableSource;
		if (this.settings.mode === 'items' || (this.settings.mode === 'auto' && !hasBinary)) {
			source = await this.loadItems(items, relation, where);
		} else {
			source = await this.loadFiles(items, relation, where);
		}
		await this.textifyMixedColumns(relation);
		const columns = await this.columnsOf(relation);
		const rows = await this.session.count(`SELECT count(*) FROM ${relation}`);
		return { relation, label, rows, columns, source };
	}

	async columnsOf(relation: string): Promise<Column[]> {
		return await describeColumns(this.session, relation);
	}

	private async loadItems(items: INodeExecutionData[], relation: string, where: string): Promise<TableSource> {
		const path = this.session.scratchPath(`items-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
		const writer = new NdjsonWriter(path);
		let fields = 0;
		for (const item of items) {
			fields += Object.keys(item.json).length;
			await writer.write(item.json);
		}
		await writer.close();
		if (fields === 0) {
			throw new NodeOperationError(this.ctx.getNode(), `${where}: the incoming items have no fields`, {
				description: `Expected one row per item, or a file in the binary property "${this.settings.binaryPropertyName}". Check the previous node's output, or set Input to "File or Table in a Binary Property".`,
			});
		}
		await this.session.run(`CREATE TABLE ${relation} AS SELECT * FROM ${readJsonSql(path)}`);
		return { kind: 'items', detail: `${items.length} n8n item(s), one row each` };
	}

	private async loadFiles(
		items: INodeExecutionData[],
		relation: string,
		where: string,
	): Promise<TableSource> {
		const property = this.settings.binaryPropertyName;
		const selects: string[] = [];
		const names: string[] = [];
		const formats = new Set<FileFormat>();
		let tables = 0;
		let sheets: string[] = [];
		for (let index = 0; index < items.length; index++) {
			const item = items[index];
			const binary = item.binary?.[property];
			if (!binary) {
				const found = Object.keys(item.binary ?? {});
				throw new NodeOperationError(
					this.ctx.getNode(),
					`${where}: item ${index + 1} has no binary property "${property}"`,
					{
						description: found.length
							? `Binary properties found: ${found.join(', ')}. Set "Input Binary Property" to one of them.`
							: 'The item carries no file. Set Input to "Items" to use its JSON fields as a row, or load a file first.',
						itemIndex: index,
					},
				);
			}
			const isOurTable = (item.json as IDataObject).tableFormat === TABLE_MARKER;
			const format = isOurTable ? 'parquet' : fileFormatOf(binary, this.settings.file.fileFormat);
			const fileLabel = describeFile(binary, index);
			if (!format) {
				throw new NodeOperationError(this.ctx.getNode(), `${where}: cannot tell the format of ${fileLabel}`, {
					description: `File name "${binary.fileName ?? ''}", type "${binary.mimeType}". Supported: .xlsx, .csv, .parquet, .json. Set "File Format" under File Options.`,
					itemIndex: index,
				});
			}
			const path = await this.localPath(binary, index);
			names.push(binary.fileName ?? `item ${index + 1}`);
			if (isOurTable) tables++;
			else formats.add(format);
			try {
				const select = await this.selectFromFile(path, format, index, `${where}: ${fileLabel}`);
				if (select.sheet) sheets = [...sheets, select.sheet];
				selects.push(select.sql);
			} catch (error) {
				throw this.fileError(error, `${where}: ${fileLabel}`, index);
			}
		}
		const union = selects.map((sql) => `SELECT * FROM ${sql}`).join(' UNION ALL BY NAME ');
		try {
			await this.session.run(`CREATE TABLE ${relation} AS ${union}`);
		} catch (error) {
			throw this.fileError(error, `${where}: ${names.join(', ')}`, 0);
		}
		if (tables === items.length) {
			return { kind: 'table', format: 'parquet', files: names, detail: `table from a Sales Analytics node (${names.join(', ')})` };
		}
		const format = [...formats].join('+') as FileFormat;
		const sheetText = sheets.length ? `, sheet ${[...new Set(sheets)].join(', ')}` : '';
		return { kind: 'file', format, files: names, detail: `${format} file ${names.join(', ')}${sheetText}` };
	}

	private fileError(error: unknown, what: string, itemIndex: number): NodeOperationError {
		if (error instanceof NodeOperationError) return error;
		const message = (error as Error).message.split('\n')[0];
		return new NodeOperationError(this.ctx.getNode(), `${what} could not be read: ${message}`, {
			description:
				'Check that the file is a complete export in the format its name says; for CSV set the delimiter, encoding and decimal separator under File Options.',
			itemIndex,
		});
	}

	/** A file DuckDB can open: the binary's own file in filesystem mode, otherwise a scratch copy. */
	private async localPath(binary: IBinaryData, itemIndex: number): Promise<string> {
		const target = this.session.scratchPath(`input-${Date.now()}-${Math.random().toString(36).slice(2)}`);
		if (binary.id) {
			try {
				const path = this.ctx.helpers.getBinaryPath(binary.id);
				if (path && existsSync(path)) return path;
			} catch {
				// Not a filesystem-backed binary (S3, database): stream it to a scratch file below.
			}
			await pipeline(await this.ctx.helpers.getBinaryStream(binary.id), createWriteStream(target));
			return target;
		}
		await writeFile(target, await this.ctx.helpers.getBinaryDataBuffer(itemIndex, binary));
		return target;
	}

	private async selectFromFile(
		path: string,
		format: FileFormat,
		itemIndex: number,
		label: string,
	): Promise<{ sql: string; sheet?: string }> {
		switch (format) {
			case 'parquet':
				return { sql: `read_parquet(${quoteLiteral(path)})` };
			case 'json':
				return { sql: readJsonSql(path, 'auto') };
			case 'csv': {
				const dialect = await detectCsvDialect(path, this.settings.file);
				return { sql: readCsvSql(path, dialect) };
			}
			case 'xlsx': {
				const ndjson = this.session.scratchPath(`sheet-${itemIndex}-${Date.now()}.ndjson`);
				const result = await xlsxToNdjson(path, this.settings.file.sheetName, ndjson);
				if ('problem' in result) {
					throw new NodeOperationError(this.ctx.getNode(), `${label}: ${result.problem}`, { description: result.hint, itemIndex });
				}
				if (result.rows === 0) {
					// Header-only sheet: keep the columns, as text, with no rows.
					const columns = result.columns.map((c) => `NULL::VARCHAR AS ${quoteIdentifier(c)}`).join(', ');
					return { sql: `(SELECT ${columns} LIMIT 0)`, sheet: result.sheet };
				}
				return { sql: readJsonSql(ndjson), sheet: result.sheet };
			}
		}
	}

	/**
	 * A column mixing numbers and text (the web export's sku) arrives as DuckDB JSON;
	 * keep every value, as text, so joins on it compare "15298" with "bon-cadeau-25-euros".
	 */
	private async textifyMixedColumns(relation: string): Promise<void> {
		const jsonColumns = (await this.columnsOf(relation)).filter((column) => column.type === 'JSON');
		for (const column of jsonColumns) {
			const name = quoteIdentifier(column.name);
			const scalarOnly = await this.session.value(
				`SELECT coalesce(bool_and(json_type(${name}) NOT IN ('OBJECT', 'ARRAY')), true) FROM ${relation}`,
			);
			if (scalarOnly) {
				await this.session.run(
					`CREATE OR REPLACE TABLE ${relation} AS SELECT * REPLACE (${name} ->> '$' AS ${name}) FROM ${relation} ORDER BY rowid`,
				);
			}
		}
	}
}

function readJsonSql(path: string, format: 'newline_delimited' | 'auto' = 'newline_delimited'): string {
	return `read_json(${quoteLiteral(path)}, format = ${quoteLiteral(format)}, sample_size = -1)`;
}
