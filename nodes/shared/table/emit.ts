import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { ParameterReader } from '../parameters';
import { NodeOperationError } from 'n8n-workflow';
import type { DuckSession } from '../duckdb';
import { quoteIdentifier } from '../sql';
import { countText } from '../reading';
import type { StepClock } from './clock';
import { describeColumns, isFixedSize, isText } from './columns';
import {
	DEFAULT_PREVIEW_ROWS,
	DEFAULT_ROWS_OUTPUT_LIMIT,
	ROWS_OUTPUT_BYTES_PER_ROW,
	SPREADSHEET_COPY_PROPERTY,
} from './description';
import { formatByValue, parquet } from './formats';
import type { TableFileFormat } from './formats';
import { storeFile } from './store';
import type { Column, Table } from './types';
import { isTableBinary, selectInOrder, TABLE_MARKER } from './types';
import { rowsToJson } from './values';

/** Output's options (the outputMode field of every table node). */
const OUTPUT_MODES = ['rows', 'table'] as const;
type OutputMode = (typeof OUTPUT_MODES)[number];

/** How a table node hands its tables on: Output and Table Options, read once per execution. */
interface OutputSettings {
	mode: OutputMode;
	tableOptions: Partial<TableOptions>;
}

export function readOutputSettings(ctx: IExecuteFunctions): OutputSettings {
	const parameters = new ParameterReader(ctx);
	return {
		mode: parameters.choice('outputMode', OUTPUT_MODES, 'rows'),
		tableOptions: parameters.collection<TableOptions>('tableOptions'),
	};
}

interface TableOptions {
	binaryPropertyName?: string;
	fileName?: string;
	previewRows?: number;
	rowsOutputLimit?: number;
	spreadsheetCopy?: string;
}

/** The format of a Spreadsheet Copy ('none' or unset: no copy). */
function spreadsheetFormat(choice: string | undefined): TableFileFormat | undefined {
	if (!choice || choice === 'none') return undefined;
	return formatByValue(choice);
}

/** A value of a fixed-size type (a number, a boolean, a date, a UUID…) is about this long as JSON text. */
const FIXED_VALUE_BYTES = 12;

export interface EmitRequest {
	/** The table to hand on, already in the session. */
	table: Pick<Table, 'relation' | 'label' | 'order'>;
	/** Node-specific figures: rows in/out, totals... shown in the summary and as a hint in Rows mode. */
	statistics: IDataObject;
	/** Used in the default file name when a node has several outputs. */
	outputName?: string;
	/** ORDER BY clause (already quoted) for the rows handed on; the table's own order by default. */
	orderBy?: string;
	/**
	 * One sentence a person reads first: what the node did, in plain words with rounded figures
	 * ("1,513 rows in, 1,428 out: 85 without sku dropped"). First field of a Table item; in both
	 * modes also shown above the output.
	 */
	summary?: string;
	/**
	 * The few figures that matter for this node, with names a person reads and values rounded for
	 * reading (rows in and out, removed per step, matched and unmatched, total revenue...). They
	 * follow the summary in a Table item; exact values stay in `statistics`.
	 */
	figures?: IDataObject;
	/** Things that went surprisingly (a step removed every row): warning hints in the output pane, and listed in the item. */
	warnings?: string[];
	/** Report files (xlsx, csv) carried by the table item, or by the first row in Rows mode. */
	attachments?: IBinaryKeyData;
	/**
	 * The input item when the node hands its input on unchanged (a check that passed): a Table
	 * item's Parquet file then travels on as it is, instead of being written again.
	 */
	unchangedFrom?: INodeExecutionData;
}

