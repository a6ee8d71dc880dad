import type { DuckSession } from '../duckdb';
import type { Column, Table } from './types';

/** A relation's columns with their DuckDB types, in order. */
export async function describeColumns(session: DuckSession, relation: string): Promise<Column[]> {
	const described = await session.rows(`DESCRIBE SELECT * FROM ${relation}`);
	return described.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

export class ColumnNotFoundError extends Error {
	/** The existing column the name is probably a typo of, if one is close. */
	readonly suggestion: string | undefined;

	constructor(
		readonly column: string,
		readonly table: Table,
	) {
		const suggestion = ColumnNotFoundError.nearest(column, table.columns);
		super(`Column "${column}" not found in ${table.label}${suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`}`);
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
			if (distance <= allowed && (!best || distance < best.distance)) best = { name: column.name, distance };
		}
		return best?.name;
	}

	/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours ("prcie"). */
	private static editDistance(a: string, b: string): number {
		const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
		for (let i = 1; i <= a.length; i++) {
			for (let j = 1; j <= b.length; j++) {
				d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
				if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
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
