import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configuredWorkflow, ensureN8n, N8nInstance, packPackage } from '../../scripts/n8n/instance';
import { generateSample } from '../../scripts/sample-data/generator';
import type { GeneratedSample } from '../../scripts/sample-data/generator';
import { freshDir } from './helpers';
import { SlackReceiver, SmtpReceiver } from './receivers';

const PORT = 5720;
const TOKEN = 'concurrency-token';
const WEBHOOK = `http://127.0.0.1:${PORT}/webhook/sales-analytics/monthly-report`;
const RUNS = 20;

const slack = new SlackReceiver();
const smtp = new SmtpReceiver();
const home = freshDir('n8n-concurrency-home-');
const out = freshDir('concurrency-out-');
const data = freshDir('concurrency-data-');
const samples: GeneratedSample[] = [];
let n8n: N8nInstance;
const scratch = () => readdirSync(tmpdir()).filter((name) => name.startsWith('n8n-sales-analytics-')).length;
let scratchBefore = 0;

before(async () => {
	// Four different months, mixed formats, so each run's figures are its own.
	for (const [index, format] of (['xlsx', 'csv', 'parquet', 'csv'] as const).entries()) {
		samples.push(await generateSample({ webRows: 1500 + index * 700, seed: 100 + index, outDir: join(data, `m${index}`), formats: [format] }));
	}
	const slackUrl = await slack.start();
	const smtpAddress = await smtp.start();
	const { cache } = ensureN8n();
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	if (existsSync(cached)) cpSync(cached, join(home, '.n8n', 'nodes'), { recursive: true });
	n8n = new N8nInstance(home, { allowedFolders: [out, data], port: PORT, brokerPort: PORT + 1 });
	n8n.installPackage(packPackage(cache));
	const [host, port] = smtpAddress.split(':');
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host, port: Number(port), secure: false, disableStartTls: true, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: TOKEN } },
	]);
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-crash-alert.json', { slackWebhookUrl: slackUrl }));
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-report.json', { inputFolder: data, outputFolder: out, slackWebhookUrl: slackUrl }));
	assert.equal(n8n.cli(['publish:workflow', '--id=SalesMonthly0001']).code, 0);
	scratchBefore = scratch();
	await n8n.startServer();
	for (let attempt = 0; attempt < 100 && (await fetch(WEBHOOK, { method: 'POST' })).status === 404; attempt++) await new Promise((r) => setTimeout(r, 200));
});

after(async () => {
	await n8n?.stopServer();
	await slack.stop();
	await smtp.stop();
	for (const dir of [home, out, data]) rmSync(dir, { recursive: true, force: true });
});

function upload(sample: GeneratedSample): Promise<Response> {
	const form = new FormData();
	for (const [name, files] of Object.entries(sample.files)) {
		const path = Object.values(files)[0]!;
		form.append(name, new Blob([readFileSync(path)]), path.split('/').pop()!);
	}
	form.append('expected', new Blob([JSON.stringify(sample.expected)]), 'expected.json');
	return fetch(WEBHOOK, { method: 'POST', body: form, headers: { 'X-Report-Token': TOKEN } });
}

describe(`${RUNS} executions of the shipped workflow at once on the real n8n server`, () => {
	test('each gets exactly its own figures, and nothing is shared or left behind', async () => {
		const assigned = Array.from({ length: RUNS }, (_, index) => samples[index % samples.length]);
		const responses = await Promise.all(assigned.map((sample) => upload(sample)));
		const bodies = await Promise.all(responses.map((response) => response.text()));
		bodies.forEach((body, index) => {
			assert.equal(responses[index].status, 200, body);
			const summary = JSON.parse(body);
			const expected = assigned[index].expected;
			assert.deepEqual(
				[summary.figures.merged_rows, summary.figures.revenue_total, summary.figures.premium_count],
				[expected.merged_rows, expected.revenue_total, expected.premium_count],
				`run ${index + 1}`,
			);
		});
		assert.equal(slack.messages.length, RUNS);
		assert.equal(smtp.mails.length, RUNS);
		assert.deepEqual(readdirSync(out).filter((name) => name.endsWith('.partial')), [], 'no temporary report file left');
		assert.equal(scratch(), scratchBefore, 'every DuckDB scratch folder removed');
	});
});
