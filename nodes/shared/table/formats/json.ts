import { quoteLiteral } from '../../sql';
import type { TableFileFormat } from './types';

/** DuckDB's JSON reader over a whole file: an array of objects or one object per line. */
export function readJsonSql(path: string, format: 'newline_delimited' | 'auto' = 'newline_delimited'): string {
	return `read_json(${quoteLiteral(path)}, format = ${quoteLiteral(format)}, sample_size = -1)`;
}

export const json: TableFileFormat = {
	value: 'json',
	name: 'JSON',
	extensions: ['json', 'ndjson', 'jsonl'],
	mimeTypes: ['application/json', 'application/x-ndjson'],
	options: [],
	async read({ path }) {
		return { sql: readJsonSql(path, 'auto') };
	},
};
