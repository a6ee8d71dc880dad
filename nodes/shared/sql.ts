/** SQL text helpers. User-supplied names only ever reach DuckDB through these. */

export function quoteIdentifier(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

/** For the few places DuckDB cannot bind a parameter (COPY ... TO 'path'). */
export function quoteLiteral(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export function quoteList(names: readonly string[]): string {
	return names.map(quoteIdentifier).join(', ');
}
