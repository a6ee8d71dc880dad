/**
 * Month over month in the real n8n: 13 consecutive generated months (2025-10 … 2026-10, the
 * same shop drifting, its web volume moving by a few per cent; the 13th with 40 % of its web
 * rows gone) run one after the other: through `npm run report --history … --period …` against
 * the embedded DuckDB history file, and again through the webhook of a running n8n
 * (`?period=`) against a real Postgres. Each month's summary.json compares it with the month before, exactly;
 * the volume anomaly check flags the 13th; the last Slack message carries the month-over-month lines.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckSession } from '../../nodes/shared/duckdb';
import { openDuckDbHistory } from '../../nodes/shared/history/duckdbFile';
import { quoteLiteral } from '../../nodes/shared/sql';
import { HISTORY_REPORT_FILES, REPORT_FILES } from '../../scripts/n8n/instance';
import { LocalPostgres, postgresMissing } from '../../scripts/n8n/postgres';
import { generateSample } from '../../scripts/sample-data/generator';
import type { ExpectedFigures } from '../../scripts/sample-data/generator';
import { freshDir, runReport, startReportServer, until } from './helpers';
import {
	assertChartPng,
	assertRendersOffline,
	assertReportEmail,
	CHROMIUM,
	emailAsShown,
	frenchEuros,
	frenchGroups,
	SHOTS,
} from './manager-view';
import { SlackReceiver, SmtpReceiver } from './receivers';
import { EXPORTS } from '../helpers/bottleneck';

const MONTHS = 13;
const FIRST = '2025-10';
const PG_PORT = 6030;
const SERVER_PORT = 6032;
const TOKEN = 'history-token';

function period(index: number): string {
	const [year, month] = FIRST.split('-').map(Number);
	const at = year * 12 + month - 1 + index;
	return `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`;
}

/** Exact difference of two money strings ("70568.60"), as the history writes it. */
function moneyChange(now: string, before: string): string {
	const cents = (text: string) => BigInt(text.replace('.', ''));
	const difference = cents(now) - cents(before);
	const sign = difference < 0n ? '-' : '';
	const magnitude = (difference < 0n ? -difference : difference).toString().padStart(3, '0');
	return `${sign}${magnitude.slice(0, -2)}.${magnitude.slice(-2)}`;
}

interface Month {
	period: string;
	folder: string;
	expected: ExpectedFigures;
}

const root = freshDir('history-e2e-');
after(() => rmSync(root, { recursive: true, force: true }));
const months: Month[] = [];

before(async () => {
	for (let index = 0; index < MONTHS; index++) {
		const folder = join(root, 'months', period(index));
		// Web volume moves a little from month to month (97–100 %), as a real shop's does; the 13th keeps 60 %.
		const webVolumeFactor = index === MONTHS - 1 ? 0.6 : 1 - 0.01 * ((index * 7) % 4);
		const sample = await generateSample({
			webRows: 1513,
			seed: 42,
			outDir: folder,
			formats: ['xlsx'],
			period: period(index),
			webVolumeFactor,
		});
		months.push({ period: period(index), folder, expected: sample.expected });
	}
});

/** The product_id column of a premium list the report wrote. */
async function premiumKeys(out: string): Promise<Set<string>> {
	const session = await DuckSession.open();
	try {
		const rows = await session.rows(
			`SELECT CAST(product_id AS VARCHAR) AS key FROM read_csv(${quoteLiteral(join(out, 'vins_premium.csv'))}, all_varchar = true)`,
		);
		return new Set(rows.map((row) => String(row.key)));
	} finally {
		await session.close();
	}
}

/** How one month is run: its summary.json, and the folder its report files went to. */
type MonthRunner = (month: Month, slackUrl: string) => Promise<{ summary: Summary; out: string }>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = any;

