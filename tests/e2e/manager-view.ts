/**
 * What a manager receives, checked as they would meet it: the email as an SMTP server got it
 * (multipart, HTML and text, the chart inline, the files attached), the chart PNG decoded pixel
 * by pixel, and the email's HTML part and the dashboard opened in Debian's headless Chromium,
 * which must log no console error and make no network request.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { ROOT } from '../../scripts/n8n/instance';

/** Debian's Chromium (scripts/e2e-files.sh installs it, or leaves the browser tests out). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Where the screenshots go; the README's copies are in docs/screenshots. */
export const SHOTS = process.env.SCREENSHOT_DIR ?? join(ROOT, 'tests', '.tmp', 'screenshots');

/** "70568.60" as a French reader sees it: 70 568,60 € (Intl's narrow no-break space groups, a no-break space before €). Written out here, not taken from the product's formatter. */
export function frenchEuros(amount: string): string {
	const [whole, cents] = amount.split('.');
	return `${frenchGroups(whole)},${cents}\u00a0€`;
}

/** "1354" → "1 354": thousands grouped by a narrow no-break space, as fr-FR writes them. */
export const frenchGroups = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, '\u202f');

/** The chart re-read as a PNG: a sensible size, and drawn (many colours, not a blank canvas). */
export function assertChartPng(
	png: Buffer,
	label: string,
): { width: number; height: number; colours: number } {
	const image = PNG.sync.read(png);
	assert.ok(image.width >= 800 && image.width <= 2000, `${label}: width ${image.width}`);
	assert.ok(image.height >= 300 && image.height <= 2000, `${label}: height ${image.height}`);
	const colours = new Set<number>();
	for (let offset = 0; offset < image.data.length; offset += 4)
		colours.add(image.data.readUInt32BE(offset));
	assert.ok(colours.size >= 8, `${label}: only ${colours.size} colours`);
	const white = 0xffffffff;
	let drawn = 0;
	for (let offset = 0; offset < image.data.length; offset += 4)
		if (image.data.readUInt32BE(offset) !== white) drawn++;
	// Bars, lines, axes and text: a real chart covers a good part of its canvas.
	assert.ok(
		drawn / (image.width * image.height) > 0.05,
		`${label}: ${drawn} of ${image.width * image.height} pixels drawn`,
	);
	return { width: image.width, height: image.height, colours: colours.size };
}

/** The monthly email: an HTML part, a text part, the chart inline by its cid, and every report file attached. */
export function assertReportEmail(
	mail: ParsedMail,
	files: string[],
): { chart: Buffer; dashboard: string } {
	assert.ok(mail.html && mail.html.length > 1000, 'an HTML part');
	assert.ok(mail.text && /Revenue: /.test(mail.text), 'a text part');
	const inline = mail.attachments.find((attachment) => attachment.cid === 'tendance_ca');
	assert.ok(
		inline,
		`the chart inline (attachments: ${mail.attachments.map((a) => `${a.filename} ${a.cid ?? ''}`).join(', ')})`,
	);
	assert.equal(inline.contentType, 'image/png');
	assert.equal(inline.filename, 'tendance_ca.png');
	// mailparser replaces cid: references with data URLs by default: the img is the inline part's.
	assert.match(mail.html, /<img src="(cid:tendance_ca|data:image\/png;base64,[^"]+)"/);
	const attached = mail.attachments
		.filter((attachment) => attachment !== inline)
		.map((attachment) => attachment.filename)
		.sort();
	assert.deepEqual(attached, [...files].sort());
	const dashboard = mail.attachments.find(
		(attachment) => attachment.filename === 'tableau_de_bord.html',
	)!;
	assert.equal(dashboard.contentType, 'text/html');
	return { chart: inline.content, dashboard: dashboard.content.toString('utf8') };
}

/**
 * Opens each page in headless Chromium (from a file, as a mail client or a browser opens an
 * attachment), fails on any console error, page error or request other than the page itself
 * and data: URLs, and saves a full-page screenshot as `<name>.png`.
 */
export async function assertRendersOffline(
	pages: Array<{ name: string; html: string; width?: number }>,
	folder: string,
): Promise<Record<string, string>> {
	mkdirSync(SHOTS, { recursive: true });
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const shots: Record<string, string> = {};
	try {
		for (const { name, html, width } of pages) {
			const path = join(folder, `${name}.html`);
			writeFileSync(path, html);
			const context = await browser.newContext({ viewport: { width: width ?? 1280, height: 900 } });
			const page = await context.newPage();
			const problems: string[] = [];
			const requests: string[] = [];
			page.on('console', (message) => {
				if (message.type() === 'error' || message.type() === 'warning')
					problems.push(`console ${message.type()}: ${message.text()}`);
			});
			page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
			page.on('request', (request) => {
				const url = request.url();
				if (url !== `file://${path}` && !url.startsWith('data:')) requests.push(url);
			});
			await page.goto(`file://${path}`, { waitUntil: 'load' });
			await page.waitForTimeout(300);
			assert.deepEqual(problems, [], `${name}: console`);
			assert.deepEqual(requests, [], `${name}: network requests`);
			shots[name] = join(SHOTS, `${name}.png`);
			await page.screenshot({ path: shots[name], fullPage: true });
			await context.close();
		}
	} finally {
		await browser.close();
	}
	return shots;
}

/** The email's HTML as a mail client shows it: cid: images replaced by the attached image. */
export function emailAsShown(mail: ParsedMail): string {
	let html = String(mail.html);
	for (const attachment of mail.attachments) {
		if (attachment.cid)
			html = html.replaceAll(
				`cid:${attachment.cid}`,
				`data:${attachment.contentType};base64,${attachment.content.toString('base64')}`,
			);
	}
	return html;
}
