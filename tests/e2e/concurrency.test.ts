import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINE_FOLDER_PREFIX, SCRATCH_PREFIX } from '../../nodes/shared/duckdb';
import type { N8nInstance } from '../../scripts/n8n/instance';
import { generateSample } from '../../scripts/sample-data/generator';
import type { GeneratedSample } from '../../scripts/sample-data/generator';
import { freshDir, startReportServer } from './helpers';
import { SlackReceiver, SmtpReceiver } from './receivers';

const PORT = 5720;
const TOKEN = 'concurrency-token';
const RUNS = 20;

const slack = new SlackReceiver();
const smtp = new SmtpReceiver();
let home = '';
let webhook = '';
const out = freshDir('concurrency-out-');
const data = freshDir('concurrency-data-');
const samples: GeneratedSample[] = [];
let n8n: N8nInstance;
// The server's own temp folder, so only its executions' scratch folders are counted.
const serverTmp = freshDir('n8n-concurrency-tmp-');
/** Scratch folders of the executions running now: each node's is inside the confined engine's folder. */
const scratch = () =>
	readdirSync(serverTmp)
		.filter((name) => name.startsWith(ENGINE_FOLDER_PREFIX))
		.flatMap((engine) =>
			readdirSync(join(serverTmp, engine)).filter((name) => name.startsWith(SCRATCH_PREFIX)),
		).length;

before(async () => {
	// Four different months, mixed formats, so each run's figures are its own.
	for (const [index, format] of (['xlsx', 'csv', 'parquet', 'csv'] as const).entries()) {
		samples.push(
			await generateSample({
				webRows: 1500 + index * 700,
				seed: 100 + index,
				outDir: join(data, `m${index}`),
				formats: [format],
			}),
		);
	}
	({ n8n, home, webhook } = await startReportServer({
		port: PORT,
		token: TOKEN,
		slackUrl: await slack.start(),
		smtpAddress: await smtp.start(),
		outputFolder: out,
		inputFolder: data,
		tmpDir: serverTmp,
	}));
});

after(async () => {
	await n8n?.stopServer();
	await slack.stop();
	await smtp.stop();
	for (const dir of [home, out, data, serverTmp]) rmSync(dir, { recursive: true, force: true });
});

function upload(sample: GeneratedSample): Promise<Response> {
	const form = new FormData();
	for (const [name, files] of Object.entries(sample.files)) {
		const path = Object.values(files)[0]!;
		form.append(name, new Blob([readFileSync(path)]), path.split('/').pop()!);
	}
	form.append('expected', new Blob([JSON.stringify(sample.expected)]), 'expected.json');
	return fetch(webhook, { method: 'POST', body: form, headers: { 'X-Report-Token': TOKEN } });
}

describe(`${RUNS} executions of the shipped workflow at once on the real n8n server`, () => {
	test('each gets exactly its own figures, and nothing is shared or left behind', async () => {
		const assigned = Array.from({ length: RUNS }, (_, index) => samples[index % samples.length]);
		let mostAtOnce = 0;
		const watch = setInterval(() => (mostAtOnce = Math.max(mostAtOnce, scratch())), 20);
		const responses = await Promise.all(assigned.map((sample) => upload(sample))).finally(() =>
			clearInterval(watch),
		);
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
		assert.deepEqual(
			readdirSync(out).filter((name) => name.endsWith('.partial')),
			[],
			'no temporary report file left',
		);
		assert.ok(
			mostAtOnce > 1,
			`executions had scratch folders of their own at the same time (most at once: ${mostAtOnce})`,
		);
		assert.equal(scratch(), 0, 'every DuckDB scratch folder removed');
		assert.deepEqual(
			readdirSync(serverTmp).filter((name) => name.startsWith(ENGINE_FOLDER_PREFIX)),
			[],
			'the engine folder is gone once no node runs',
		);
	});
});
