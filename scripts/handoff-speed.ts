/**
 * `npx tsx scripts/handoff-speed.ts [--rows 1000000]`: how a table is best handed on between
 * nodes. Writes a generated web export (long text columns included) as Parquet with each codec
 * and row-group size, then times what the next node pays: reading it back into DuckDB, and
 * streaming it into a store file (what n8n's filesystem binary store does with a stream — its
 * copyBinaryFile helper streams the same way). Prints one line per setting.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { withSession } from '../nodes/shared/duckdb';
import { quoteLiteral } from '../nodes/shared/sql';
import { generateSample } from './sample-data/generator';

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
	const start = performance.now();
	const result = await work();
	return [Math.round(performance.now() - start), result];
}

async function main() {
	const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
	const dir = mkdtempSync(join(tmpdir(), 'handoff-speed-'));
	try {
		await generateSample({
			webRows: Number(values.rows),
			seed: 42,
			outDir: dir,
			formats: ['parquet'],
		});
		const web = join(dir, 'web.parquet');
		await withSession({}, async (session) => {
			await session.run(
				`CREATE TEMP TABLE web AS SELECT * FROM read_parquet(${quoteLiteral(web)})`,
			);
			const rows = await session.count('SELECT count(*) FROM web');
			console.log(
				`${rows.toLocaleString('en')} rows; write ms / size MB / read-back ms / store-copy ms`,
			);
			for (const codec of ['zstd', 'snappy', 'lz4', 'uncompressed']) {
				for (const rowGroup of [122_880, 1_000_000]) {
					const path = join(dir, `t-${codec}-${rowGroup}.parquet`);
					const [writeMs] = await timed(() =>
						session.run(
							`COPY (SELECT * FROM web ORDER BY rowid) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE ${rowGroup})`,
						),
					);
					const [readMs] = await timed(() =>
						session.run(
							`CREATE OR REPLACE TEMP TABLE back AS SELECT * FROM read_parquet(${quoteLiteral(path)})`,
						),
					);
					const [copyMs] = await timed(() =>
						pipeline(createReadStream(path), createWriteStream(`${path}.stored`)),
					);
					const sizeMb = (statSync(path).size / 2 ** 20).toFixed(1);
					console.log(
						`${codec.padEnd(12)} row group ${String(rowGroup).padStart(9)}: ${writeMs} / ${sizeMb} / ${readMs} / ${copyMs}`,
					);
				}
			}
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
