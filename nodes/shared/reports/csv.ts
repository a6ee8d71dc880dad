import type { DuckSession } from '../duckdb';
import { quoteIdentifier, quoteLiteral } from '../sql';
import type { Column } from '../table/types';
import { isNumericType } from '../table/columns';

export type CsvStyle = 'standard' | 'french';

/**
 * Writes a relation as CSV with DuckDB. French Excel wants ';' and decimal commas; DuckDB
 * cannot write a decimal comma itself, so numeric columns are formatted in SQL.
 */
export async function writeCsv(session: DuckSession, relation: string, columns: Column[], path: string, style: CsvStyle): Promise<void> {
	const french = style === 'french';
	const projection = columns
		.map((column) => {
			const name = quoteIdentifier(column.name);
			if (!french || !isNumericType(column.type)) return name;
			return `replace(CAST(${name} AS VARCHAR), '.', ',') AS ${name}`;
		})
		.join(', ');
	await session.run(
		`COPY (SELECT ${projection} FROM ${relation} ORDER BY rowid) TO ${quoteLiteral(path)} (HEADER, DELIMITER ${quoteLiteral(french ? ';' : ',')})`,
	);
}
