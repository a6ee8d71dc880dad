import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { DuckSession } from '../../nodes/shared/duckdb';
import { quoteLiteral } from '../../nodes/shared/sql';
import {
	ensureN8n,
	importShippedWorkflows,
	N8nInstance,
	packPackage,
	ROOT,
	seedInstalledPackage,
} from '../../scripts/n8n/instance';
import { bottleneckMonth, freshDir, REFERENCE } from './helpers';
import { CHROMIUM } from './manager-view';

const PORT = 5710;
const SHOTS = process.env.SCREENSHOT_DIR ?? join(ROOT, 'tests', '.tmp', 'screenshots');
const OWNER = {
	email: 'owner@bottleneck.test',
	firstName: 'Ada',
	lastName: 'Owner',
	password: 'Sales-Analytics-1',
};

/** Words a business user types into the node panel, and the node each must find. */
const SEARCHES: Array<[string, string]> = [
	['dedupe', 'Clean Table'],
	['clean', 'Clean Table'],
	['join', 'Merge Tables'],
	['revenue', 'Revenue'],
	['z-score', 'Premium Score'],
	['validate', 'Data Quality Check'],
	['exports', 'Load Sales Exports'],
	['save files', 'Save Report Files'],
];

const home = freshDir('n8n-editor-home-');
const month = bottleneckMonth(REFERENCE);
const reports = freshDir('n8n-editor-reports-');
const history = freshDir('n8n-editor-history-');
let n8n: N8nInstance;
let browser: Browser;
let page: Page;
let base = '';

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	console.log(`# screenshots: ${SHOTS}`);
	const { cache } = ensureN8n();
	seedInstalledPackage(home, cache);
	n8n = new N8nInstance(home, {
		port: PORT,
		brokerPort: PORT + 1,
		allowedFolders: [month, reports, history],
	});
	n8n.installPackage(packPackage(cache));
	// As `npm start` ships it: the month's exports, notifications off until set up.
	importShippedWorkflows(n8n, {
		token: 'editor-test',
		inputFolder: month,
		outputFolder: reports,
		history: { file: join(history, 'sales-history.duckdb') },
		// A user who wants every merged row in a spreadsheet sets Table Options → Spreadsheet Copy.
		adjust: (workflow) => {
			const merge = workflow.nodes.find((node: { name: string }) => node.name === 'Merge Exports');
			merge.parameters.tableOptions = { ...merge.parameters.tableOptions, spreadsheetCopy: 'csv' };
		},
	});
	base = await n8n.startServer();
	const setup = await fetch(`${base}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	assert.equal(setup.status, 200, await setup.text());
	const cookie = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')![1];
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	await context.addCookies([{ name: 'n8n-auth', value: cookie, domain: '127.0.0.1', path: '/' }]);
	page = await context.newPage();
});

after(async () => {
	await browser?.close();
	await n8n?.stopServer();
	for (const dir of [home, month, reports, history]) rmSync(dir, { recursive: true, force: true });
});

async function openNodePanel(): Promise<void> {
	await page.goto(`${base}/workflow/new`);
	await page.waitForSelector(
		'[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]',
		{ timeout: 30_000 },
	);
	await page
		.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]')
		.first()
		.click();
	await page.waitForSelector('[data-test-id="node-creator-search-bar"]', { timeout: 15_000 });
}

describe('the canvas experience in the real n8n editor (headless Chromium)', () => {
	for (const [words, node] of SEARCHES) {
		test(`searching "${words}" in the node panel finds ${node}`, async () => {
			await openNodePanel();
			await page.locator('[data-test-id="node-creator-search-bar"]').fill(words);
			const item = page
				.locator('[data-test-id="node-creator-item-name"]', { hasText: node })
				.first();
			try {
				await item.waitFor({ timeout: 10_000 });
			} catch (error) {
				await page.screenshot({
					path: join(SHOTS, `search-${words.replace(/\W+/g, '-')}-failed.png`),
				});
				throw error;
			}
			if (words === 'revenue')
				await page.screenshot({ path: join(SHOTS, 'node-panel-search.png') });
		});
	}

	test("the shipped workflow opens with every node, and a node's settings read well", async () => {
		await page.goto(`${base}/workflow/SalesMonthly0001`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 30_000 });
		await page.waitForTimeout(1500);
		const names = await page
			.locator('[data-test-id="canvas-node"]')
			.evaluateAll((nodes) =>
				nodes.map((n) => n.getAttribute('data-node-name') ?? n.textContent ?? ''),
			);
		for (const expected of [
			'Upload Exports',
			'Load Exports',
			'Clean ERP',
			'Merge Exports',
			'Revenue',
			'Premium Score',
			'Check Premium',
			'Save Reports',
			'Notify Slack',
			'Email Reports',
			'Alert Slack',
		]) {
			assert.ok(
				names.some((name) => name.includes(expected)),
				`${expected} on the canvas (found: ${names.join(', ')})`,
			);
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

/** Runs the open workflow from its "Try It" trigger, as the sticky note says, and waits for the run to end. */
async function runFromTryIt(): Promise<void> {
	const before = await executionCount();
	await page.locator('[aria-label="Select trigger node"]').click();
	await page
		.getByRole('menuitem', { name: /Try It/ })
		.or(page.locator('[role="menuitem"]', { hasText: 'Try It' }))
		.first()
		.click();
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	for (let attempt = 0; attempt < 240 && (await finishedExecutions()) <= before; attempt++)
		await page.waitForTimeout(500);
	assert.ok((await finishedExecutions()) > before, 'the run from Try It finished');
	await page.waitForTimeout(1500);
}

async function executionList(): Promise<Array<{ finished: boolean; status: string }>> {
	const response = await page.request.get(
		`${base}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: 'SalesMonthly0001' }))}`,
	);
	const body = (await response.json()) as {
		data: { results: Array<{ finished: boolean; status: string }> };
	};
	return body.data.results;
}
const executionCount = async () => (await executionList()).length;
const finishedExecutions = async () =>
	(await executionList()).filter((run) => run.status !== 'running' && run.status !== 'new').length;

/** The output panel's text, spaces folded. */
async function outputText(): Promise<string> {
	return (await page.locator('[data-test-id="output-panel"]').innerText()).replace(/\s+/g, ' ');
}

/** Shows the output panel's data as n8n's Table view. */
async function showTableView(): Promise<void> {
	await page
		.locator('[data-test-id="output-panel"]')
		.getByText('Table', { exact: true })
		.first()
		.click();
	await page.waitForTimeout(600);
}

interface NodeOutput {
	/** The panel as it opens. */
	opened: string;
	/** The Table view of the first output. */
	table: string;
	/** The header cells of the Table view's grid. */
	headers: string[];
	/** The first row's cells, one per header. */
	cells: string[];
}

/** Opens a node of the canvas and reads its output panel, saving screenshots as `<shot>.png` and `<shot>-table.png`. */
async function readNode(name: string, shot: string): Promise<NodeOutput> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
	await page.waitForTimeout(1200);
	await page.screenshot({ path: join(SHOTS, `${shot}.png`) });
	const opened = await outputText();
	await showTableView();
	await page.screenshot({ path: join(SHOTS, `${shot}-table.png`) });
	const table = await outputText();
	const headers = await page
		.locator('[data-test-id="output-panel"] table thead th')
		.allInnerTexts();
	const cells = await page
		.locator('[data-test-id="output-panel"] table tbody tr')
		.first()
		.locator('td')
		.allInnerTexts();
	return {
		opened,
		table,
		headers: headers.map((text) => text.trim()).filter(Boolean),
		cells: cells.map((text) => text.replace(/\s+/g, ' ').trim()),
	};
}

async function closeNode(): Promise<void> {
	await page.keyboard.press('Escape');
	await page.waitForTimeout(500);
}

const OUTPUTS: Array<[string, string]> = [
	['Clean Web', 'output-clean-web'],
	['Merge Exports', 'output-merge-exports'],
	['Revenue', 'output-revenue'],
	['Premium Score', 'output-premium-score'],
	['Compare History', 'output-compare-history'],
];

describe('a business user runs the shipped workflow from Try It and reads each output', () => {
	const outputs: Record<string, NodeOutput> = {};

	before(async () => {
		await page.goto(`${base}/workflow/SalesMonthly0001`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 30_000 });
		await runFromTryIt();
		for (const [node, shot] of OUTPUTS) {
			outputs[node] = await readNode(node, shot);
			await closeNode();
		}
		console.log(`# outputs: ${JSON.stringify(outputs).slice(0, 6000)}`);
	});

	test('each Table output opens with its sentence above the data, rounded figures first in the Table view', () => {
		const expected: Record<string, { sentence: RegExp; first: string[]; figures: RegExp[] }> = {
			'Clean Web': {
				sentence: /1,513 rows in, 1,428 out/,
				first: ['summary', 'rowsIn', 'rowsOut'],
				figures: [/1513/, /1428/],
			},
			'Merge Exports': {
				sentence: /Merged 3 tables into 714 rows/,
				first: ['summary', 'rowsOut'],
				figures: [/unmatched · table 1/],
			},
			Revenue: {
				sentence: /Total revenue 70,568\.60 EUR/,
				first: ['summary', 'totalRevenue'],
				figures: [/70,568\.60 EUR/],
			},
			'Premium Score': {
				sentence: /30 premium and 684 ordinary of 714 rows/,
				first: ['summary', 'premiumCount', 'ordinaryCount', 'premiumShare'],
				figures: [/4\.2 %/],
			},
			// The first month in a new history: nothing to compare with, and it says so.
			// In the shipped Config's locale, fr-FR (the page's text gives Intl's no-break spaces as plain ones).
			'Compare History': {
				sentence: /\d{4}-\d{2}: Revenue 70\s568,60\s€; no earlier period recorded\./,
				first: ['summary', 'period', 'previousPeriod'],
				figures: [/none recorded/],
			},
		};
		for (const [node, { sentence, first, figures }] of Object.entries(expected)) {
			const output = outputs[node];
			assert.match(
				output.opened,
				sentence,
				`${node}: the sentence shows above the output as it opens (${output.opened.slice(0, 300)})`,
			);
			assert.deepEqual(
				output.headers.slice(0, first.length),
				first,
				`${node}: the Table view's first columns`,
			);
			for (const figure of figures) assert.match(output.table, figure, `${node}: ${figure}`);
			// Rounded for reading: no figure with more than two decimals in the cells before the preview.
			const readable = output.cells.slice(0, output.headers.indexOf('preview')).join(' | ');
			assert.ok(
				output.headers.indexOf('preview') > first.length,
				`${node}: the preview comes after the figures`,
			);
			assert.doesNotMatch(readable, /\d\.\d{3,}/, `${node}: figures rounded (${readable})`);
		}
	});

	test('the Preview output shows the first rows as a grid, one column per table column', async () => {
		await page.locator('[data-test-id="canvas-node"][data-node-name="Merge Exports"]').dblclick();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
		await page.locator('[data-test-id="output-panel"]').getByText('Preview Branch').first().click();
		await page.waitForTimeout(800);
		await showTableView();
		await page.screenshot({ path: join(SHOTS, 'output-merge-exports-preview.png') });
		const headers = (
			await page.locator('[data-test-id="output-panel"] table thead th').allInnerTexts()
		).map((text) => text.trim());
		for (const column of ['product_id', 'sku', 'price', 'post_title'])
			assert.ok(
				headers.includes(column),
				`${column} is a column of the grid (${headers.join(', ')})`,
			);
		assert.equal(await page.locator('[data-test-id="output-panel"] table tbody tr').count(), 10);
	});

	test('every row downloads as a CSV a spreadsheet opens (Spreadsheet Copy)', async () => {
		const panel = page.locator('[data-test-id="output-panel"]');
		await panel.getByText('Table Branch').first().click();
		await page.waitForTimeout(500);
		await panel.getByText('Binary', { exact: true }).first().click();
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(SHOTS, 'output-merge-exports-binary.png') });
		assert.ok(
			await panel.getByText('Merge_Exports.csv').first().isVisible(),
			'the CSV copy is listed beside the Parquet table',
		);
		// The cards follow the item's binary properties: the table ("data"), then the copy ("spreadsheet").
		const downloads = panel.locator('button', { hasText: 'Download' });
		assert.equal(await downloads.count(), 2);
		const [download] = await Promise.all([page.waitForEvent('download'), downloads.nth(1).click()]);
		const path = await download.path();
		const bytes = readFileSync(path);
		assert.deepEqual(
			[...bytes.subarray(0, 3)],
			[0xef, 0xbb, 0xbf],
			'a byte order mark, so Excel reads accents',
		);
		assert.match(bytes.subarray(3, 200).toString('utf8'), /^product_id,/);
		// Descriptions hold line breaks: rows are counted by a CSV reader, not by lines.
		const session = await DuckSession.open();
		try {
			assert.equal(
				await session.count(
					`SELECT count(*) FROM read_csv(${quoteLiteral(path)}, header = true, all_varchar = true)`,
				),
				714,
				'every merged row',
			);
		} finally {
			await session.close();
		}
		await closeNode();
	});

	test('an empty column list is refused, and a typo is answered with the nearest column', async () => {
		if (await page.locator('[data-test-id="ndv"]').isVisible()) await closeNode();
		await page.locator('[data-test-id="canvas-node"][data-node-name="Clean Web"]').dblclick();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
		const columns = page
			.locator('[data-test-id="parameter-input-missingColumns"]')
			.locator('input, textarea')
			.first();
		for (const [typed, answer, shot] of [
			['', /no columns given/, 'clean-web-empty-columns.png'],
			['skuu', /did you mean "sku"\?/, 'clean-web-column-typo.png'],
		] as const) {
			await columns.fill(typed);
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			await page.waitForTimeout(4000);
			await page.screenshot({ path: join(SHOTS, shot) });
			const text = await outputText();
			assert.match(text, answer, `${typed || 'empty'}: ${text.slice(0, 400)}`);
		}
		await closeNode();
	});
});

describe('a business user adds a Clean Table from the node panel', () => {
	test('a new Clean Table from the node panel, configured', async () => {
		await openNodePanel();
		await page.locator('[data-test-id="node-creator-search-bar"]').fill('clean');
		await page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: 'Clean Table' })
			.first()
			.click();
		// A community node opens its details first ("Add to workflow").
		await page.getByText('Add to workflow').first().click();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
		await page.waitForTimeout(800);
		await page.getByText('Add Step').first().click();
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(SHOTS, 'new-clean-table.png') });
	});
});
