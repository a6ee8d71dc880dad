/** `npm run sample -- --rows 1513 --out DIR [--seed 42] [--variant newer|2020] [--formats xlsx,csv,parquet] [--csv-style standard|french]` */
import { parseArgs } from 'node:util';
import { generateSample } from './generator';
import type { SampleFormat } from './generator';

async function main() {
	const { values } = parseArgs({
		options: {
			rows: { type: 'string', default: '1513' },
			out: { type: 'string', default: 'sample-data' },
			seed: { type: 'string', default: '42' },
			variant: { type: 'string', default: 'newer' },
			formats: { type: 'string', default: 'xlsx,csv,parquet' },
			'csv-style': { type: 'string', default: 'standard' },
		},
	});
	const started = Date.now();
	const sample = await generateSample({
		webRows: Number(values.rows),
		outDir: values.out!,
		seed: Number(values.seed),
		variant: values.variant as 'newer' | '2020',
		formats: values.formats!.split(',') as SampleFormat[],
		csvStyle: values['csv-style'] as 'standard' | 'french',
	});
	console.log(JSON.stringify({ ...sample, seconds: (Date.now() - started) / 1000 }, null, 2));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
