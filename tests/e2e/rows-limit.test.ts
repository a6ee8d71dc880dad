/**
 * A 1,000,000-row web export through Clean Table in Rows mode, on a real n8n server: the node
 * refuses it with its message instead of filling n8n's heap, and the server goes on serving.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureN8n, N8nInstance, packPackage } from '../../scripts/n8n/instance';
import { generateSample } from '../../scripts/sample-data/generator';
import { SCRATCH_PREFIX } from '../../nodes/shared/duckdb';
import { freshDir } from './helpers';
import { SlackReceiver } from './receivers';

const PORT = 5740;
const WORKFLOW_ID = 'RowsLimitE2e0001';
const ALERT_ID = 'RowsLimitAlert01';

const alerts = new SlackReceiver();
const data = freshDir('rows-limit-data-');
const home = freshDir('rows-limit-home-');
// The server's own temp folder, so only its executions' scratch folders are counted.
const serverTmp = freshDir('rows-limit-tmp-');
const bigMonth = join(data, 'big');
const smallMonth = join(data, 'small');
let n8n: N8nInstance | undefined;
let base = '';

/** Webhook (GET ?folder=…) → Load Sales Exports (the web export only) → Clean Table, Rows output, every setting at its default. */
function rowsWorkflow() {
	const at = (x: number) => [x, 0];
	return {
		id: WORKFLOW_ID,
		name: 'Rows limit e2e',
		active: false,
		nodes: [
			{
				id: 'hook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: at(0),
				webhookId: '5a1e5a1e-0000-4000-8000-0000000e2e01',
				parameters: {
					httpMethod: 'GET',
					path: 'rows-limit',
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
			},
			{
				id: 'load',
				name: 'Load Web',
				type: 'n8n-nodes-sales-analytics.loadSalesExports',
				typeVersion: 1,
				position: at(220),
				parameters: {
					source: 'folder',
					folder: '={{ $json.query.folder }}',
					exports: { export: [{ name: 'web', match: 'web' }] },
				},
			},
			{
				id: 'clean',
				name: 'Clean Web',
				type: 'n8n-nodes-sales-analytics.cleanTable',
				typeVersion: 1,
				position: at(440),
				parameters: { binaryPropertyName: 'web', steps: { step: [] } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Load Web', type: 'main', index: 0 }]] },
			'Load Web': { main: [[{ node: 'Clean Web', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', errorWorkflow: ALERT_ID },
		pinData: {},
	};
}

/** The failed execution's error, as n8n hands it to an error workflow, posted to the receiver. */
function alertWorkflow(url: string) {
	return {
		id: ALERT_ID,
		name: 'Rows limit e2e alert',
		active: false,
		nodes: [
			{
				id: 'trigger',
				name: 'Error Trigger',
				type: 'n8n-nodes-base.errorTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'post',
				name: 'Post Error',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ JSON.stringify({ node: $json.execution.lastNodeExecuted, message: $json.execution.error.message, description: $json.execution.error.description }) }}',
					options: {},
				},
			},
		],
		connections: { 'Error Trigger': { main: [[{ node: 'Post Error', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const run = (folder: string) =>
	fetch(`${base}/webhook/rows-limit?folder=${encodeURIComponent(folder)}`);
const scratchFolders = () =>
	readdirSync(serverTmp).filter((name) => name.startsWith(SCRATCH_PREFIX));
const logTail = () => (n8n?.serverLog.join('') ?? '').slice(-3000);

before(async () => {
	await generateSample({ webRows: 1_000_000, seed: 11, outDir: bigMonth, formats: ['csv'] });
	await generateSample({ webRows: 300, seed: 11, outDir: smallMonth, formats: ['csv'] });
	const { cache } = ensureN8n();
	// The package as users install it; its node_modules copied from the report's n8n home when present.
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	if (existsSync(cached)) cpSync(cached, join(home, '.n8n', 'nodes'), { recursive: true });
	n8n = new N8nInstance(home, {
		allowedFolders: [data],
		port: PORT,
		brokerPort: PORT + 1,
		tmpDir: serverTmp,
	});
	n8n.installPackage(packPackage(cache));
	n8n.importWorkflow(alertWorkflow(await alerts.start()));
	n8n.importWorkflow(rowsWorkflow());
	// n8n 2.x runs an error workflow only once it is published, like the webhook's.
	n8n.publish([ALERT_ID, WORKFLOW_ID]);
	base = await n8n.startServer();
	// Webhooks go live a moment after the server is ready.
	for (let attempt = 0; attempt < 100 && (await run(smallMonth)).status === 404; attempt++)
		await new Promise((r) => setTimeout(r, 200));
});

after(async () => {
	await n8n?.stopServer();
	await alerts.stop();
	for (const dir of [home, data, serverTmp]) rmSync(dir, { recursive: true, force: true });
});

describe('Rows output of a 1,000,000-row table on a real n8n server', () => {
	test('the execution fails with the limit message, and n8n goes on serving', async () => {
		const small = await run(smallMonth);
		assert.equal(small.status, 200, `${await small.text()}\n${logTail()}`);

		const refused = await run(bigMonth);
		const body = await refused.text();
		assert.equal(refused.status, 500, `${body}\n${logTail()}`);
		assert.deepEqual(JSON.parse(body), { message: 'Error in workflow' });
		for (let waited = 0; waited < 60_000 && !alerts.messages.length; waited += 200)
			await new Promise((r) => setTimeout(r, 200));
		assert.equal(alerts.messages.length, 1, `no error workflow run\n${logTail()}`);
		const [alert] = alerts.messages as Array<{
			node: string;
			message: string;
			description: string;
		}>;
		assert.equal(alert.node, 'Clean Web');
		assert.equal(
			alert.message,
			'Clean Web: 1,000,000 rows (28 columns) are too many for Rows output (limit 100,000)',
		);
		assert.match(
			alert.description,
			/Set Output to Table.*raise Rows Output Limit under Table Options/s,
		);
		assert.deepEqual(
			scratchFolders(),
			[],
			'the refused execution released its DuckDB scratch folder',
		);

		const health = await fetch(`${base}/healthz`);
		assert.equal(health.status, 200);
		const again = await run(smallMonth);
		const text = await again.text();
		assert.equal(again.status, 200, `${text}\n${logTail()}`);
		assert.ok('sku' in JSON.parse(text), text);
	});
});
