/**
 * A run only counts when its files hold the month's figures: the premium and ordinary lists
 * have the generator's counts and together add up to its revenue, to the cent.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { quoteLiteral } from '../nodes/shared/sql';
import type { ExpectedFigures } from '../scripts/sample-data/generator';

const REVENUE_REPORTS = ['rapport_ca.xlsx', 'rapport_ca.csv'];

/** What is wrong with the output folder, or undefined when it holds the expected figures. */
export async function verifyOutputs(
	folder: string,
	expected: ExpectedFigures,
): Promise<string | undefined> {
	if (!REVENUE_REPORTS.some((file) => existsSync(join(folder, file))))
		return 'no revenue report was written';
	const lists = {
		premium: join(folder, 'vins_premium.csv'),
		ordinary: join(folder, 'vins_ordinaires.csv'),
	};
	for (const [list, file] of Object.entries(lists))
		if (!existsSync(file)) return `no ${list} list was written`;
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	try {
		const read = (file: string) =>
			`read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`;
		const sumOfCents =
			'sum(round(CAST(price AS DOUBLE) * 100)::HUGEINT * CAST(total_sales AS HUGEINT))';
		const reader = await connection.runAndReadAll(`
			SELECT (SELECT count(*) FROM ${read(lists.premium)}) AS premium,
			       (SELECT count(*) FROM ${read(lists.ordinary)}) AS ordinary,
			       (SELECT ${sumOfCents} FROM (FROM ${read(lists.premium)} UNION ALL BY NAME FROM ${read(lists.ordinary)}))::VARCHAR AS cents`);
		const [premium, ordinary, cents] = reader.getRows()[0].map((value) => String(value));
		const revenue =
			(BigInt(cents) < 0n ? '-' : '') +
			`${BigInt(cents) / 100n}.${String(BigInt(cents) % 100n).padStart(2, '0')}`;
		const found = {
			premium_count: Number(premium),
			ordinary_count: Number(ordinary),
			revenue_total: revenue,
		};
		const wanted = {
			premium_count: expected.premium_count,
			ordinary_count: expected.ordinary_count,
			revenue_total: expected.revenue_total,
		};
		return JSON.stringify(found) === JSON.stringify(wanted)
			? undefined
			: `wrong figures: ${JSON.stringify(found)}, expected ${JSON.stringify(wanted)}`;
	} catch (error) {
		return `unreadable lists: ${(error as Error).message.split('\n')[0]}`;
	} finally {
		connection.closeSync();
		instance.closeSync();
	}
}
