import type { DuckSession } from '../duckdb';
import type { Column, Table } from './types';

/** A relation's columns with their DuckDB types, in order. */
export async function describeColumns(session: DuckSession, relation: string): Promise<Column[]> {
	const described = await session.rows(`DESCRIBE SELECT * FROM ${relation}`);
	return described.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

export class ColumnNotFoundError extends Error {
	constructor(
		readonly column: string,
		readonly table: Table,
	) {
		super(`Column "${column}" not found in ${table.label}`);
	}

	get hint(): string {
		const found = this.table.columns.map((c) => c.name).join(', ');
		return `Columns found: ${found}. Check the spelling, or rename the column upstream.`;
	}
}

/** Finds a column by exact name, else by a unique case-insensitive match, as users type names from memory. */
export function findColumn(table: Table, name: string): Column {
	const trimmed = (name ?? '').trim();
	// A name in double quotes is taken literally, as in SQL: "a ""quoted"" name".
	const wanted = /^".*"$/s.test(trimmed) ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
	const exact = table.columns.find((column) => column.name === wanted);
	if (exact) return exact;
	const folded = table.columns.filter((column) => column.name.toLowerCase() === wanted.toLowerCase());
	if (folded.length === 1) return folded[0];
	throw new ColumnNotFoundError(wanted, table);
}

/** Splits "sku, total_sales" into names; quoted names keep their commas: "a,b", c. */
export function parseColumnList(text: string | string[] | undefined): string[] {
	if (Array.isArray(text)) return text.map((name) => name.trim()).filter(Boolean);
	if (!text) return [];
	const names: string[] = [];
	const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,]+))\s*(?:,|$)/g;
	for (const match of text.matchAll(pattern)) {
		const name = match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? '').trim();
		if (name) names.push(name);
	}
	return names;
}

export function findColumns(table: Table, names: string | string[] | undefined): Column[] {
	return parseColumnList(names).map((name) => findColumn(table, name));
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

export function isNumericType(type: string): boolean {
	return NUMERIC.test(type);
}

export function isTextType(type: string): boolean {
	return type === 'VARCHAR';
}

/**
 * A column's DuckDB type as SQL text. Types come from DESCRIBE, but STRUCT field names can
 * hold user text, so anything beyond a plain type name falls back to VARCHAR.
 */
export function sqlTypeOf(column: Column): string {
	return /^[A-Z][A-Z0-9_]*(\(\d+(, ?\d+)?\))?$/.test(column.type) ? column.type : 'VARCHAR';
}
