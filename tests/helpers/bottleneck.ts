import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckSession } from '../../nodes/shared/duckdb';
import { quoteLiteral } from '../../nodes/shared/sql';
import { readXlsxSheet } from '../../nodes/shared/xlsx/read';

export type ExportName = 'erp' | 'liaison' | 'web';
export type Format = 'xlsx' | 'csv' | 'parquet';
export const EXPORTS: ExportName[] = ['erp', 'liaison', 'web'];

/** The real BottleNeck exports live in ../shared beside the clone, never in the repo. */
export const BOTTLENECK_DIR = resolve(__dirname, '../../../shared/bottleneck');
export const SKIP_BOTTLENECK = existsSync(join(BOTTLENECK_DIR, 'web.xlsx'))
	? false
	: `the real BottleNeck exports are not at ${BOTTLENECK_DIR} (a clone without ../shared): skipped`;

/** The seven reference figures of the agreed monthly process (../shared/bottleneck/README.md). */
export const REFERENCE = {
	erp_rows: 825,
	liaison_rows: 825,
	web_clean_rows: 1428,
	web_dedup_rows: 714,
	merged_rows: 714,
	revenue_total: '70568.60',
	premium_count: 30,
};

let converted: string | undefined;

/**
 * The real exports in the wanted format. csv and parquet copies are made once per test
 * process in a temp folder (and removed at exit), so the same month can be fed as any format.
 */
export async function bottleneckFiles(format: Format): Promise<Record<ExportName, string>> {
	if (format === 'xlsx')
		return Object.fromEntries(
			EXPORTS.map((name) => [name, join(BOTTLENECK_DIR, `${name}.xlsx`)]),
		) as Record<ExportName, string>;
	if (!converted) {
		converted = mkdtempSync(join(tmpdir(), 'bottleneck-formats-'));
		process.on('exit', () => rmSync(converted!, { recursive: true, force: true }));
		const session = await DuckSession.open();
		try {
			for (const name of EXPORTS) {
				const ndjson = join(converted, `${name}.ndjson`);
				await readXlsxSheet(join(BOTTLENECK_DIR, `${name}.xlsx`), '', ndjson);
				const select = `SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', sample_size = -1)`;
				// Mixed number/text columns (sku, id_web) come back as JSON: written out as plain text.
				await session.run(`CREATE TEMP TABLE ${name} AS ${select}`);
				const columns = await session.rows(`DESCRIBE ${name}`);
				const projection = columns
					.map((c) =>
						c.column_type === 'JSON'
							? `"${String(c.column_name)}" ->> '$' AS "${String(c.column_name)}"`
							: `"${String(c.column_name)}"`,
					)
					.join(', ');
				await session.run(
					`COPY (SELECT ${projection} FROM ${name}) TO ${quoteLiteral(join(converted, `${name}.csv`))} (HEADER, DELIMITER ',')`,
				);
				await session.run(
					`COPY (SELECT ${projection} FROM ${name}) TO ${quoteLiteral(join(converted, `${name}.parquet`))} (FORMAT parquet)`,
				);
			}
		} finally {
			await session.close();
		}
	}
	return Object.fromEntries(
		EXPORTS.map((name) => [name, join(converted!, `${name}.${format}`)]),
	) as Record<ExportName, string>;
}
