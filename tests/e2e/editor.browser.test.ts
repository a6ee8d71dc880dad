import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { configuredWorkflow, ensureN8n, N8nInstance, packPackage, ROOT } from '../../scripts/n8n/instance';
import { freshDir } from './helpers';

const PORT = 5710;
const SHOTS = process.env.SCREENSHOT_DIR ?? join(ROOT, 'tests', '.tmp', 'screenshots');
const OWNER = { email: 'owner@bottleneck.test', firstName: 'Ada', lastName: 'Owner', password: 'Sales-Analytics-1' };

/** Words a business user types into the node panel, and the node each must find. */
const SEARCHES: Array<[string, string]> = [
	['dedupe', 'Clean Table'],
	['join', 'Merge Tables'],
	['revenue', 'Revenue'],
	['z-score', 'Premium Score'],
	['validate', 'Data Quality Check'],
	['exports', 'Load Sales Exports'],
	['save files', 'Save Report Files'],
];

const home = freshDir('n8n-editor-home-');
let n8n: N8nInstance;
let browser: Browser;
let page: Page;
let base = '';

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	console.log(`# screenshots: ${SHOTS}`);
	const { cache } = ensureN8n();
	const cached = join(cache, 'report-home', '.n8n', 'nodes');
	if (existsSync(cached)) cpSync(cached, join(home, '.n8n', 'nodes'), { recursive: true });
	n8n = new N8nInstance(home, { port: PORT, brokerPort: PORT + 1 });
	n8n.installPackage(packPackage(cache));
	n8n.importCredentials([
		{ id: 'salesSmtp', name: 'Sales report SMTP', type: 'smtp', data: { host: '127.0.0.1', port: 25, secure: false, user: '', password: '' } },
		{ id: 'salesWebhookAuth', name: 'Sales report webhook token', type: 'httpHeaderAuth', data: { name: 'X-Report-Token', value: 'editor-test' } },
	]);
	n8n.importWorkflow(configuredWorkflow('bottleneck-monthly-report.json', {}));
	base = await n8n.startServer();
	const setup = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
	assert.equal(setup.status, 200, await setup.text());
	const cookie = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')![1];
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	await context.addCookies([{ name: 'n8n-auth', value: cookie, domain: '127.0.0.1', path: '/' }]);
	page = await context.newPage();
});

after(async () => {
	await browser?.close();
	await n8n?.stopServer();
	rmSync(home, { recursive: true, force: true });
});

async function openNodePanel(): Promise<void> {
	await page.goto(`${base}/workflow/new`);
	await page.waitForSelector('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]', { timeout: 30_000 });
	await page.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]').first().click();
	await page.waitForSelector('[data-test-id="node-creator-search-bar"]', { timeout: 15_000 });
}

describe('the canvas experience in the real n8n editor (headless Chromium)', () => {
	for (const [words, node] of SEARCHES) {
		test(`searching "${words}" in the node panel finds ${node}`, async () => {
			await openNodePanel();
			await page.locator('[data-test-id="node-creator-search-bar"]').fill(words);
			const item = page.locator('[data-test-id="node-creator-item-name"]', { hasText: node }).first();
			try {
				await item.waitFor({ timeout: 10_000 });
			} catch (error) {
				await page.screenshot({ path: join(SHOTS, `search-${words.replace(/\W+/g, '-')}-failed.png`) });
				throw error;
			}
			if (words === 'revenue') await page.screenshot({ path: join(SHOTS, 'node-panel-search.png') });
		});
	}

	test('the shipped workflow opens with every node, and a node\'s settings read well', async () => {
		await page.goto(`${base}/workflow/SalesMonthly0001`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 30_000 });
		await page.waitForTimeout(1500);
		const names = await page.locator('[data-test-id="canvas-node"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name') ?? n.textContent ?? ''));
		for (const expected of ['Upload Exports', 'Load Exports', 'Clean ERP', 'Merge Exports', 'Revenue', 'Premium Score', 'Check Premium', 'Save Reports', 'Notify Slack', 'Email Reports', 'Alert Slack']) {
			assert.ok(names.some((name) => name.includes(expected)), `${expected} on the canvas (found: ${names.join(', ')})`);
		}
		assert.equal(await page.locator('text="?"').count(), 0, 'no node without an icon');
		await page.keyboard.press('Shift+1'); // zoom to fit
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(SHOTS, 'workflow-canvas.png') });

		await page.locator('[data-test-id="canvas-node"][data-node-name="Revenue"]').dblclick();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
		await page.waitForTimeout(800);
		assert.ok(await page.getByText('Price Column').first().isVisible());
		await page.screenshot({ path: join(SHOTS, 'revenue-settings.png') });
	});
});
