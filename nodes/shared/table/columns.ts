import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckSession } from '../duckdb';
import type { Column, Table } from './types';

/**
 * A relation's columns with their DuckDB types, in order: the type's SQL text as DESCRIBE
 * writes it, and its id and alias from the prepared query's metadata.
 */
export async function describeColumns(session: DuckSession, relation: string): Promise<Column[]> {
	const query = `SELECT * FROM ${relation}`;
	const described = await session.rows(`DESCRIBE ${query}`);
	const types = await session.columnTypes(query);
	return described.map((row, index) => ({
		name: String(row.column_name),
		type: String(row.column_type),
		typeId: types[index].typeId,
		...(types[index].alias === undefined ? {} : { alias: types[index].alias }),
	}));
}

export class ColumnNotFoundError extends Error {
	/** The existing column the name is probably a typo of, if one is close. */
	readonly suggestion: string | undefined;

	constructor(
		readonly column: string,
		readonly table: Table,
	) {
		const suggestion = ColumnNotFoundError.nearest(column, table.columns);
		super(
			`Column "${column}" not found in ${table.label}${suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`}`,
		);
		this.suggestion = suggestion;
	}

	get hint(): string {
		const found = this.table.columns.map((c) => c.name).join(', ');
		return `Columns found: ${found}. Check the spelling, or rename the column upstream.`;
	}

	/**
	 * The column a mistyped name most likely meant: the fewest edits, ignoring case and spaces.
	 * Close means at most 2 edits or a third of the name, and fewer edits than the name has
	 * letters (else any short name "matches"). Ties go to the first column in table order.
	 */
	private static nearest(name: string, columns: Column[]): string | undefined {
		const fold = (text: string) => text.toLowerCase().replace(/\s+/g, '');
		const wanted = fold(name);
		const allowed = Math.min(Math.max(2, Math.floor(wanted.length / 3)), wanted.length - 1);
		let best: { name: string; distance: number } | undefined;
		for (const column of columns) {
			const distance = ColumnNotFoundError.editDistance(wanted, fold(column.name));
			if (distance <= allowed && (!best || distance < best.distance))
				best = { name: column.name, distance };
		}
		return best?.name;
	}

	/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours ("prcie"). */
	private static editDistance(a: string, b: string): number {
		const d = Array.from({ length: a.length + 1 }, (_, i) =>
			Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
		);
		for (let i = 1; i <= a.length; i++) {
			for (let j = 1; j <= b.length; j++) {
				d[i][j] = Math.min(
					d[i - 1][j] + 1,
					d[i][j - 1] + 1,
					d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
				);
				if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
			}
		}
		return d[a.length][b.length];
	}
}

/** Finds a column by exact name, else by a unique case-insensitive match, as users type names from memory. */
export function findColumn(table: Table, name: string): Column {
	const trimmed = (name ?? '').trim();
	// A name in double quotes is taken literally, as in SQL: "a ""quoted"" name".
	const wanted = /^".*"$/s.test(trimmed) ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
	const exact = table.columns.find((column) => column.name === wanted);
	if (exact) return exact;
	const folded = table.columns.filter(
		(column) => column.name.toLowerCase() === wanted.toLowerCase(),
	);
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

/** Integers of every width, signed or not: their text never has a fraction. */
const WHOLE_NUMBER_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
	DuckDBTypeId.TINYINT,
	DuckDBTypeId.SMALLINT,
	DuckDBTypeId.INTEGER,
	DuckDBTypeId.BIGINT,
	DuckDBTypeId.HUGEINT,
	DuckDBTypeId.UTINYINT,
	DuckDBTypeId.USMALLINT,
	DuckDBTypeId.UINTEGER,
	DuckDBTypeId.UBIGINT,
	DuckDBTypeId.UHUGEINT,
]);
/** Integers that can pass 2^53, past which a double (JavaScript's number, Excel's cell) rounds. */
const WIDE_INTEGER_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
	DuckDBTypeId.BIGINT,
	DuckDBTypeId.HUGEINT,
	DuckDBTypeId.UBIGINT,
	DuckDBTypeId.UHUGEINT,
]);
const FLOATING_POINT_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
	DuckDBTypeId.FLOAT,
	DuckDBTypeId.DOUBLE,
]);
/** Timestamps of every precision, with or without a time zone. */
const TIMESTAMP_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
	DuckDBTypeId.TIMESTAMP,
	DuckDBTypeId.TIMESTAMP_S,
	DuckDBTypeId.TIMESTAMP_MS,
	DuckDBTypeId.TIMESTAMP_NS,
	DuckDBTypeId.TIMESTAMP_TZ,
]);
/** Besides numbers and timestamps, types whose values have a short text form of bounded length. */
const OTHER_FIXED_SIZE_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
	DuckDBTypeId.BOOLEAN,
	DuckDBTypeId.DATE,
	DuckDBTypeId.TIME,
	DuckDBTypeId.TIME_NS,
	DuckDBTypeId.TIME_TZ,
	DuckDBTypeId.INTERVAL,
	DuckDBTypeId.UUID,
]);

export function isWholeNumber(column: Column): boolean {
	return WHOLE_NUMBER_TYPES.has(column.typeId);
}

/** BIGINT and wider: values can pass 2^53. */
export function isWideInteger(column: Column): boolean {
	return WIDE_INTEGER_TYPES.has(column.typeId);
}

export function isFloatingPoint(column: Column): boolean {
	return FLOATING_POINT_TYPES.has(column.typeId);
}

/** Integers, FLOAT, DOUBLE and DECIMAL; not BIGNUM (VARINT). */
export function isNumeric(column: Column): boolean {
	return isWholeNumber(column) || isFloatingPoint(column) || column.typeId === DuckDBTypeId.DECIMAL;
}

/** Plain VARCHAR: not JSON, which DuckDB types as a VARCHAR with an alias. */
export function isText(column: Column): boolean {
	return column.typeId === DuckDBTypeId.VARCHAR && column.alias === undefined;
}

export function isJson(column: Column): boolean {
	return column.typeId === DuckDBTypeId.VARCHAR && column.alias === 'JSON';
}

export function isTimestamp(column: Column): boolean {
	return TIMESTAMP_TYPES.has(column.typeId);
}

/** A number, a boolean or a short text of bounded length (dates, times, intervals, UUIDs). */
export function isFixedSize(column: Column): boolean {
	return isNumeric(column) || isTimestamp(column) || OTHER_FIXED_SIZE_TYPES.has(column.typeId);
}

/**
 * A column's DuckDB type as SQL text. Types come from DESCRIBE, but STRUCT field names can
 * hold user text, so anything beyond a plain type name falls back to VARCHAR.
 */
export function sqlTypeOf(column: Column): string {
	return /^[A-Z][A-Z0-9_]*(\(\d+(, ?\d+)?\))?$/.test(column.type) ? column.type : 'VARCHAR';
}
