import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { generateSample } from '../../scripts/sample-data/generator';
import { ensureN8n, n8nMajor, REPORT_FILES, ROOT } from '../../scripts/n8n/instance';
import { SKIP_BOTTLENECK } from '../helpers/bottleneck';
import { bottleneckMonth, freshDir, HISTORY_CHECKS, REFERENCE, runReport } from './helpers';
import { SlackReceiver, SmtpReceiver } from './receivers';

if (SKIP_BOTTLENECK) console.log(`# ${SKIP_BOTTLENECK}`);

const slack = new SlackReceiver();
const smtp = new SmtpReceiver();
let slackUrl = '';
let smtpAddress = '';
const cleanup: string[] = [];
before(async () => {
	slackUrl = await slack.start();
	smtpAddress = await smtp.start();
});
after(async () => {
	await slack.stop();
	await smtp.stop();
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

async function revenueInWorkbook(path: string): Promise<number> {
	const workbook = new ExcelJS.Workbook();
	await workbook.xlsx.readFile(path);
	const sheet = workbook.getWorksheet('Revenue')!;
	return (sheet.getRow(sheet.rowCount).getCell(6).value as { result: number }).result;
}

/**
 * The reference figures in summary.json, which Save Reports builds from the run: one
 * `<node>_rows` per Clean Table and check of the shipped workflow, the totals by their own names.
 */
function referenceFigures(figures: Record<string, unknown>) {
	return {
		erp_rows: figures.check_erp_rows,
		liaison_rows: figures.check_liaison_rows,
		web_clean_rows: figures.check_web_rows,
		web_dedup_rows: figures.check_web_dedup_rows,
		merged_rows: figures.merged_rows,
		revenue_total: figures.revenue_total,
		premium_count: figures.premium_count,
		ordinary_count: figures.ordinary_count,
	};
}

describe(`npm run report: the shipped workflow inside the real n8n CLI (n8n ${n8nMajor()})`, () => {
	test("the README's compatibility table has this n8n line, on the Node it runs on here", () => {
		const { version, node } = ensureN8n();
		const nodeMajor = execFileSync(node, ['--version'])
			.toString()
			.trim()
			.replace(/^v(\d+).*$/, '$1');
		const [major, minor] = version.split('.');
		const row = readFileSync(join(ROOT, 'README.md'), 'utf8')
			.split('\n')
			.find((line) => line.startsWith(`| ${major}.${minor}.x `));
		assert.ok(
			row,
			`README: no compatibility row "| ${major}.${minor}.x" for the n8n tested here, ${version}`,
		);
		assert.match(
			row,
			new RegExp(`\\|\\s*Node ${nodeMajor}\\s*\\|`),
			`README's row for n8n ${major}.${minor}.x should name Node ${nodeMajor}: ${row}`,
		);
	});

	test(
		'the real BottleNeck month: the files, the seven figures exactly, every check passing',
		{ skip: SKIP_BOTTLENECK },
		async () => {
			const input = bottleneckMonth(REFERENCE);
			const out = freshDir('report-out-');
			cleanup.push(input, out);
			const result = await runReport(['--input', input, '--out', out]);
			assert.equal(result.code, 0, result.stderr + result.stdout);
			for (const file of REPORT_FILES) assert.ok(existsSync(join(out, file)), `${file} written`);
			const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
			assert.deepEqual(referenceFigures(summary.figures), { ...REFERENCE, ordinary_count: 684 });
			assert.deepEqual(
				summary.checks
					.filter((c: { status: string }) => c.status !== 'pass')
					.map((c: { name: string; status: string }) => `${c.name} ${c.status}`),
				HISTORY_CHECKS.map((name) => `${name} skipped`),
				'every check passes; the history checks wait for 3 recorded months',
			);
			assert.equal(summary.checks.length, 15);
			assert.equal(summary.comparison, null, 'nothing recorded before');
			assert.equal(await revenueInWorkbook(join(out, 'rapport_ca.xlsx')), 70568.6);
		},
	);

	test("generated exports (csv): the generator's figures", async () => {
		const input = freshDir('generated-month-');
		const out = freshDir('report-out-');
		cleanup.push(input, out);
		const sample = await generateSample({
			webRows: 5000,
			seed: 11,
			outDir: input,
			formats: ['csv'],
		});
		const result = await runReport(['--input', input, '--out', out]);
		assert.equal(result.code, 0, result.stderr + result.stdout);
		const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
		const {
			erp_rows,
			liaison_rows,
			web_clean_rows,
			web_dedup_rows,
			merged_rows,
			revenue_total,
			premium_count,
			ordinary_count,
		} = sample.expected;
		assert.deepEqual(referenceFigures(summary.figures), {
			erp_rows,
			liaison_rows,
			web_clean_rows,
			web_dedup_rows,
			merged_rows,
			revenue_total,
			premium_count,
			ordinary_count,
		});
		assert.ok(
			summary.checks.every(
				(c: { name: string; status: string }) =>
					c.status === (HISTORY_CHECKS.includes(c.name) ? 'skipped' : 'pass'),
			),
			JSON.stringify(summary.checks),
		);
	});

	test('a second run with nothing changed skips build, pack, install and imports (n8n boots only to execute) and writes the same summary; another out folder re-imports the workflow', async () => {
		const input = freshDir('generated-month-');
		const out = freshDir('report-out-');
		const otherOut = freshDir('report-out-');
		cleanup.push(input, out, otherOut);
		await generateSample({ webRows: 500, seed: 7, outDir: input, formats: ['csv'] });
		const summary = (folder: string) =>
			JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
		// One history for the three runs: its credential is then the same, and its import skipped.
		const history = freshDir('report-history-');
		cleanup.push(history);
		const first = await runReport(['--input', input, '--out', out, '--history', history]);
		assert.equal(first.code, 0, first.stderr + first.stdout);
		const firstSummary = summary(out);

		const second = await runReport(['--input', input, '--out', out, '--history', history]);
		assert.equal(second.code, 0, second.stderr + second.stdout);
		assert.match(
			second.stdout,
			/^\[report\] time: build\+pack skipped, install skipped, import credentials skipped, import workflows skipped, n8n execute [\d.]+s; total [\d.]+s$/m,
			`did the package sources change between the runs?\n${second.stdout}`,
		);
		assert.deepEqual(summary(out), firstSummary);

		// The Config node holds the out folder: only the report workflow changed.
		const third = await runReport(['--input', input, '--out', otherOut, '--history', history]);
		assert.equal(third.code, 0, third.stderr + third.stdout);
		assert.match(
			third.stdout,
			/^\[report\] time: build\+pack skipped, install skipped, import credentials skipped, import workflows \(SalesMonthly0001\) [\d.]+s, n8n execute /m,
			third.stdout,
		);
		assert.deepEqual(summary(otherOut), firstSummary);
	});

	test('a broken month (826 ERP rows expected) fails: non-zero exit, an alert naming the check, no success message, no email, no files', async () => {
		const input = SKIP_BOTTLENECK
			? freshDir('generated-month-')
			: bottleneckMonth({ ...REFERENCE, erp_rows: 826 });
		if (SKIP_BOTTLENECK) {
			const sample = await generateSample({
				webRows: 2000,
				seed: 3,
				outDir: input,
				formats: ['parquet'],
			});
			require('node:fs').writeFileSync(
				join(input, 'expected.json'),
				JSON.stringify({ ...sample.expected, erp_rows: sample.expected.erp_rows + 1 }),
			);
		}
		const out = freshDir('report-out-');
		cleanup.push(input, out);
		const mailsBefore = smtp.mails.length;
		const messagesBefore = slack.messages.length;
		const result = await runReport([
			'--input',
			input,
			'--out',
			out,
			'--slack',
			slackUrl,
			'--smtp',
			smtpAddress,
		]);
		assert.equal(result.code, 2, result.stdout + result.stderr);
		assert.match(result.stderr, /ERP rows \(Check ERP\): observed \d+, expected \d+/);
		const messages = slack.messages.slice(messagesBefore);
		assert.equal(messages.length, 1, 'exactly one Slack message: the alert');
		assert.match(
			String(messages[0].text),
			/NOT sent: 1 failing check\(s\) — ERP rows: observed \d+, expected \d+/,
		);
		assert.equal(smtp.mails.length, mailsBefore, 'no email');
		assert.deepEqual(
			require('node:fs').readdirSync(out),
			[],
			'no report file, not even a temporary one',
		);
	});
});
