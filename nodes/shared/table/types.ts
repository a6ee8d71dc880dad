import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

export interface Column {
	name: string;
	type: string;
}

export type FileFormat = 'xlsx' | 'csv' | 'parquet' | 'json';

/** What the node saw on an input, reported back to the user in the summary. */
export interface TableSource {
	kind: 'items' | 'table' | 'file';
	format?: FileFormat;
	files?: string[];
	detail: string;
}

/** A table living in the node's DuckDB session. `relation` is already a quoted identifier. */
export interface Table {
	relation: string;
	label: string;
	rows: number;
	columns: Column[];
	source: TableSource;
}

/** Marker in the JSON of a Table-mode item, so the next node knows the binary is one of ours. */
export const TABLE_MARKER = 'n8n-sales-analytics/table@1';
export const PARQUET_MIME = 'application/vnd.apache.parquet';

/** The optional credential that sets DuckDB's memory and thread limits. */
export const ENGINE_CREDENTIAL = 'salesAnalyticsEngine';

/** The Parquet table a Sales Analytics node hands on, as opposed to report files riding with it. */
export function isTableBinary(item: INodeExecutionData, data: IBinaryData): boolean {
	return data.mimeType === PARQUET_MIME && item.json.tableFormat === TABLE_MARKER;
}
