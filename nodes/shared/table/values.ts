import { DuckDBTypeId, type JS } from '@duckdb/node-api';
import type { IDataObject } from 'n8n-workflow';
import type { Column } from './types';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** DuckDB values made into what n8n items hold: numbers stay numbers, dates become ISO text. */
function toJson(value: JS, isDate = false): JsonValue {
	if (value === null || value === undefined) return null;
	if (typeof value === 'bigint')
		return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) return null;
		return isDate ? value.toISOString().slice(0, 10) : value.toISOString();
	}
	if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
	if (Array.isArray(value)) return value.map((entry) => toJson(entry));
	if (typeof value === 'object') {
		const out: { [key: string]: JsonValue } = {};
		for (const [key, entry] of Object.entries(value)) out[key] = toJson(entry);
		return out;
	}
	return value;
}

/** Without column types, DATE values come out as ISO timestamps: fine for samples in a summary. */
export function rowsToJson(rows: Array<Record<string, JS>>, columns?: Column[]): IDataObject[] {
	const dates = new Set(
		columns?.filter((column) => column.typeId === DuckDBTypeId.DATE).map((column) => column.name),
	);
	return rows.map((row) => {
		const out: IDataObject = {};
		for (const name of columns?.map((column) => column.name) ?? Object.keys(row)) {
			out[name] = toJson(row[name], dates.has(name)) as IDataObject[string];
		}
		return out;
	});
}
