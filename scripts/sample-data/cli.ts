/**
 * Writes deterministic BottleNeck-shaped exports and their expected figures:
 *
 *   tsx scripts/sample-data/cli.ts --rows 1500 --out DIR [--seed 42] [--variant newer|2020]
 *                                  [--formats xlsx,csv,parquet] [--csv-style standard|french] [--html-descriptions]
 *                                  [--period YYYY-MM [--baseline YYYY-MM]] [--web-volume 0.6]
 *
 * (`npm run sample -- --out DIR ...`). Defaults: 1513 web rows (the real month's size), seed 42,
 * the newer variant, all three formats, standard CSV, short descriptions. --html-descriptions
 * fills post_content and post_excerpt with long HTML, as real exports have (same figures).
 * --period generates that month of the shop's history (month 0 is --baseline, default 2020-08:
 * the month generated without --period), with its products listed and delisted, prices and
 * sales drifted; --web-volume keeps that share of the web export's rows (a planted drop).
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSample } from './generator';
import type { CsvStyle, SampleFormat, SampleVariant } from './generator';

const USAGE =
	'usage: tsx scripts/sample-data/cli.ts --rows 1513 --out DIR [--seed 42] [--variant newer|2020] [--formats xlsx,csv,parquet] [--csv-style standard|french] [--html-descriptions] ' +
	'[--period YYYY-MM [--baseline YYYY-MM]] [--web-volume 0.6]';

function fail(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

function integer(name: string, text: string): number {
	if (!/^-?\d+$/.test(text.trim())) fail(`--${name} must be an integer (got "${text}")`);
	return Number(text);
}

async function main() {
	let values;
	try {
		({ values } = parseArgs({
			options: {
				rows: { type: 'string', default: '1513' },
				out: { type: 'string' },
				seed: { type: 'string', default: '42' },
				variant: { type: 'string', default: 'newer' },
				formats: { type: 'string', default: 'xlsx,csv,parquet' },
				'csv-style': { type: 'string', default: 'standard' },
				'html-descriptions': { type: 'boolean', default: false },
				period: { type: 'string' },
				baseline: { type: 'string' },
				'web-volume': { type: 'string', default: '1' },
				help: { type: 'boolean', short: 'h' },
			},
		}));
	} catch (error) {
		fail((error as Error).message);
	}
	if (values.help) {
		console.log(USAGE);
		return;
	}
	if (!values.out) fail('--out DIR is required');
	const variant = values.variant as SampleVariant;
	if (variant !== 'newer' && variant !== '2020')
		fail(`--variant must be newer or 2020 (got "${values.variant}")`);
	const csvStyle = values['csv-style'] as CsvStyle;
	if (csvStyle !== 'standard' && csvStyle !== 'french')
		fail(`--csv-style must be standard or french (got "${values['csv-style']}")`);
	const formats = values.formats
		.split(',')
		.map((f) => f.trim())
		.filter(Boolean) as SampleFormat[];
	const unknown = formats.filter((f) => !['xlsx', 'csv', 'parquet'].includes(f));
	if (!formats.length || unknown.length)
		fail(`--formats takes xlsx, csv and/or parquet, comma-separated (got "${values.formats}")`);
	const webRows = integer('rows', values.rows);
	if (webRows < 20) fail(`--rows must be at least 20 (got ${webRows})`);
	const { period, baseline } = values;
	for (const [name, month] of [
		['period', period],
		['baseline', baseline],
	] as const) {
		if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
			fail(`--${name} must be a YYYY-MM month (got "${month}")`);
	}
	if (baseline !== undefined && period === undefined) fail('--baseline needs --period');
	const webVolumeFactor = Number(values['web-volume']);
	if (
		!/^(0|1)?(\.\d+)?$/.test(values['web-volume'].trim()) ||
		!(webVolumeFactor > 0 && webVolumeFactor <= 1)
	) {
		fail(`--web-volume must be a share in (0, 1] (got "${values['web-volume']}")`);
	}

	const started = process.hrtime.bigint();
	const htmlDescriptions = values['html-descriptions'];
	const drift = baseline === undefined ? undefined : { baseline };
	const sample = await generateSample({
		webRows,
		outDir: values.out,
		seed: integer('seed', values.seed),
		variant,
		formats,
		csvStyle,
		htmlDescriptions,
		period,
		drift,
		webVolumeFactor,
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;

	const shown = (path: string) => relative(process.cwd(), path) || path;
	console.log(
		`Generated ${webRows} web rows (seed ${sample.shape.seed}, variant ${variant}${formats.some((f) => f !== 'xlsx') ? `, ${csvStyle} csv` : ''}${htmlDescriptions ? ', HTML descriptions' : ''}) in ${seconds.toFixed(2)} s:`,
	);
	for (const [name, byFormat] of Object.entries(sample.files)) {
		for (const [format, path] of Object.entries(byFormat)) {
			console.log(
				`  ${`${name}.${format}`.padEnd(16)} ${String(statSync(path).size).padStart(12)} bytes  ${shown(path)}`,
			);
		}
	}
	console.log(
		`  ${'expected.json'.padEnd(16)} ${String(statSync(sample.expectedFile).size).padStart(12)} bytes  ${shown(sample.expectedFile)}`,
	);
	const { shape } = sample;
	if (period !== undefined) {
		console.log(
			`Period ${period}: ${shape.months_since_baseline} months after the baseline, ${shape.new_products} products listed and ${shape.gone_products} delisted since the month before`,
		);
	}
	if (webVolumeFactor < 1)
		console.log(
			`Web volume: ${shape.web_rows} of ${webRows} rows kept (factor ${webVolumeFactor})`,
		);
	console.log(
		`Shape: ${shape.skus} skus, ${shape.blank_web_rows} blank web rows, ${shape.product_rows_without_sku} product rows without sku, ` +
			`${shape.erp_rows} ERP rows (${shape.empty_id_web} empty id_web, ${shape.id_web_absent_from_web} id_web absent from web), ` +
			`${shape.conflicting_skus.length} conflicting skus, text skus ${shape.text_skus.slice(0, 5).join(', ')}${shape.text_skus.length > 5 ? ', …' : ''}`,
	);
	console.log('Expected figures:');
	console.log(JSON.stringify(sample.expected, null, 2));
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
