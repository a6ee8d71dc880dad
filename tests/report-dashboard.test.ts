import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Script } from 'node:vm';
import { dashboardHtml } from '../nodes/shared/reports/dashboard';
import { numberFormats } from '../nodes/shared/reports/format';
import type { CheckStatus, DashboardData, ProductChangeRow } from '../nodes/shared/reports/monthly';

// Intl's own spaces: fr-FR groups with a narrow no-break space and puts a no-break space before €.
const NNBSP = '\u202f';
const NBSP = '\u00a0';
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

const HOSTILE_LABELS = [
	'<script>alert(1)</script>',
	'Château "Margaux" & Fils',
	"</td><td onmouseover='alert(2)'>",
	'<img src=x onerror=alert(3)>',
];
const FAILING_PERIOD = '2024-03';

/** The 13 months 2023-07 … 2024-07, oldest first. */
const PERIODS = Array.from({ length: 13 }, (_, index) => {
	const month = new Date(Date.UTC(2023, 6 + index, 1));
	return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
});

function checksFor(period: string, index: number): CheckStatus[] {
	const checks: CheckStatus[] = [
		{ name: 'Row Count', status: 'pass', observed: '1513', expected: '≥ 1000' },
		{
			name: 'Null Prices',
			status: period === FAILING_PERIOD ? 'fail' : 'pass',
			observed: period === FAILING_PERIOD ? '12' : '0',
			expected: '≤ 5',
		},
		{
			name: 'Web <Dedup> & "Co"',
			status: index % 4 === 0 ? 'warn' : 'pass',
			observed: null,
			expected: null,
		},
	];
	// A check added in the fifth month: earlier months show it as not recorded.
	if (index >= 4)
		checks.push({
			name: 'Revenue Anomaly',
			status: index === 4 ? 'skipped' : 'pass',
			observed: '4.4 %',
			expected: '< 30 %',
		});
	return checks;
}

function product(index: number): ProductChangeRow {
	const label =
		index < HOSTILE_LABELS.length
			? HOSTILE_LABELS[index]
			: index % 7 === 0
				? null
				: `Wine ${index}`;
	return {
		key: `SKU-${String(index).padStart(4, '0')}`,
		label,
		// The first revenue is beyond what a float holds: the sort attribute must keep it exact.
		revenue:
			index === 0
				? '12345678901234567.85'
				: index === 1
					? '12345678901234567.84'
					: index === 5
						? null
						: `${1000 - index}.${String(index % 100).padStart(2, '0')}`,
		revenuePrevious: index === 6 ? null : `${900 + index}.10`,
		change: index % 2 ? `-${index}.90` : `${index * 3}.50`,
		premium: index % 3 === 0,
		premiumPrevious: index % 5 === 0,
	};
}

function fullData(): DashboardData {
	return {
		period: '2024-07',
		previousPeriod: '2024-06',
		generatedAt: '2024-08-01T06:00:12.345Z',
		revenueTotal: '70568.60',
		revenueChange: '2961.20',
		revenueChangePercent: 4.4,
		premiumCount: 37,
		trend: PERIODS.slice(1).map((period, index) => ({
			period,
			revenue: `${60000 + index * 900}.00`,
			current: period === '2024-07',
		})),
		products: Array.from({ length: 50 }, (_, index) => product(index)),
		productsTotal: 1513,
		premiumIn: [
			{ key: 'SKU-0003', label: '<script>alert(1)</script>' },
			{ key: 'SKU-0009', label: null },
		],
		premiumOut: [{ key: 'SKU-0010', label: 'Château "Margaux" & Fils' }],
		checkHistory: PERIODS.map((period, index) => ({ period, checks: checksFor(period, index) })),
		durations: PERIODS.slice(0, 12).map((period, index) => ({
			period,
			startedAt: `${period}-01T06:00:00.000Z`,
			durationMs: index === 3 ? 48000 : 12000 + index * 1000,
		})),
	};
}

function emptyData(): DashboardData {
	return {
		period: '2024-07',
		previousPeriod: null,
		generatedAt: '2024-08-01T06:00:00Z',
		revenueTotal: '1234.5',
		revenueChange: null,
		revenueChangePercent: null,
		premiumCount: 0,
		trend: [{ period: '2024-07', revenue: '1234.5', current: true }],
		products: [product(10)],
		productsTotal: 1,
		premiumIn: [],
		premiumOut: [],
		checkHistory: [],
		durations: [],
	};
}