/** Runs the 13 months one after the other against one history and checks every summary. */
async function thirteenMonths(runMonth: MonthRunner) {
	const slack = new SlackReceiver();
	const slackUrl = await slack.start();
	try {
		let previous: { month: Month; premium: Set<string> } | undefined;
		for (const month of months) {
			const { summary, out } = await runMonth(month, slackUrl);
			assert.equal(summary.period, month.period);
			assert.equal(summary.warnings, undefined, `${month.period}: the history worked`);
			assert.equal(
				summary.figures.revenue_total,
				month.expected.revenue_total,
				`${month.period}: the month's own revenue`,
			);
			const premium = await premiumKeys(out);
			if (!previous) {
				assert.equal(summary.comparison, null, 'nothing recorded before the first month');
			} else {
				const { comparison } = summary;
				assert.equal(comparison.previous_period, previous.month.period);
				assert.equal(comparison.revenue_total_previous, previous.month.expected.revenue_total);
				assert.equal(
					comparison.revenue_change,
					moneyChange(month.expected.revenue_total, previous.month.expected.revenue_total),
					`${month.period}: revenue change to the cent`,
				);
				assert.deepEqual(
					comparison.premium_in,
					[...premium].filter((key) => !previous!.premium.has(key)).sort(),
					`${month.period}: premium in`,
				);
				assert.deepEqual(
					comparison.premium_out,
					[...previous.premium].filter((key) => !premium.has(key)).sort(),
					`${month.period}: premium out`,
				);
				assert.equal(comparison.top_risers.length + comparison.top_fallers.length > 0, true);
			}
			const volume = summary.checks.find((check: { name: string }) => check.name === 'WEB volume');
			if (month === months.at(-1)) {
				assert.equal(
					volume.status,
					'warn',
					`the 40 % web drop is flagged: ${JSON.stringify(volume)}`,
				);
				// In the shipped Config's locale, fr-FR: "1 354,1" (a narrow no-break space groups thousands).
				const frenchCount = frenchGroups(String(month.expected.web_clean_rows));
				assert.match(
					String(volume.observed),
					new RegExp(`^${frenchCount} rows \\(z = −\\d+,\\d\\)$`),
				);
				assert.match(
					String(volume.expected),
					/^between [\d\u202f]+(,\d)? and [\d\u202f]+(,\d)? \(check_web_rows: mean [\d\u202f]+(,\d)? ± 3 × [\d\u202f]+(,\d)? over 12 periods, 2025-10 to 2026-09\)$/,
				);
			} else if (months.indexOf(month) >= 3) {
				assert.equal(volume.status, 'pass', `${month.period}: ${JSON.stringify(volume)}`);
			} else {
				assert.equal(
					volume.status,
					'skipped',
					`${month.period}: too little history, skipped, never failed`,
				);
			}
			previous = { month, premium };
		}
		const last = JSON.stringify(slack.messages.at(-1));
		assert.match(last, /Compared with 2026-09/);
		assert.match(last, /Top risers: /);
		assert.match(last, /Premium in: /);
	} finally {
		await slack.stop();
	}
}

