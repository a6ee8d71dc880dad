/**
 * The shipped crash alert in a real n8n server: a corrupt web export uploaded to the report's
 * webhook crashes the run, and the companion error workflow posts one Slack alert naming the
 * failed node and its error; nothing else goes out and the server goes on serving.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generateSample } from '../../scripts/sample-data/generator';
import { reportServerForTests } from './helpers';

const PORT = 5750;
const TOKEN = 'e2e-crash-token-51c2';
// Characters Slack mrkdwn reads as markup: the alert must carry them escaped.
const WEB_NAME = 'web <&> export.xlsx';

const server = reportServerForTests(PORT, TOKEN, 'crash-alert');
const { slack, smtp, out, uploads } = server;

const logTail = () => (server.n8n?.serverLog.join('') ?? '').slice(-3000);

describe('the shipped crash-alert workflow in a running n8n server', () => {
	test('a truncated web export crashes the run: one Slack alert naming the node and its escaped error, nothing else', async () => {
		const sample = await generateSample({
			webRows: 300,
			seed: 7,
			outDir: uploads,
			formats: ['xlsx'],
		});
		const web = readFileSync(sample.files.web.xlsx!);
		const form = new FormData();
		form.append('erp', new Blob([readFileSync(sample.files.erp.xlsx!)]), 'erp.xlsx');
		form.append('liaison', new Blob([readFileSync(sample.files.liaison.xlsx!)]), 'liaison.xlsx');
		// Half a workbook: the zip's central directory is gone, so the file cannot be read at all.
		form.append('web', new Blob([web.subarray(0, Math.floor(web.length / 2))]), WEB_NAME);
		form.append(
			'expected',
			new Blob([JSON.stringify(sample.expected)], { type: 'application/json' }),
			'expected.json',
		);

		const response = await fetch(server.webhook, {
			method: 'POST',
			body: form,
			headers: { 'X-Report-Token': TOKEN },
		});
		const body = await response.text();
		assert.equal(response.status, 500, `${body}\n${logTail()}`);

		for (let waited = 0; waited < 60_000 && !slack.messages.length; waited += 200)
			await new Promise((r) => setTimeout(r, 200));
		// Time for a second message, were one (a success or a duplicate alert) on its way.
		await new Promise((r) => setTimeout(r, 1000));
		assert.equal(
			slack.messages.length,
			1,
			`exactly one Slack message: the crash alert\n${JSON.stringify(slack.messages)}\n${logTail()}`,
		);
		const text = String(slack.messages[0].text);
		assert.equal(
			text,
			':boom: Monthly sales report crashed in node "Clean Web": the input table: "web &lt;&amp;&gt; export.xlsx": the file is not a readable .xlsx workbook ' +
				'(End of central directory record signature not found. Either not a zip file, or file is truncated.). No report was sent.',
		);

		assert.equal(smtp.mails.length, 0, 'no email');
		assert.deepEqual(readdirSync(out), [], 'no report file');
		assert.equal(
			(await fetch(new URL('/healthz', server.webhook))).status,
			200,
			'the server still answers',
		);
	});
});
