import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { ParameterReader } from '../parameters';
import { NodeOperationError } from 'n8n-workflow';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, link, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isOutOfMemory } from '../duckdb';
import type { DuckSession, SqlValue } from '../duckdb';
import type { StepClock } from './clock';
import { describeColumns, isJson } from './columns';
import { quoteIdentifier } from '../sql';
import { FileProblem, formatByValue, formatOfFile, parquet, readableExtensions } from './formats';
import type { FileOptions, ReadResult, TableFileFormat } from './formats';
import { readJsonSql } from './formats/json';
import { NdjsonWriter } from './formats/ndjson';
import type { Column, Table, TableSource } from './types';
import { INSERTION_ORDER, TABLE_MARKER } from './types';

/** Input's options (the inputMode field of every table node). */
const INPUT_MODES = ['auto', 'items', 'binary'] as const;

interface InputSettings {
	mode: (typeof INPUT_MODES)[number];
	binaryPropertyName: string;
	/** "auto" or a format's value. */
	fileFormat: string;
	/** Every format's own File Options, by name. */
	fileOptions: FileOptions;
}

/** Input Binary Property's default, n8n's usual name for a node's one file. */
const DEFAULT_BINARY_PROPERTY = 'data';

function inputSettings(ctx: IExecuteFunctions): InputSettings {
	const parameters = new ParameterReader(ctx);
	const fileOptions = parameters.collection<FileOptions>('fileOptions');
	return {
		mode: parameters.choice('inputMode', INPUT_MODES, 'auto'),
		binaryPropertyName:
			parameters.trimmed('binaryPropertyName', DEFAULT_BINARY_PROPERTY) || DEFAULT_BINARY_PROPERTY,
		fileFormat: String(fileOptions.fileFormat ?? 'auto'),
		fileOptions,
	};
}

function describeFile(binary: IBinaryData, index: number): string {
	return binary.fileName ? `"${binary.fileName}"` : `the file of item ${index + 1}`;
}

/** Rows copied into the session: a TEMP table, private to this execution's connection. */
export interface CreatedTable {
	relation: string;
	order: string;
	rows: number;
	columns: Column[];
}