describe(`${MONTHS} months through npm run report with history`, () => {
	test('history in a DuckDB file, each month through npm run report', async () => {
		await thirteenMonths(async (month, slackUrl) => {
			const out = join(root, 'file', month.period);
			const result = await runReport([
				'--input',
				month.folder,
				'--out',
				out,
				'--period',
				month.period,
				'--slack',
				slackUrl,
				'--history',
				join(root, 'history-file'),
			]);
			assert.equal(result.code, 0, `${month.period}: ${result.stderr}${result.stdout}`);
			assert.doesNotMatch(result.stderr, /WARNING/, `${month.period}: the history worked`);
			return { summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), out };
		});
		// The first month has no history to draw: its chart is the Pareto alone, shorter than the 13th's trend above its Pareto.
		const [first, last] = [months[0], months.at(-1)!].map((month) =>
			assertChartPng(
				readFileSync(join(root, 'file', month.period, 'tendance_ca.png')),
				month.period,
			),
		);
		assert.ok(
			first.height < last.height * 0.6,
			`Pareto alone ${first.height} px high, trend and Pareto ${last.height} px`,
		);
	});

	test('a hostile history (a corrupt file, a store from a newer version, a database without our tables): the report still comes out, with the history error as a warning', async () => {
		const slack = new SlackReceiver();
		const slackUrl = await slack.start();
		try {
			const newer = join(root, 'hostile', 'newer');
			const store = await openDuckDbHistory(join(newer, 'sales-history.duckdb'));
			await store.close();
			const session = await DuckSession.open();
			try {
				await session.run(
					`ATTACH ${quoteLiteral(join(newer, 'sales-history.duckdb'))} AS h; UPDATE h.history_meta SET value = '99' WHERE name = 'schema_version'; DETACH h`,
				);
			} finally {
				await session.close();
			}
			// A DuckDB database that is not a history: someone else's table, none of ours.
			const foreign = join(root, 'hostile', 'foreign');
			mkdirSync(foreign, { recursive: true });
			const other = await DuckSession.open();
			try {
				await other.run(
					`ATTACH ${quoteLiteral(join(foreign, 'sales-history.duckdb'))} AS f; CREATE TABLE f.orders AS SELECT 1 AS id; DETACH f`,
				);
			} finally {
				await other.close();
			}
			const corrupt = join(root, 'hostile', 'corrupt');
			mkdirSync(corrupt, { recursive: true });
			writeFileSync(join(corrupt, 'sales-history.duckdb'), 'this is not a database '.repeat(100));
			for (const [label, folder, words] of [
				['corrupt', corrupt, /not a DuckDB database/i],
				['newer', newer, /newer/i],
				['foreign', foreign, /no table|missing|not a Sales History/i],
			] as const) {
				const month = months[1];
				const out = join(root, 'hostile-out', label);
				const result = await runReport([
					'--input',
					month.folder,
					'--out',
					out,
					'--period',
					month.period,
					'--slack',
					slackUrl,
					'--history',
					folder,
				]);
				assert.equal(result.code, 0, `${label}: ${result.stderr}${result.stdout}`);
				for (const file of REPORT_FILES)
					assert.equal(
						existsSync(join(out, file)),
						!HISTORY_REPORT_FILES.includes(file),
						`${label}: ${file} written, unless drawn from the history`,
					);
				assert.match(
					result.stderr,
					/WARNING: Compare History failed, the report went out without it: /,
					label,
				);
				const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
				assert.equal(summary.figures.revenue_total, month.expected.revenue_total);
				assert.equal(summary.comparison, undefined, `${label}: no comparison`);
				assert.match(
					summary.warnings[0],
					/^"Compare History" failed, so the comparison with the history is left out: /,
				);
				assert.match(summary.warnings[0], words);
				const volume = summary.checks.find(
					(check: { name: string }) => check.name === 'WEB volume',
				);
				assert.deepEqual(
					[volume.status, volume.observed],
					['warn', 'history unavailable'],
					`${label}: the volume check could not judge, as a warning`,
				);
				const message = JSON.stringify(slack.messages.at(-1));
				assert.match(message, /\*Warnings\*/, `${label}: the Slack message says so`);
			}
		} finally {
			await slack.stop();
		}
	});

	// The same months against a real Postgres, uploaded to the webhook of one running n8n (?period= names the month): one n8n boot, not 13.
	test(
		'history in Postgres, each month uploaded to the webhook',
		{ skip: postgresMissing() },
		async (t) => {
			const postgres = new LocalPostgres(PG_PORT, 'sales').start();
			const smtp = new SmtpReceiver();
			const [out, uploads] = [freshDir('history-pg-out-'), freshDir('history-pg-uploads-')];
			let server: Awaited<ReturnType<typeof startReportServer>> | undefined;
			try {
				const history = {
					postgres: {
						host: postgres.host,
						port: postgres.port,
						database: postgres.database,
						user: postgres.user,
						password: '',
					},
				};
				const smtpAddress = await smtp.start();
				await thirteenMonths(async (month, slackUrl) => {
					server ??= await startReportServer({
						port: SERVER_PORT,
						token: TOKEN,
						slackUrl,
						smtpAddress,
						outputFolder: out,
						inputFolder: uploads,
						history,
					});
					const form = new FormData();
					for (const name of EXPORTS)
						form.append(
							name,
							new Blob([readFileSync(join(month.folder, `${name}.xlsx`))]),
							`${name}.xlsx`,
						);
					form.append(
						'expected',
						new Blob([JSON.stringify(month.expected)], { type: 'application/json' }),
						'expected.json',
					);
					const response = await fetch(`${server.webhook}?period=${month.period}`, {
						method: 'POST',
						body: form,
						headers: { 'X-Report-Token': TOKEN },
					});
					const body = await response.text();
					assert.equal(response.status, 200, `${month.period}: ${body}`);
					// Record History runs after the answer: the next month must find this one recorded.
					await until(`${month.period} recorded`, 20, () =>
						postgres.query(
							`SELECT count(*) FROM sales_history_runs WHERE period = '${month.period}'`,
						)[0] === '1'
							? true
							: undefined,
					);
					return { summary: JSON.parse(body), out };
				});
				assert.deepEqual(postgres.query('SELECT count(*) FROM sales_history_runs'), [
					String(MONTHS),
				]);

				// What the managers of the 13th month receive.
				assert.equal(smtp.mails.length, MONTHS);
				const mail = smtp.mails.at(-1)!;
				const { chart, dashboard } = assertReportEmail(mail, [
					'rapport_ca.xlsx',
					'vins_premium.csv',
					'vins_ordinaires.csv',
					'tableau_de_bord.html',
				]);
				assert.deepEqual(
					chart,
					readFileSync(join(out, 'tendance_ca.png')),
					'the chart sent is the one saved',
				);
				assert.equal(
					dashboard,
					readFileSync(join(out, 'tableau_de_bord.html'), 'utf8'),
					'the dashboard sent is the one saved',
				);
				assertChartPng(chart, 'the emailed chart');
				// Money in the shipped Config's locale, fr-FR.
				assert.ok(
					String(mail.text).includes(
						`Revenue: ${frenchEuros(months.at(-1)!.expected.revenue_total)}, `,
					),
					String(mail.text),
				);
				assert.match(String(mail.text), /Compared with 2026-09:/);
				assert.match(String(mail.html), /WEB volume/, 'the warning check is named in the email');
				// The dashboard: 12 months of trend, each of the 13 months in the data-quality grid, the 13th's warning shown.
				for (const month of months)
					assert.ok(dashboard.includes(month.period), `${month.period} on the dashboard`);
				assert.ok(/class="[^"]*\bwarn\b/.test(dashboard), 'the warning is highlighted');
				if (existsSync(CHROMIUM)) {
					const shots = await assertRendersOffline(
						[
							{ name: 'email-html', html: emailAsShown(mail), width: 760 },
							{ name: 'dashboard', html: dashboard },
						],
						uploads,
					);
					writeFileSync(join(SHOTS, 'tendance_ca.png'), chart);
					console.log(
						`# screenshots: ${[...Object.values(shots), join(SHOTS, 'tendance_ca.png')].join(', ')}`,
					);
				} else {
					t.diagnostic(
						`the email and the dashboard were not opened in a browser: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
					);
				}
			} finally {
				await server?.n8n.stopServer();
				if (server) rmSync(server.home, { recursive: true, force: true });
				await smtp.stop();
				for (const dir of [out, uploads]) rmSync(dir, { recursive: true, force: true });
				postgres.stop();
			}
		},
	);
});
