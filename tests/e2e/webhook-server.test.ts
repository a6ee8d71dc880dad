import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { generateSample } from '../../scripts/sample-data/generator';
import { BOTTLENECK_DIR, EXPORTS, SKIP_BOTTLENECK } from '../helpers/bottleneck';
import { HISTORY_CHECKS, REFERENCE, reportServerForTests } from './helpers';
import { frenchEuros } from './manager-view';

const PORT = 5700;
const TOKEN = 'e2e-webhook-token-7f3a';

const server = reportServerForTests(PORT, TOKEN, 'server');
const { slack, smtp, out, uploads } = server;

/** The month to upload: the real exports, or a generated month when ../shared is absent. */
async function month(): Promise<{
	files: Record<string, string>;
	expected: Record<string, unknown>;
}> {
	if (!SKIP_BOTTLENECK) {
		const files = Object.fromEntries(
			EXPORTS.map((name) => [name, join(BOTTLENECK_DIR, `${name}.xlsx`)]),
		);
		return { files, expected: { ...REFERENCE } };
	}
	const sample = await generateSample({
		webRows: 1513,
		seed: 42,
		outDir: uploads,
		formats: ['xlsx'],
	});
	return {
		files: Object.fromEntries(EXPORTS.map((name) => [name, sample.files[name].xlsx!])),
		expected: sample.expected as unknown as Record<string, unknown>,
	};
}

async function upload(headers: Record<string, string>): Promise<Response> {
	const { files, expected } = await month();
	const form = new FormData();
	for (const [name, path] of Object.entries(files))
		form.append(name, new Blob([readFileSync(path)]), `${name}.xlsx`);
	form.append(
		'expected',
		new Blob([JSON.stringify(expected)], { type: 'application/json' }),
		'expected.json',
	);
	return fetch(server.webhook, { method: 'POST', body: form, headers });
}

describe('the shipped workflow in a running n8n server, triggered by its webhook', () => {
	test('no token, or a wrong one: refused, and nothing is sent or written', async () => {
		for (const headers of [{}, { 'X-Report-Token': 'guess' }] as Array<Record<string, string>>) {
			const response = await upload(headers);
			assert.ok([401, 403].includes(response.status), `status ${response.status}`);
		}
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(slack.messages.length, 0);
		assert.equal(smtp.mails.length, 0);
		assert.deepEqual(readdirSync(out), []);
	});

	test('the three exports uploaded: the summary comes back, one Slack message, one email with the chart inline and four files', async () => {
		const response = await upload({ 'X-Report-Token': TOKEN });
		const text = await response.text();
		assert.equal(response.status, 200, `${text}\n${server.n8n?.serverLog.join('').slice(-3000)}`);
		const summary = JSON.parse(text);
		const expected = (await month()).expected;
		assert.equal(summary.figures.revenue_total, expected.revenue_total);
		assert.equal(summary.figures.premium_count, expected.premium_count);
		assert.equal(summary.figures.merged_rows, expected.merged_rows);
		assert.ok(
			summary.checks.every(
				(c: { name: string; status: string }) =>
					c.status === (HISTORY_CHECKS.includes(c.name) ? 'skipped' : 'pass'),
			),
			JSON.stringify(summary.checks),
		);

		assert.equal(slack.messages.length, 1);
		// In the shipped Config's locale, fr-FR.
		assert.ok(
			String(slack.messages[0].text).includes(
				`revenue ${frenchEuros(String(expected.revenue_total))}`,
			),
			String(slack.messages[0].text),
		);
		assert.ok(Array.isArray(slack.messages[0].blocks));

		assert.equal(smtp.mails.length, 1);
		const mail = smtp.mails[0];
		// The first month recorded: its chart (inline) is the Pareto alone; the dashboard comes too.
		assert.deepEqual(mail.attachments.map((a) => a.filename).sort(), [
			'rapport_ca.xlsx',
			'tableau_de_bord.html',
			'tendance_ca.png',
			'vins_ordinaires.csv',
			'vins_premium.csv',
		]);
		assert.equal(
			mail.attachments.find((a) => a.filename === 'tendance_ca.png')!.cid,
			'tendance_ca',
		);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(
			mail.attachments.find((a) => a.filename === 'rapport_ca.xlsx')!
				.content as unknown as ArrayBuffer,
		);
		const sheet = workbook.getWorksheet('Revenue')!;
		const total = (sheet.getRow(sheet.rowCount).getCell(6).value as { result: number }).result;
		assert.equal(total.toFixed(2), expected.revenue_total);
	});
});