const charts = {
	trend: `<svg xmlns="${SVG_NAMESPACE}" viewBox="0 0 100 50" role="img"><title>Revenue trend</title><polyline points="0,40 50,20 100,10" fill="none" stroke="#2f5d8a"/></svg>`,
	pareto: `<svg xmlns="${SVG_NAMESPACE}" viewBox="0 0 100 100" role="img"><title>Pareto</title><path d="M0 100 L20 20 L100 0" fill="none" stroke="#2f5d8a"/></svg>`,
};

const fr = numberFormats('fr-FR', 'EUR');
const page = dashboardHtml(fullData(), fr, charts);
/** The page's own markup: the inline script and the embedded charts set aside. */
const markup = page.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '');
/** Every attribute of the page's own tags, quoted values read as values (escaped text in them is no attribute). */
const attributes = (markup.match(/<[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>/g) ?? []).flatMap((tag) =>
	[...tag.matchAll(/\s([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)].map(
		(match) => ({ name: match[1].toLowerCase(), value: match[2] ?? match[3] ?? match[4] ?? '' }),
	),
);

describe('the monthly dashboard page', () => {
	test('every hostile label and check name appears only escaped', () => {
		assert.ok(!page.includes('<script>alert'));
		assert.ok(!page.includes('<img'));
		assert.ok(!page.includes('<td onmouseover'));
		assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
		assert.ok(page.includes('Château &quot;Margaux&quot; &amp; Fils'));
		assert.ok(page.includes('Web &lt;Dedup&gt; &amp; &quot;Co&quot;'));
		// The only script is the page's own; no element carries an event handler.
		assert.equal(page.match(/<script/g)?.length, 1);
		assert.ok(attributes.length > 100);
		assert.deepEqual(
			attributes.filter((attribute) => attribute.name.startsWith('on')),
			[],
		);
	});

	test('the browser is told to refuse every external load, and nothing points outside', () => {
		assert.ok(
			page.includes(
				`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
			),
		);
		assert.ok(page.indexOf('Content-Security-Policy') < page.indexOf('<style>'));
		assert.ok(page.includes('<meta charset="utf-8">'));
		assert.ok(page.includes('<html lang="fr-FR">'));
		assert.doesNotMatch(page.split(SVG_NAMESPACE).join(''), /https?:\/\//);
		assert.ok(
			page.includes(charts.trend) && page.includes(charts.pareto),
			'the charts are embedded as they are',
		);
		const links = attributes.filter((attribute) =>
			['src', 'href', 'action', 'formaction', 'srcset', 'poster', 'data'].includes(attribute.name),
		);
		assert.ok(links.length > 0);
		for (const link of links) assert.match(link.value, /^data:/);
		assert.doesNotMatch(page, /@import|url\(|fetch\(|XMLHttpRequest|eval\(|innerHTML|new Function/);
	});

	test('the inline script is small and compiles', () => {
		const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
		assert.ok(script.length < 2500, `script of ${script.length} characters`);
		assert.doesNotThrow(() => new Script(script));
	});

	test('figures are formatted in the reader’s locale', () => {
		assert.ok(page.includes(`70${NNBSP}568,60${NBSP}€`));
		assert.ok(page.includes(`+2${NNBSP}961,20${NBSP}€`));
		assert.ok(page.includes(`+4,4${NBSP}%`));
		assert.ok(page.includes('vs 2024-06'));
		assert.ok(
			page.includes(`12${NNBSP}345${NNBSP}678${NNBSP}901${NNBSP}234${NNBSP}567,85${NBSP}€`),
		);
		assert.match(page, /<span class="value up">▲ \+2/);
		assert.ok(page.includes('2024-08-01 06:00 UTC'));

		const us = dashboardHtml(fullData(), numberFormats('en-US', 'USD'), charts);
		assert.ok(us.includes('<html lang="en-US">'));
		assert.ok(us.includes('$70,568.60'));
		assert.ok(us.includes('+$2,961.20'));
	});

	test('the product table sorts on exact decimals held in data attributes', () => {
		assert.match(page, /<table id="products">/);
		assert.equal(
			page.match(/<th scope="col" data-type="(?:number|text)"[^>]*><button type="button">/g)
				?.length,
			6,
		);
		assert.ok(page.includes('data-value="12345678901234567.85"'));
		assert.ok(page.includes('data-value="-1.90"'));
		assert.ok(page.includes('data-value="0.50"'));
		const body = /<table id="products">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)![1];
		assert.equal(body.match(/<tr>/g)?.length, 50);
		// A product gone this month has no revenue to sort on: an empty value, shown as a dash.
		assert.match(body, /<td class="num" data-value="">—<\/td>/);
		assert.match(body, /<span class="tag in">in<\/span>/);
		assert.match(body, /<span class="tag out">out<\/span>/);
		assert.match(body, /★/);
		assert.match(body, /<td class="num down" data-value="-1\.90">-1,90/);
		assert.ok(page.includes(`Showing 50 of 1${NNBSP}513 products with the largest changes.`));
	});

	test('the inline script re-orders the rows by exact decimal or text, empty values last, and sets aria-sort', () => {
		const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
		const table =
			/<table id="products"><thead><tr>(.*?)<\/tr><\/thead><tbody>([\s\S]*?)<\/tbody>/.exec(page)!;
		const unescape = (text: string) =>
			text.replace(
				/&quot;|&#39;|&lt;|&gt;|&amp;/g,
				(entity) =>
					({ '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' })[entity]!,
			);
		// Just enough of the DOM for the script: header cells with a button each, and the body's rows.
		const headers = [...table[1].matchAll(/data-type="(\w+)"/g)].map((match) => {
			const attributes = new Map<string, string>();
			let onClick = () => {};
			return {
				dataset: { type: match[1] },
				getAttribute: (name: string) => attributes.get(name) ?? null,
				setAttribute: (name: string, value: string) => attributes.set(name, value),
				removeAttribute: (name: string) => attributes.delete(name),
				querySelector: () => ({
					addEventListener: (_type: string, listener: () => void) => (onClick = listener),
				}),
				click: () => onClick(),
			};
		});
		const body = {
			rows: table[2]
				.trim()
				.split('\n')
				.map((row) => ({
					cells: [...row.matchAll(/data-value="([^"]*)"/g)].map((match) => ({
						dataset: { value: unescape(match[1]) },
					})),
				})),
			append(...rows: unknown[]) {
				this.rows = rows as typeof this.rows;
			},
		};
		const document = {
			getElementById: () => ({ tHead: { rows: [{ cells: headers }] }, tBodies: [body] }),
			documentElement: { lang: 'fr-FR' },
		};
		new Script(script).runInNewContext({ document });
		const column = (index: number) => body.rows.map((row) => row.cells[index].dataset.value);
		const cents = (value: string) => BigInt(value.replace('.', ''));
		const numericOrder = (values: string[], direction: 1 | -1) => [
			...values
				.filter((value) => value !== '')
				.sort((a, b) => direction * (cents(a) < cents(b) ? -1 : cents(a) > cents(b) ? 1 : 0)),
			...values.filter((value) => value === ''),
		];

		const revenues = column(2);
		headers[2].click();
		assert.deepEqual(column(2), numericOrder(revenues, 1));
		// Two amounts a float cannot tell apart, in their exact order.
		assert.deepEqual(column(2).slice(-3), ['12345678901234567.84', '12345678901234567.85', '']);
		assert.equal(headers[2].getAttribute('aria-sort'), 'ascending');
		headers[2].click();
		assert.deepEqual(column(2), numericOrder(revenues, -1));
		assert.equal(headers[2].getAttribute('aria-sort'), 'descending');

		headers[4].click();
		assert.deepEqual(column(4), numericOrder(column(4), 1));
		assert.equal(column(4)[0], '-49.90');
		assert.deepEqual(
			headers.map((header) => header.getAttribute('aria-sort')),
			[null, null, null, null, 'ascending', null],
		);

		headers[1].click();
		const labels = column(1);
		assert.ok(
			labels.indexOf('Wine 9') < labels.indexOf('Wine 10'),
			'text compares numbers inside it as numbers',
		);
		assert.equal(labels.at(-1), '', 'a missing label sorts last');
	});

	test('premium wines in and out are listed by label, else key', () => {
		assert.match(
			page,
			/<h3>In \(2\)<\/h3><ul><li>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/li><li>SKU-0009<\/li><\/ul>/,
		);
		assert.match(
			page,
			/<h3>Out \(1\)<\/h3><ul><li>Château &quot;Margaux&quot; &amp; Fils<\/li><\/ul>/,
		);
	});

	test('the data-quality grid has a row per check, a column per month, and the failure highlighted', () => {
		const grid = /<table class="checks">([\s\S]*?)<\/table>/.exec(page)![1];
		const headerCells = /<thead>([\s\S]*?)<\/thead>/.exec(grid)![1].match(/<th /g)!;
		assert.equal(headerCells.length, 14);
		const rows = /<tbody>([\s\S]*?)<\/tbody>/.exec(grid)![1].trim().split('\n');
		assert.deepEqual(
			rows.map((row) => /<th scope="row" class="name">(.*?)<\/th>/.exec(row)![1]),
			['Row Count', 'Null Prices', 'Web &lt;Dedup&gt; &amp; &quot;Co&quot;', 'Revenue Anomaly'],
		);
		for (const row of rows) assert.equal(row.match(/<td /g)?.length, 13);

		const failures = page.match(/<td class="status fail"[^>]*>.*?<\/td>/g) ?? [];
		assert.deepEqual(failures, [
			'<td class="status fail" title="fail: observed 12, expected ≤ 5"><span aria-hidden="true">✗</span><span class="sr">fail</span></td>',
		]);
		const nullPrices = rows[1].match(/<td [^>]*>/g)!;
		assert.match(nullPrices[PERIODS.indexOf(FAILING_PERIOD)], /class="status fail"/);
		assert.match(page, /\.status\.fail \{[^}]*background: var\(--fail\)[^}]*font-weight: 700/);

		assert.match(
			rows[3],
			/^(?:.*?<td class="status missing" title="Not recorded in 2023-\d\d">—<\/td>){4}/,
		);
		assert.match(
			rows[3],
			/<td class="status skipped" title="skipped: observed 4\.4 %, expected &lt; 30 %"><span aria-hidden="true">–<\/span><span class="sr">skipped<\/span><\/td>/,
		);
		assert.match(
			rows[2],
			/<td class="status warn" title="warn: observed —, expected —"><span aria-hidden="true">!<\/span><span class="sr">warn<\/span><\/td>/,
		);
		assert.match(
			page,
			/<ul class="legend"[^>]*><li class="status pass">✓ pass<\/li><li class="status warn">! warn<\/li><li class="status fail">✗ fail<\/li><li class="status skipped">– skipped<\/li>/,
		);
	});

	test('run durations in seconds with bars against the longest', () => {
		const table = /<h2 id="durations-title">Run durations<\/h2>([\s\S]*?)<\/section>/.exec(
			page,
		)![1];
		assert.equal(table.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>/g)?.length, 12);
		assert.match(table, /style="width:100\.0%"><\/span><\/span><span class="num">48 s<\/span>/);
		assert.match(table, /style="width:25\.0%"><\/span><\/span><span class="num">12 s<\/span>/);
		assert.match(table, /<time datetime="2023-07-01T06:00:00.000Z">2023-07-01 06:00 UTC<\/time>/);
	});

	test('a first month: no trend yet, no earlier month, no run, empty lists, no cap note', () => {
		const first = dashboardHtml(emptyData(), numberFormats('en-US', 'USD'), {
			pareto: charts.pareto,
		});
		assert.ok(first.includes('The revenue trend appears once earlier months are recorded.'));
		assert.ok(!first.includes('Revenue trend</title>'));
		assert.ok(first.includes(charts.pareto));
		assert.ok(first.includes('no earlier month recorded'));
		assert.ok(first.includes('No run recorded yet.'));
		assert.ok(first.includes('No check recorded yet.'));
		assert.equal(first.match(/<p class="empty">none<\/p>/g)?.length, 2);
		assert.ok(!first.includes('Showing'));
		assert.ok(first.includes('Sales dashboard — 2024-07'));
		assert.ok(
			first.includes('Generated by n8n-nodes-sales-analytics. This file makes no network request.'),
		);
		assert.ok(!page.includes('The revenue trend appears once'));
	});
});
