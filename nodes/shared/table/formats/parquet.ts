import { quoteLiteral } from '../../sql';
import { selectInOrder } from '../types';
import type { TableFileFormat } from './types';

export const PARQUET_MIME = 'application/vnd.apache.parquet';

/**
 * Parquet can be read in place: a node's SQL scans the file itself (only the columns it uses),
 * and file_row_number keeps the row order without copying the table into DuckDB first.
 */
export const parquet: TableFileFormat = {
	value: 'parquet',
	name: 'Parquet',
	extensions: ['parquet'],
	mimeTypes: [PARQUET_MIME, 'application/x-parquet'],
	options: [],
	async read({ path }) {
		return { sql: `read_parquet(${quoteLiteral(path)})`, order: 'file_row_number' };
	},
	async write({ session, relation, orderBy, path }) {
		await session.run(
			`COPY (${selectInOrder(relation, orderBy)}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
		);
	},
};
