import type { DuckDBTypeId } from '@duckdb/node-api';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { PARQUET_MIME } from './formats/parquet';

export { PARQUET_MIME };

/**
 * A column as DuckDB describes it. `type` is the SQL text (for CASTs and for people to read);
 * decisions about the type are made on `typeId` by the predicates of columns.ts. Only name and
 * type travel in a Table item's JSON: a loaded table is described by DuckDB again.
 */
export interface Column {
	name: string;
	type: string;
	typeId: DuckDBTypeId;
	/** The name of a type standing for another: JSON is a VARCHAR with the alias "JSON". */
	alias?: string;
}

/** What the node saw on an input, reported back to the user in the summary. */
export interface TableSource {
	kind: 'items' | 'table' | 'file';
	/** The format value(s) of the files read, e.g. "csv" or "xlsx+csv". */
	format?: string;
	files?: string[];
	detail: string;
}

/** A table the node's SQL can read: a TEMP table of its session, or a file DuckDB reads in place. */
export interface Table {
	/** SQL to select from: a quoted table name, or a table function such as `read_parquet('…')`. */
	relation: string;
	/** The rows' own order, as a column of `relation` that `SELECT *` does not return (rowid, file_row_number). */
	order: string;
	label: string;
	rows: number;
	columns: Column[];
	source: TableSource;
}

/** Marker in the JSON of a Table-mode item, so the next node knows the binary is one of ours. */
export const TABLE_MARKER = 'n8n-sales-analytics/table@1';

/** The optional credential that sets DuckDB's memory and thread limits. */
export const ENGINE_CREDENTIAL = 'salesAnalyticsEngine';

/** The Parquet table a Sales Analytics node hands on, as opposed to report files riding with it. */
export function isTableBinary(item: INodeExecutionData, data: IBinaryData): boolean {
	return data.mimeType === PARQUET_MIME && item.json.tableFormat === TABLE_MARKER;
}

/**
 * The row order of a TEMP table made by createTable: the order its rows were inserted in, which
 * is also the order a plain scan returns them in (DuckDB's preserve_insertion_order).
 */
export const INSERTION_ORDER = 'rowid';

/** The order to sort by, or undefined for the insertion order, which a plain scan already keeps. */
export function explicitOrder(order: string | undefined): string | undefined {
	return order === INSERTION_ORDER ? undefined : order;
}

/**
 * `SELECT projection FROM relation` in `order`. A table in its insertion order is read as
 * scanned: ORDER BY rowid would sort it, even under a LIMIT (1-2 s and a sort's memory per
 * million rows, measured).
 */
export function selectInOrder(
	relation: string,
	order: string | undefined,
	projection = '*',
): string {
	const sortBy = explicitOrder(order);
	return `SELECT ${projection} FROM ${relation}${sortBy ? ` ORDER BY ${sortBy}` : ''}`;
}
