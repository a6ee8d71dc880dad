import { quoteLiteral } from '../../sql';
import { typedBySample } from './types';
import type { ReadResult, TableFileFormat } from './types';

/** DuckDB's JSON reader over a whole file (an array of objects or one object per line), typed from a sample. */
export function readJsonSql(
	path: string,
	format: 'newline_delimited' | 'auto' = 'newline_delimited',
): Pick<ReadResult, 'sql' | 'exactSql'> {
	return typedBySample(
		(sampleRows) =>
			`read_json(${quoteLiteral(path)}, format = ${quoteLiteral(format)}, sample_size = ${sampleRows})`,
	);
}

export const json: TableFileFormat = {
	value: 'json',
	name: 'JSON',
	extensions: ['json', 'ndjson', 'jsonl'],
	mimeTypes: ['application/json', 'application/x-ndjson'],
	options: [],
	async read({ path }) {
		return readJsonSql(path, 'auto');
	},
};
