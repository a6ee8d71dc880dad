import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { configuredWorkflow, ensureN8n, N8nInstance, packPackage } from '../../scripts/n8n/instance';
import { generateSample } from '../../scripts/sample-data/generator';
import { BOTTLENECK_DIR, EXPORTS, SKIP_BOTTLENECK } from '../helpers/bottleneck';
import { freshDir, REFERENCE } from './helpers';
import { SlackReceiver, SmtpReceiver } from './receivers';

const PORT = 5700;
const TOKEN = 'e2e-webhook-token-7f3a';
const WEBHOOK = `http://127.0.0.1:${PORT}/webhook/sales-analytics/monthly-report`;

const slack = new SlackReceiver();
const smtp = new SmtpReceiver();
const home = freshDir('n8n-server-home-');
const out = freshDir('server-out-');
const uploads = freshDir('server-uploads-');
let n8n: N8nInstance;

/** The month to upload: the real exports, or a generated month when ../shared is absent. */
async function month(): Promise<{ files: Record<string, string>; expected: Record<string, unknown> }> {
	if (!SKIP_BOTTLENECK) {
		const files = Object.fromEntries(EXPORTS.map((name) => [name, join(BOTTLENECK_DIR, `${name}.xlsx`)]));
		return { files, expected: { ...REFERENCE } };
	}
	const sample = await generateSample({ webRows: 1513, seed: 42, outDir: uploads, formats: ['xlsx'] });
	return { files: Object.fromEntries(EXPORTS.map((name) => [name, sample.files[name].xlsx!])), expected: sample.expected as unknown as Record<string, unknown> };
}

async function upload(headers: Record<string, string>): Promise<Response> {
	const { files, expected } = await month();
	const form = new FormData();
	for (const [name, path] of Object.entries(files)) form.append(name, new Blob([readFileSync(path)]), `${name}.xlsx`);
	form.append('expected', new Blob([JSON.stringify(expected)], { type: 'application/json' }), 'expected.json');
	return fetch(WEBHOOK, { method: 'POST', body: form, headers });
}

before(async () => {
	const slackUrl = await slack.start();
	const smtpAddress = await smtp.start();
	const { cache } = ensureN8n();
	// The package as users install it; its node_modules copied from the report's n8n home when present.
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	if (existsSync(cached)) cpSync(cached, join(home, '.n8n', 'nodes'), { recursive: true });
	n8n = new N8nInstance(home, { allowedFolders: [out, uploads], port: PORT, brokerPort: PORT + 1 });
	n8n.installPackage(packPackage(cache));
	const [host, port] = smtpAddress.split(':');
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host, port: Number(port), secure: false, disableStartTls: true, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: TOKEN } },
	]);
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-crash-alert.json', { slackWebhookUrl: slackUrl }));
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-report.json', { inputFolder: uploads, outputFolder: out, slackWebhookUrl: slackUrl, emailTo: 'management@bottleneck.test' }));
	const published = n8n.cli(['publish:workflow', '--id=SalesMonthly0001']);
	assert.equal(published.code, 0, published.stdout + published.stderr);
	await n8n.startServer();
	// Webhooks go live a moment after the server is ready.
	for (let attempt = 0; attempt < 100; attempt++) {
		if ((await fetch(WEBHOOK, { method: 'POST' })).status !== 404) break;
		await new Promise((r) => setTimeout(r, 200));
	}
});

after(async () => {
	await n8n?.stopServer();
	await slack.stop();
	await smtp.stop();
	for (const dir of [home, out, uploads]) rmSync(dir, { recursive: true, force: true });
});

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

	test('the three exports uploaded: the summary comes back, one Slack message, one email with three attachments', async () => {
		const response = await upload({ 'X-Report-Token': TOKEN });
		const text = await response.text();
		assert.equal(response.status, 200, `${text}\n${n8n.serverLog.join('').slice(-3000)}`);
		const summary = JSON.parse(text);
		const expected = (await month()).expected;
		assert.equal(summary.figures.revenue_total, expected.revenue_total);
		assert.equal(summary.figures.premium_count, expected.premium_count);
		assert.equal(summary.figures.merged_rows, expected.merged_rows);
		assert.ok(summary.checks.every((c: { status: string }) => c.status === 'pass'), JSON.stringify(summary.checks));

		assert.equal(slack.messages.length, 1);
		assert.match(String(slack.messages[0].text), new RegExp(`revenue ${String(expected.revenue_total).replace('.', '\\.')} EUR`));
		assert.ok(Array.isArray(slack.messages[0].blocks));

		assert.equal(smtp.mails.length, 1);
		const mail = smtp.mails[0];
		assert.deepEqual(mail.attachments.map((a) => a.filename).sort(), ['rapport_ca.xlsx', 'vins_ordinaires.csv', 'vins_premium.csv']);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(mail.attachments.find((a) => a.filename === 'rapport_ca.xlsx')!.content as unknown as ArrayBuffer);
		const sheet = workbook.getWorksheet('Revenue')!;
		const total = (sheet.getRow(sheet.rowCount).getCell(6).value as { result: number }).result;
		assert.equal(total.toFixed(2), expected.revenue_total);
		mkdirSync(out, { recursive: true });
		writeFileSync(join(uploads, '.done'), '');
	});
});
