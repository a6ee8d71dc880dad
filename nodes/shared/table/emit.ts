import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DuckSession } from '../duckdb';
import { quoteIdentifier } from '../sql';
import type { StepClock } from './clock';
import { describeColumns, isNumericType, isTextType } from './columns';
import { DEFAULT_ROWS_OUTPUT_LIMIT, ROWS_OUTPUT_BYTES_PER_ROW } from './description';
import { parquet } from './formats';
import { storeFile } from './store';
import type { Column, Table } from './types';
import { isTableBinary, selectInOrder, TABLE_MARKER } from './types';
import { rowsToJson } from './values';

interface TableOptions {
	binaryPropertyName?: string;
	fileName?: string;
	previewRows?: number;
	rowsOutputLimit?: number;
}

/** Values that become a number, a boolean or a short text of bounded length (dates, times, UUIDs)... */
const isFixedSize = (type: string) => isNumericType(type) || /^(BOOLEAN|DATE|TIME|TIMESTAMP(_\w+)?|INTERVAL|UUID)\b/.test(type);
/** ...about this long as JSON text. */
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
	/** One line for the output pane in Rows mode, where the statistics have no item to live in. */
	summary?: string;
	/** Report files (xlsx, csv) carried by the table item, or by the first row in Rows mode. */
	attachments?: IBinaryKeyData;
	/**
	 * The input item when the node hands its input on unchanged (a check that passed): a Table
	 * item's Parquet file then travels on as it is, instead of being written again.
	 */
	unchangedFrom?: INodeExecutionData;
}

export class TableEmitter {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly session: DuckSession,
		private readonly clock: StepClock,
	) {}

	/** Rows and estimated bytes already handed on as items by this execution (a node with several outputs). */
	private rowsHandedOn = 0;
	private bytesHandedOn = 0;

	get mode(): 'rows' | 'table' {
		return this.ctx.getNodeParameter('outputMode', 0, 'rows') as 'rows' | 'table';
	}

	async emit(request: EmitRequest): Promise<INodeExecutionData[]> {
		return await this.clock.measure('handOff', async () => await this.handOn(request));
	}

	private async handOn(request: EmitRequest): Promise<INodeExecutionData[]> {
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
			if (request.summary) this.ctx.addExecutionHints({ message: request.summary, location: 'outputPane' });
			const items: INodeExecutionData[] = rows.map((json) => ({ json, pairedItem: { item: 0 } }));
			if (request.attachments) {
				// With no rows, the files still need an item to travel on.
				if (!items.length) items.push({ json: { rowCount: 0, statistics: request.statistics }, pairedItem: { item: 0 } });
				items[0].binary = { ...items[0].binary, ...request.attachments };
			}
			return items;
		}
		const item = await this.tableItem(ordered, orderBy, columns, request);
		item.binary = { ...item.binary, ...request.attachments };
		return [item];
	}

	/**
	 * Stops a Rows output too big for n8n's memory before a single row reaches JavaScript: every
	 * item stays in n8n's heap for the whole execution, and a heap out of memory ends the n8n
	 * process with every workflow running in it. Counted and sized in DuckDB, which is cheap.
	 */
	private async checkRowsLimit(relation: string, columns: Column[]): Promise<void> {
		const options = this.ctx.getNodeParameter('tableOptions', 0, {}) as TableOptions;
		const limit = Math.max(0, Math.floor(options.rowsOutputLimit ?? DEFAULT_ROWS_OUTPUT_LIMIT));
		if (!limit) return;
		const rows = this.rowsHandedOn + (await this.session.count(`SELECT count(*) FROM ${relation}`));
		const shape = `${rows.toLocaleString('en')} rows (${columns.length} columns)`;
		if (rows > limit) throw this.tooBig(`${shape} are too many for Rows output (limit ${limit.toLocaleString('en')})`);
		const bytes = this.bytesHandedOn + (await this.estimatedBytes(relation, columns));
		const budget = limit * ROWS_OUTPUT_BYTES_PER_ROW;
		if (bytes > budget) {
			throw this.tooBig(`${shape} hold about ${megabytes(bytes)}, too much for Rows output (limit ${limit.toLocaleString('en')} rows, ${megabytes(budget)})`);
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
		const sized = columns.filter((column) => !isFixedSize(column.type));
		const terms = sized.map((column) => {
			const name = quoteIdentifier(column.name);
			return `coalesce(sum(strlen(${isTextType(column.type) ? name : `${name}::VARCHAR`})), 0)`;
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
		const table = Object.values(incoming.binary ?? {}).filter((data) => isTableBinary(incoming, data));
		if (table.length !== 1) return undefined;
		const options = this.ctx.getNodeParameter('tableOptions', 0, {}) as TableOptions;
		// A preview size or file name set on this node needs a table of its own.
		if (options.previewRows !== undefined || options.fileName?.trim()) return undefined;
		const property = options.binaryPropertyName?.trim() || 'data';
		return { json: { ...incoming.json, statistics: request.statistics }, binary: { [property]: table[0] }, pairedItem: { item: 0 } };
	}

	private async tableItem(ordered: string, orderBy: string, columns: Column[], request: EmitRequest): Promise<INodeExecutionData> {
		const options = this.ctx.getNodeParameter('tableOptions', 0, {}) as TableOptions;
		const property = options.binaryPropertyName?.trim() || 'data';
		const fileName = this.fileName(options.fileName, request.outputName);
		const previewRows = options.previewRows ?? 5;
		const path = this.session.scratchPath(`out-${Date.now()}-${Math.random().toString(36).slice(2)}.parquet`);
		await parquet.write!({ session: this.session, relation: request.table.relation, orderBy, columns, path, options: {} });
		const rowCount = await this.session.count(`SELECT count(*) FROM ${request.table.relation}`);
		const preview = previewRows
			? rowsToJson(await this.session.rows(`${ordered} LIMIT ${Math.floor(previewRows)}`), columns)
			: [];
		// Streamed into n8n's binary store (filesystem, S3 or memory): no base64 copy of the table.
		const binary = await storeFile(this.ctx, path, fileName, parquet);
		return {
			json: {
				tableFormat: TABLE_MARKER,
				rowCount,
				columnCount: columns.length,
				columns: columns.map((column) => ({ name: column.name, type: column.type })),
				statistics: request.statistics,
				preview,
			},
			binary: { [property]: binary },
			pairedItem: { item: 0 },
		};
	}

	private fileName(configured: string | undefined, outputName: string | undefined): string {
		const base = configured?.trim() || `${this.ctx.getNode().name.replace(/[^\w.-]+/g, '_')}.parquet`;
		if (!outputName) return base;
		return base.replace(/(\.parquet)?$/i, `_${outputName.toLowerCase().replace(/\W+/g, '_')}.parquet`);
	}
}

function megabytes(bytes: number): string {
	return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}
