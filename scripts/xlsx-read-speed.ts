/**
 * Times the xlsx reader (nodes/shared/xlsx/read.ts) against the ExcelJS reader it replaces on a
 * generated BottleNeck-shaped web export: `tsx scripts/xlsx-read-speed.ts [webRows=100000] [runs=1]`.
 * Each read runs in a process of its own, so that its peak RSS is its own; with several runs, the
 * readers take turns and the best times are compared. The sample is generated in a temporary folder,
 * removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readXlsxSheet } from '../nodes/shared/xlsx/read';
import { xlsxToNdjson } from '../tests/helpers/exceljs-xlsx-reader';
import { generateSample } from './sample-data/generator';

const READERS = { exceljs: xlsxToNdjson, new: readXlsxSheet };
type ReaderName = keyof typeof READERS;

interface Measure {
	seconds: number;
	/** User and system CPU time: on a busy machine, wall time also measures the other processes. */
	cpuSeconds: number;
	peakRssMb: number;
	rows: number;
	outputMb: number;
}

/** In the child: read the sheet, print the measure as JSON. */
async function measure(reader: ReaderName, path: string, outPath: string): Promise<void> {
	const started = performance.now();
	const cpuAtStart = process.cpuUsage();
	const result = await READERS[reader](path, '', outPath);
	if ('problem' in result) throw new Error(`${reader}: ${result.problem}`);
	const cpu = process.cpuUsage(cpuAtStart);
	const measured: Measure = {
		seconds: (performance.now() - started) / 1000,
		cpuSeconds: (cpu.user + cpu.system) / 1e6,
		peakRssMb: process.resourceUsage().maxRSS / 1024,
		rows: result.rows,
		outputMb: statSync(outPath).size / 2 ** 20,
	};
	console.log(JSON.stringify(measured));
}

function runChild(reader: ReaderName, path: string, outPath: string): Measure {
	const child = spawnSync(
		process.execPath,
		['--import', 'tsx', __filename, '--measure', reader, path, outPath],
		{ encoding: 'utf8' },
	);
	if (child.status !== 0) throw new Error(`${reader} failed: ${child.stderr}`);
	return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
	const webRows = Number(process.argv[2] ?? 100_000);
	const runs = Number(process.argv[3] ?? 1);
	const dir = mkdtempSync(join(tmpdir(), 'xlsx-read-speed-'));
	try {
		const started = performance.now();
		const sample = await generateSample({ webRows, seed: 42, outDir: dir, formats: ['xlsx'] });
		const path = sample.files.web.xlsx!;
		console.log(
			`web.xlsx: ${webRows} rows × 28 columns, ${(statSync(path).size / 2 ** 20).toFixed(1)} MB, generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
		);
		const measures: Record<ReaderName, Measure[]> = { exceljs: [], new: [] };
		for (let run = 0; run < runs; run++) {
			for (const reader of Object.keys(READERS) as ReaderName[]) {
				const measured = runChild(reader, path, join(dir, `${reader}.ndjson`));
				measures[reader].push(measured);
				const { seconds, cpuSeconds, peakRssMb, rows, outputMb } = measured;
				console.log(
					`${reader.padEnd(8)} ${seconds.toFixed(2).padStart(7)} s (CPU ${cpuSeconds.toFixed(2)} s)   peak RSS ${peakRssMb.toFixed(0).padStart(4)} MB   ${rows} rows, ${outputMb.toFixed(1)} MB of NDJSON`,
				);
			}
		}
		if (measures.exceljs[0].rows !== measures.new[0].rows)
			throw new Error(`row counts differ: ${measures.exceljs[0].rows} vs ${measures.new[0].rows}`);
		const best = (reader: ReaderName, key: 'seconds' | 'cpuSeconds') =>
			Math.min(...measures[reader].map((measured) => measured[key]));
		const ratio = (key: 'seconds' | 'cpuSeconds') =>
			(best('exceljs', key) / best('new', key)).toFixed(1);
		console.log(
			`speed-up${runs > 1 ? ` (best of ${runs})` : ''}: ${ratio('seconds')}× (CPU ${ratio('cpuSeconds')}×); load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`,
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const [flag, reader, path, outPath] = process.argv.slice(2);
(flag === '--measure' ? measure(reader as ReaderName, path, outPath) : main()).catch(
	(error: Error) => {
		console.error(error.message);
		process.exitCode = 1;
	},
);
