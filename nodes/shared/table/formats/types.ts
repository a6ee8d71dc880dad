import type { INodeProperties } from 'n8n-workflow';
import type { DuckSession } from '../../duckdb';
import type { Column } from '../types';

/** The File Options a user set on a node: every format's own options, by name. */
export type FileOptions = Record<string, unknown>;

export interface ReadRequest {
	session: DuckSession;
	/** A local file DuckDB may open. */
	path: string;
	options: FileOptions;
	/** A scratch file name unique to this file, for formats that convert before DuckDB reads. */
	scratchPath(suffix: string): string;
}

/**
 * Rows DuckDB samples to guess column types (its own default). Guessing from every row doubled
 * the read of big files (1M-row CSV: 4.4 s against 2.3 s; 100k-row NDJSON: 1.33 s against
 * 0.59 s, measured). A file whose later rows break the guess is read again with `exactSql`.
 */
const TYPE_SAMPLE_ROWS = 20480;

/** A read typed from a sample of rows, with the every-row read to fall back on. */
export function typedBySample(
	readSql: (sampleRows: number) => string,
): Pick<ReadResult, 'sql' | 'exactSql'> {
	return { sql: readSql(TYPE_SAMPLE_ROWS), exactSql: readSql(-1) };
}

export interface ReadResult {
	/** A relation DuckDB can select from, e.g. `read_parquet('…')`. */
	sql: string;
	/**
	 * The file's own row order as a column of `sql` that `SELECT *` does not return (Parquet's
	 * file_row_number). With one, the loader can read the file in place; otherwise it copies the
	 * rows into a table, whose rowid keeps the order.
	 */
	order?: string;
	/** Added to the source description, e.g. the sheet that was read. */
	detail?: string;
	/**
	 * The same read with column types guessed from every row, for when `sql` guessed them from a
	 * sample and a later row does not fit (the loader retries with it). Slower: a whole extra pass.
	 */
	exactSql?: string;
}

export interface WriteRequest {
	session: DuckSession;
	/** What to write: a relation, in the order of `orderBy` (already quoted SQL) when given. */
	relation: string;
	orderBy?: string;
	columns: Column[];
	path: string;
	options: FileOptions;
}

/** A file the user must fix: the loader adds which node, input and file. */
export class FileProblem extends Error {
	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

/**
 * One file format: how it is recognised, the options it adds to File Options, and how DuckDB
 * reads or writes it. Adding a format is one file plus one entry in ./index.ts.
 */
export interface TableFileFormat {
	value: string;
	/** As listed under File Format. */
	name: string;
	/** Without the dot; the first is the one written. */
	extensions: string[];
	/** The first is the one files of this format are stored with. */
	mimeTypes: string[];
	/** Fields this format adds under File Options (their descriptions say which format they are for). */
	options: INodeProperties[];
	read?(request: ReadRequest): Promise<ReadResult>;
	write?(request: WriteRequest): Promise<void>;
}