/** Several reads stacked by column name. */
function stacked(reads: string[]): string {
	return `(${reads.map((sql) => `SELECT * FROM ${sql}`).join(' UNION ALL BY NAME ')})`;
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

	/**
	 * Input `inputIndex` (0-based) as a table the node's SQL can read, copied into a TEMP table
	 * named `name`. With `inPlace`, a single Parquet file (a table handed on by another node of
	 * this package) is not copied: the node's SQL scans the file, only the columns it uses.
	 * Only for nodes whose SQL uses the row order in nothing but ORDER BY: DuckDB 1.5's
	 * file_row_number fails inside window functions ("INTERNAL Error: … BIGINT … UBIGINT").
	 */
	async load(
		inputIndex: number,
		name: string,
		label: string,
		options: { inPlace?: boolean } = {},
	): Promise<Table> {
		return await this.clock.measure(
			'load',
			async () => await this.loadTable(inputIndex, name, label, options.inPlace ?? false),
		);
	}

	private async loadTable(
		inputIndex: number,
		name: string,
		label: string,
		inPlace: boolean,
	): Promise<Table> {
		const items = this.ctx.getInputData(inputIndex);
		if (!items.length) {
			throw new NodeOperationError(this.ctx.getNode(), `${label} received no items`, {
				description: 'Connect a node that outputs rows, a file or a table to this input.',
			});
		}
		const property =
			this.settings.mode === 'items'
				? this.settings.binaryPropertyName
				: this.propertyToRead(items, label);
		const hasBinary = items.some((item) => item.binary?.[property]);
		const fromItems =
			this.settings.mode === 'items' || (this.settings.mode === 'auto' && !hasBinary);
		const { read, source } = fromItems
			? await this.readItems(items, label)
			: await this.readFiles(items, label, property);
		let table: Pick<Table, 'relation' | 'order' | 'columns'>;
		try {
			if (inPlace && read.order) {
				table = { relation: read.sql, order: read.order, columns: await this.columnsOf(read.sql) };
				// JSON columns need rewriting as text: only a copy can be rewritten.
				if (table.columns.some(isJson)) table = await this.copyRows(name, read);
			} else {
				table = await this.copyRows(name, read);
			}
		} catch (error) {
			// Out of memory is the engine's limit, not the file: runTableNode says how to raise it.
			throw isOutOfMemory(error)
				? error
				: this.fileError(error, source.files ? `${label}: ${source.files.join(', ')}` : label, 0);
		}
		const rows = await this.session.count(`SELECT count(*) FROM ${table.relation}`);
		return { ...table, label, rows, source };
	}

	/**
	 * The binary property to read. Load Sales Exports hands on one file per export (erp, liaison,
	 * web), not "data": when the default "data" is on no item, a property every item carries is
	 * read if it is the only one, and with several the node asks which, rather than reading the
	 * items' JSON (file names and counts) as if it were the table. A name the user typed is kept
	 * (a missing one is an error naming what is there); rows with a report file riding on the
	 * first one are rows.
	 */
	private propertyToRead(items: INodeExecutionData[], where: string): string {
		const asked = this.settings.binaryPropertyName;
		if (asked !== DEFAULT_BINARY_PROPERTY || items.some((item) => item.binary?.[asked]))
			return asked;
		const carried = Object.keys(items[0].binary ?? {}).filter((name) =>
			items.every((item) => item.binary?.[name]),
		);
		if (carried.length === 1) return carried[0];
		if (carried.length === 0) return asked;
		throw new NodeOperationError(
			this.ctx.getNode(),
			`${where}: no file in the binary property "${asked}"; the items carry ${carried.map((name) => `"${name}"`).join(', ')}`,
			{
				description: `Set "Input Binary Property" to the one to read, e.g. ${carried[0]} (after Load Sales Exports each export has its own property). Or set Input to "Items" to read the items' JSON fields as rows.`,
			},
		);
	}

	private async copyRows(name: string, read: ReadResult): Promise<CreatedTable> {
		// No ORDER BY: DuckDB keeps a file's row order in CREATE TABLE AS (preserve_insertion_order),
		// and sorting a million wide rows by file_row_number cost seconds and memory.
		const { exactSql } = read;
		const created = await this.createTable(name, `SELECT * FROM ${read.sql}`).catch(
			async (error: unknown) =>
				// A sampled type guess that a later row breaks: read again, every row sampled.
				exactSql && !isOutOfMemory(error)
					? await this.createTable(name, `SELECT * FROM ${exactSql}`)
					: Promise.reject(error),
		);
		if (!(await this.textifyMixedColumns(created.relation))) return created;
		return { ...created, columns: await this.columnsOf(created.relation) };
	}

	/** Runs `select` into a TEMP table of this session; its rowid keeps the order of `select`. */
	async createTable(name: string, select: string, params: SqlValue[] = []): Promise<CreatedTable> {
		const relation = quoteIdentifier(name);
		await this.session.run(`CREATE OR REPLACE TEMP TABLE ${relation} AS ${select}`, params);
		const rows = await this.session.count(`SELECT count(*) FROM ${relation}`);
		return { relation, order: INSERTION_ORDER, rows, columns: await this.columnsOf(relation) };
	}

	async columnsOf(relation: string): Promise<Column[]> {
		return await describeColumns(this.session, relation);
	}

	private async readItems(
		items: INodeExecutionData[],
		where: string,
	): Promise<{ read: ReadResult; source: TableSource }> {
		const path = this.scratchFile('items.ndjson');
		const writer = new NdjsonWriter(path);
		let fields = 0;
		for (const item of items) {
			fields += Object.keys(item.json).length;
			await writer.write(item.json);
		}
		await writer.close();
		if (fields === 0) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`${where}: the incoming items have no fields`,
				{
					description: `Expected one row per item, or a file in the binary property "${this.settings.binaryPropertyName}". Check the previous node's output, or set Input to "File or Table in a Binary Property".`,
				},
			);
		}
		return {
			read: readJsonSql(path),
			source: { kind: 'items', detail: `${items.length} n8n item(s), one row each` },
		};
	}

	private async readFiles(
		items: INodeExecutionData[],
		where: string,
		property: string,
	): Promise<{ read: ReadResult; source: TableSource }> {
		const reads: ReadResult[] = [];
		const names: string[] = [];
		const formats = new Set<string>();
		const details: string[] = [];
		let tables = 0;
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
			const format = isOurTable ? parquet : this.formatOf(binary);
			const fileLabel = describeFile(binary, index);
			if (!format?.read) {
				throw new NodeOperationError(
					this.ctx.getNode(),
					`${where}: cannot tell the format of ${fileLabel}`,
					{
						description: `File name "${binary.fileName ?? ''}", type "${binary.mimeType}". Supported: ${readableExtensions()}. Set "File Format" under File Options.`,
						itemIndex: index,
					},
				);
			}
			const path = await this.localPath(binary, index);
			names.push(binary.fileName ?? `item ${index + 1}`);
			if (isOurTable) tables++;
			else formats.add(format.value);
			try {
				const read = await format.read({
					session: this.session,
					path,
					options: this.settings.fileOptions,
					scratchPath: (suffix) => this.scratchFile(`${index}-${suffix}`),
				});
				if (read.detail) details.push(read.detail);
				reads.push(read);
			} catch (error) {
				throw this.fileError(error, `${where}: ${fileLabel}`, index);
			}
		}
		// Several files are stacked by column name, into one copy.
		const read: ReadResult =
			reads.length === 1
				? reads[0]
				: {
						sql: stacked(reads.map((r) => r.sql)),
						exactSql: reads.some((r) => r.exactSql)
							? stacked(reads.map((r) => r.exactSql ?? r.sql))
							: undefined,
					};
		if (tables === items.length) {
			return {
				read,
				source: {
					kind: 'table',
					format: 'parquet',
					files: names,
					detail: `table from a Sales Analytics node (${names.join(', ')})`,
				},
			};
		}
		const format = [...formats].join('+');
		const detailText = details.length ? `, ${[...new Set(details)].join(', ')}` : '';
		return {
			read,
			source: {
				kind: 'file',
				format,
				files: names,
				detail: `${format} file ${names.join(', ')}${detailText}`,
			},
		};
	}

	private formatOf(binary: IBinaryData): TableFileFormat | undefined {
		const configured = this.settings.fileFormat;
		if (configured !== 'auto') return formatByValue(configured);
		return formatOfFile(binary.fileName ?? '', binary.mimeType, binary.fileExtension);
	}

	private scratchFile(suffix: string): string {
		return this.session.scratchPath(
			`${Date.now()}-${Math.random().toString(36).slice(2)}-${suffix}`,
		);
	}

	private fileError(error: unknown, what: string, itemIndex: number): NodeOperationError {
		if (error instanceof NodeOperationError) return error;
		if (error instanceof FileProblem)
			return new NodeOperationError(this.ctx.getNode(), `${what}: ${error.message}`, {
				description: error.hint,
				itemIndex,
			});
		const message = (error as Error).message.split('\n')[0];
		return new NodeOperationError(this.ctx.getNode(), `${what} could not be read: ${message}`, {
			description:
				'Check that the file is a complete export in the format its name says; for CSV set the delimiter, encoding and decimal separator under File Options.',
			itemIndex,
		});
	}

	/**
	 * The binary as a file in this session's scratch folder, the only folder the confined engine
	 * may read. In filesystem mode it is a hard link to n8n's own file (instant; n8n never changes
	 * a stored file), or a copy when the store is on another filesystem than tmpdir.
	 */
	private async localPath(binary: IBinaryData, itemIndex: number): Promise<string> {
		const target = this.scratchFile('input');
		if (binary.id) {
			let stored: string | undefined;
			try {
				stored = this.ctx.helpers.getBinaryPath(binary.id);
			} catch {
				// Not a filesystem-backed binary (S3, database): streamed to the scratch file below.
			}
			if (stored && existsSync(stored)) {
				await link(stored, target).catch(async () => await copyFile(stored, target));
				return target;
			}
			await pipeline(await this.ctx.helpers.getBinaryStream(binary.id), createWriteStream(target));
			return target;
		}
		await writeFile(target, await this.ctx.helpers.getBinaryDataBuffer(itemIndex, binary));
		return target;
	}

	/**
	 * A column mixing numbers and text (the web export's sku) arrives as DuckDB JSON;
	 * keep every value, as text, so joins on it compare "15298" with "bon-cadeau-25-euros".
	 */
	private async textifyMixedColumns(relation: string): Promise<boolean> {
		const jsonColumns = (await this.columnsOf(relation)).filter(isJson);
		let changed = false;
		for (const column of jsonColumns) {
			const name = quoteIdentifier(column.name);
			const scalarOnly = await this.session.value(
				`SELECT coalesce(bool_and(json_type(${name}) NOT IN ('OBJECT', 'ARRAY')), true) FROM ${relation}`,
			);
			if (scalarOnly) {
				await this.session.run(
					`CREATE OR REPLACE TEMP TABLE ${relation} AS SELECT * REPLACE (${name} ->> '$' AS ${name}) FROM ${relation}`,
				);
				changed = true;
			}
		}
		return changed;
	}
}