export class TableEmitter {
	private readonly settings: OutputSettings;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly session: DuckSession,
		private readonly clock: StepClock,
	) {
		this.settings = readOutputSettings(ctx);
	}

	/** Rows and estimated bytes already handed on as items by this execution (a node with several outputs). */
	private rowsHandedOn = 0;
	private bytesHandedOn = 0;
	/** The first Table item's preview rows, for the Preview output. */
	private firstPreview?: IDataObject[];
	private summaryShown = false;

	get mode(): OutputMode {
		return this.settings.mode;
	}

	async emit(request: EmitRequest): Promise<INodeExecutionData[]> {
		return await this.clock.measure('handOff', async () => await this.handOn(request));
	}

	private async handOn(request: EmitRequest): Promise<INodeExecutionData[]> {
		this.showAbove(request);
		const passed = this.mode === 'table' ? this.passedOn(request) : undefined;
		if (passed) {
			passed.binary = { ...passed.binary, ...request.attachments };
			return [passed];
		}
		const columns = await describeColumns(this.session, request.table.relation);
		const orderBy = request.orderBy ?? request.table.order;
		const ordered = selectInOrder(request.table.relation, orderBy);
		if (this.mode === 'rows') {
			await this.checkRowsLimit(request.table.relation, columns);
			const rows = rowsToJson(await this.session.rows(ordered), columns);
			const items: INodeExecutionData[] = rows.map((json) => ({ json, pairedItem: { item: 0 } }));
			if (request.attachments) {
				// With no rows, the files still need an item to travel on.
				if (!items.length)
					items.push({
						json: { rowCount: 0, statistics: request.statistics },
						pairedItem: { item: 0 },
					});
				items[0].binary = { ...items[0].binary, ...request.attachments };
			}
			return items;
		}
		const item = await this.tableItem(ordered, orderBy, columns, request);
		item.binary = { ...item.binary, ...request.attachments };
		return [item];
	}

	/**
	 * The summary and any warning as hints above the output, in every tab: n8n opens a Table
	 * output on its Binary tab (it does so whenever an item carries a file), where no JSON shows.
	 */
	private showAbove(request: EmitRequest): void {
		// One sentence per node: the first output's speaks for the node (Premium, then Ordinary).
		if (request.summary && !this.summaryShown)
			this.ctx.addExecutionHints({ message: request.summary, location: 'outputPane' });
		this.summaryShown ||= Boolean(request.summary);
		for (const warning of request.warnings ?? [])
			this.ctx.addExecutionHints({ message: warning, type: 'warning', location: 'outputPane' });
	}

	/** The preview rows of the first table this execution handed on as a Table item, for the Preview output. */
	previewItems(): INodeExecutionData[] {
		return (this.firstPreview ?? []).map((json) => ({ json, pairedItem: { item: 0 } }));
	}

	/**
	 * Stops a Rows output too big for n8n's memory before a single row reaches JavaScript: every
	 * item stays in n8n's heap for the whole execution, and a heap out of memory ends the n8n
	 * process with every workflow running in it. Counted and sized in DuckDB, which is cheap.
	 */
	private async checkRowsLimit(relation: string, columns: Column[]): Promise<void> {
		const options = this.settings.tableOptions;
		const limit = Math.max(0, Math.floor(options.rowsOutputLimit ?? DEFAULT_ROWS_OUTPUT_LIMIT));
		if (!limit) return;
		const rows = this.rowsHandedOn + (await this.session.count(`SELECT count(*) FROM ${relation}`));
		const shape = `${countText(rows)} rows (${columns.length} columns)`;
		if (rows > limit)
			throw this.tooBig(`${shape} are too many for Rows output (limit ${countText(limit)})`);
		const bytes = this.bytesHandedOn + (await this.estimatedBytes(relation, columns));
		const budget = limit * ROWS_OUTPUT_BYTES_PER_ROW;
		if (bytes > budget) {
			throw this.tooBig(
				`${shape} hold about ${megabytes(bytes)}, too much for Rows output (limit ${countText(limit)} rows, ${megabytes(budget)})`,
			);
		}
		this.rowsHandedOn = rows;
		this.bytesHandedOn = bytes;
	}

	/**
	 * The table's size as JSON text, roughly: the bytes of its text (and nested or binary values,
	 * as text), plus a number's worth per other value. Text lengths are read from DuckDB's string
	 * headers, not scanned.
	 */
	private async estimatedBytes(relation: string, columns: Column[]): Promise<number> {
		const sized = columns.filter((column) => !isFixedSize(column));
		const terms = sized.map((column) => {
			const name = quoteIdentifier(column.name);
			return `coalesce(sum(strlen(${isText(column) ? name : `${name}::VARCHAR`})), 0)`;
		});
		const fixed = `count(*) * ${(columns.length - sized.length) * FIXED_VALUE_BYTES}`;
		return await this.session.count(`SELECT ${[fixed, ...terms].join(' + ')} FROM ${relation}`);
	}

	private tooBig(message: string): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), `${this.ctx.getNode().name}: ${message}`, {
			description:
				"Rows output makes one n8n item per row, all held in n8n's memory. Set Output to Table (one item; the rows travel in a Parquet file that every Sales Analytics node reads), or keep fewer rows first (a filter or limit step), or raise Rows Output Limit under Table Options (0 means no limit).",
		});
	}

	/** The incoming Table item with this node's statistics, or undefined when it is not one. */
	private passedOn(request: EmitRequest): INodeExecutionData | undefined {
		const incoming = request.unchangedFrom;
		if (!incoming) return undefined;
		const table = Object.values(incoming.binary ?? {}).filter((data) =>
			isTableBinary(incoming, data),
		);
		if (table.length !== 1) return undefined;
		const options = this.settings.tableOptions;
		// A preview size or file name set on this node needs a table of its own.
		if (
			options.previewRows !== undefined ||
			options.fileName?.trim() ||
			spreadsheetFormat(options.spreadsheetCopy)
		)
			return undefined;
		const property = options.binaryPropertyName?.trim() || 'data';
		// The upstream node's sentence and figures are not this node's: only the contract travels on.
		const { preview, tableFormat, rowCount, columnCount, columns } = incoming.json;
		return {
			json: {
				...this.readable(request),
				preview,
				tableFormat,
				rowCount,
				columnCount,
				columns,
				statistics: request.statistics,
			},
			binary: { [property]: table[0] },
			pairedItem: { item: 0 },
		};
	}

	private async tableItem(
		ordered: string,
		orderBy: string,
		columns: Column[],
		request: EmitRequest,
	): Promise<INodeExecutionData> {
		const options = this.settings.tableOptions;
		const property = options.binaryPropertyName?.trim() || 'data';
		const fileName = this.fileName(options.fileName, request.outputName);
		const previewRows = options.previewRows ?? DEFAULT_PREVIEW_ROWS;
		const path = this.session.scratchPath(
			`out-${Date.now()}-${Math.random().toString(36).slice(2)}.parquet`,
		);
		await parquet.write!({
			session: this.session,
			relation: request.table.relation,
			orderBy,
			columns,
			path,
			options: {},
		});
		const rowCount = await this.session.count(`SELECT count(*) FROM ${request.table.relation}`);
		const preview = previewRows
			? rowsToJson(await this.session.rows(`${ordered} LIMIT ${Math.floor(previewRows)}`), columns)
			: [];
		// Streamed into n8n's binary store (filesystem, S3 or memory): no base64 copy of the table.
		const binary = await storeFile(this.ctx, path, fileName, parquet);
		this.firstPreview ??= preview;
		const copy = await this.spreadsheetCopy(request, orderBy, columns, options);
		return {
			// What a person reads comes first (n8n's Table view shows keys as columns, in order);
			// the machine parts of the table contract follow.
			json: {
				...this.readable(request),
				preview,
				tableFormat: TABLE_MARKER,
				rowCount,
				columnCount: columns.length,
				columns: columns.map((column) => ({ name: column.name, type: column.type })),
				statistics: request.statistics,
			},
			binary: { [property]: binary, ...copy },
			pairedItem: { item: 0 },
		};
	}

	/** The summary sentence, the node's figures and its warnings: the first fields of a Table item. */
	private readable(request: EmitRequest): IDataObject {
		return {
			...(request.summary ? { summary: request.summary } : {}),
			...request.figures,
			...(request.warnings?.length ? { warnings: request.warnings } : {}),
		};
	}

	/**
	 * Every row in a file a spreadsheet opens (Table Options → Spreadsheet Copy): the Parquet file
	 * needs a Parquet reader, which Excel is not. Off by default: at a million rows a CSV copy
	 * costs seconds and an xlsx one more than a minute.
	 */
	private async spreadsheetCopy(
		request: EmitRequest,
		orderBy: string,
		columns: Column[],
		options: Partial<TableOptions>,
	): Promise<IBinaryKeyData> {
		const format = spreadsheetFormat(options.spreadsheetCopy);
		if (!format) return {};
		const path = this.session.scratchPath(
			`copy-${Date.now()}-${Math.random().toString(36).slice(2)}.${format.value}`,
		);
		// With the byte order mark Excel reads accents right; formulas stay guarded (the writers' default).
		await format.write!({
			session: this.session,
			relation: request.table.relation,
			orderBy,
			columns,
			path,
			options: { bom: true },
		}).catch((error: Error) =>
			Promise.reject(
				new NodeOperationError(
					this.ctx.getNode(),
					`${this.ctx.getNode().name}: the ${format.name} Spreadsheet Copy could not be written: ${error.message}`,
					{
						description:
							'Set Spreadsheet Copy (Table Options) to CSV, which holds any number of rows, or keep fewer rows first (a filter, or Group By).',
					},
				),
			),
		);
		const fileName = this.fileName(options.fileName, request.outputName).replace(
			/\.parquet$/i,
			`.${format.value}`,
		);
		return { [SPREADSHEET_COPY_PROPERTY]: await storeFile(this.ctx, path, fileName, format) };
	}

	private fileName(configured: string | undefined, outputName: string | undefined): string {
		const base =
			configured?.trim() || `${this.ctx.getNode().name.replace(/[^\w.-]+/g, '_')}.parquet`;
		if (!outputName) return base;
		return base.replace(
			/(\.parquet)?$/i,
			`_${outputName.toLowerCase().replace(/\W+/g, '_')}.parquet`,
		);
	}
}

function megabytes(bytes: number): string {
	return bytes >= 2 ** 30
		? `${(bytes / 2 ** 30).toFixed(1)} GB`
		: `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}
