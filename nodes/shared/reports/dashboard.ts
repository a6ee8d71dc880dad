/**
 * The month's dashboard, tableau_de_bord.html: one self-contained page a manager opens from the
 * email. Nothing in it is fetched (its Content-Security-Policy makes the browser refuse any load),
 * every value from data is escaped, and every figure is formatted in the reader's locale.
 * The tables render here, so the page reads the same with scripts off; the one inline script
 * only re-orders the product table's rows.
 */
import { escapeHtml as h } from '../escape';
import type { NumberFormats } from './format';
import type { CheckStatus, DashboardData, ProductChangeRow } from './monthly';

/** The browser itself refuses any external load: styles and the script inline, images as data: only. */
const CONTENT_SECURITY_POLICY =
	"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Statuses drawn in their own colour; anything else a check reports is drawn as "other". */
const KNOWN_STATUSES = new Set(['pass', 'warn', 'fail', 'skipped']);
const STATUS_SYMBOLS: Record<string, string> = {
	pass: '✓',
	warn: '!',
	fail: '✗',
	skipped: '–',
	other: '?',
};

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #656d76; --line: #d8dee4; --panel: #ffffff; --page: #f4f6f8; --accent: #2f5d8a;
	--up: #1a7f37; --down: #cf222e; --pass: #dafbe1; --pass-ink: #116329; --warn: #fff1c2; --warn-ink: #7a4e00; --fail: #cf222e; --skipped: #eaeef2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
.page { max-width: 1200px; margin: 0 auto; padding: 24px 20px 32px; }
h1 { font-size: 1.6rem; margin: 0 0 16px; }
.nowrap { white-space: nowrap; }
h2 { font-size: 1.15rem; margin: 0 0 12px; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
.kpi, section, figure { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.kpi { padding: 12px 16px; }
.kpi .name { display: block; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { display: block; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .value.time { font-size: 1rem; }
.kpi .detail { display: block; color: var(--muted); font-size: 0.85rem; }
.up { color: var(--up); }
.down { color: var(--down); }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin: 16px 0; }
figure { margin: 0; padding: 12px 16px; }
figure svg { display: block; width: 100%; height: auto; margin: 0 auto; }
figcaption { font-weight: 600; margin-bottom: 8px; }
section { padding: 16px; margin: 16px 0; }
.muted, .empty { color: var(--muted); }
.note { color: var(--muted); font-size: 0.9rem; margin: 0 0 8px; }
.scroll { overflow-x: auto; }
/* Up to 500 products: the table scrolls in its panel, its header in view. */
.scroll.tall { max-height: 70vh; overflow-y: auto; }
.scroll.tall thead th { position: sticky; top: 0; background: var(--panel); z-index: 1; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
thead th { font-size: 0.85rem; color: var(--muted); white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { text-align: right; }
tbody tr:hover { background: #f6f8fa; }
th button { all: inherit; cursor: pointer; padding: 0; }
th button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th button::after { content: " \\2195"; color: #b0b8c1; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; color: var(--accent); }
th[aria-sort="descending"] button::after { content: " \\25BC"; color: var(--accent); }
.key { white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; }
.star { color: #b8860b; }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 0.8rem; font-weight: 600; }
.tag.in { background: var(--pass); color: var(--pass-ink); }
.tag.out { background: #ffebe9; color: var(--down); }
.lists { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.lists h3 { font-size: 1rem; margin: 0 0 6px; }
.lists ul { margin: 0; padding-left: 20px; }
.checks th, .checks td { text-align: center; padding: 3px 2px; font-size: 0.8rem; }
.checks thead th { font-size: 0.72rem; }
/* Right to left outside, left to right inside: wider than the screen, the grid opens on its latest months. */
.scroll.months { direction: rtl; }
.scroll.months > table { direction: ltr; }
.checks th.name, .checks td.name { text-align: left; white-space: nowrap; }
.checks thead th.current { color: var(--ink); }
/* The check names stay in view while the months scroll sideways on a phone. */
.checks .name { position: sticky; left: 0; background: var(--panel); }
.status { border: 2px solid #fff; border-radius: 6px; min-width: 2.2em; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.status.pass { background: var(--pass); color: var(--pass-ink); }
.status.warn { background: var(--warn); color: var(--warn-ink); }
.status.fail { background: var(--fail); color: #fff; font-weight: 700; box-shadow: 0 0 0 2px #82071e inset; }
.status.skipped { background: var(--skipped); color: var(--muted); }
.status.other { background: #ddf4ff; color: #0a3069; }
.status.missing { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; margin: 12px 0 0; padding: 0; font-size: 0.85rem; }
.legend li { padding: 2px 10px; }
.duration { display: flex; align-items: center; gap: 10px; min-width: 220px; }
.track { flex: 1; height: 10px; background: #eaeef2; border-radius: 5px; overflow: hidden; }
.bar { display: block; height: 100%; background: var(--accent); border-radius: 5px; }
.duration .num { min-width: 5em; }
footer { color: var(--muted); font-size: 0.85rem; text-align: center; margin-top: 24px; }
@media (max-width: 800px) {
	.page { padding: 16px 12px 24px; }
	.kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
	.charts, .lists { grid-template-columns: 1fr; }
	section { padding: 12px; }
	h1 { font-size: 1.35rem; }
	.kpi .value { font-size: 1.1rem; }
	.duration { min-width: 150px; }
}
`;

/**
 * Re-orders the product table when a header is clicked: ascending first, then descending.
 * Numbers compare by the exact decimal in data-value (digit by digit: no float rounding);
 * an empty value (no sales that month, no label) sorts last either way.
 */
const SORT_SCRIPT = `
(() => {
	const table = document.getElementById('products');
	if (!table) return;
	const headers = Array.from(table.tHead.rows[0].cells);
	const body = table.tBodies[0];
	const collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: 'base' });
	const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
	const decimal = (text) => {
		const [whole, fraction = ''] = text.replace(/^[-+]/, '').split('.');
		return { negative: text.startsWith('-') && /[1-9]/.test(text), whole: whole.replace(/^0+/, ''), fraction: fraction.replace(/0+$/, '') };
	};
	const compareDecimal = (a, b) => {
		const x = decimal(a);
		const y = decimal(b);
		if (x.negative !== y.negative) return x.negative ? -1 : 1;
		const width = Math.max(x.fraction.length, y.fraction.length);
		const magnitude = x.whole.length - y.whole.length || order(x.whole, y.whole) || order(x.fraction.padEnd(width, '0'), y.fraction.padEnd(width, '0'));
		return x.negative ? -magnitude : magnitude;
	};
	headers.forEach((header, column) => {
		header.querySelector('button').addEventListener('click', () => {
			const direction = header.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
			const compare = header.dataset.type === 'number' ? compareDecimal : collator.compare;
			const rows = Array.from(body.rows);
			rows.sort((first, second) => {
				const a = first.cells[column].dataset.value;
				const b = second.cells[column].dataset.value;
				if (a === '' || b === '') return (a === '') - (b === '');
				return direction * compare(a, b);
			});
			body.append(...rows);
			headers.forEach((other) => other.removeAttribute('aria-sort'));
			header.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
		});
	});
})();
`;

type Direction = 'up' | 'down' | 'flat';

/** Whether an exact decimal string rose, fell or stayed (zero, missing, or no number). */
function directionOf(decimal: string | null): Direction {
	if (decimal === null || !/[1-9]/.test(decimal)) return 'flat';
	return /^\s*-/.test(decimal) ? 'down' : 'up';
}

const ARROWS: Record<Direction, string> = { up: '▲ ', down: '▼ ', flat: '' };

/** "2024-07-01 06:00 UTC": the same for every reader, whatever the zone of the machine that wrote the file. */
function readableTime(iso: string): string {
	const time = new Date(iso);
	if (Number.isNaN(time.getTime())) return iso;
	return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const timeElement = (iso: string) => `<time datetime="${h(iso)}">${h(readableTime(iso))}</time>`;

function headerHtml(data: DashboardData, formats: NumberFormats): string {
	const direction = directionOf(data.revenueChange);
	const change =
		data.revenueChange === null
			? '<span class="value muted">—</span><span class="detail">no earlier month recorded</span>'
			: `<span class="value ${direction}">${ARROWS[direction]}${h(formats.signedMoney(data.revenueChange))}</span>` +
				`<span class="detail"><span class="${direction}">${data.revenueChangePercent === null ? '' : h(formats.signedPercent(data.revenueChangePercent / 100))}</span>` +
				`${data.previousPeriod === null ? '' : ` vs ${h(data.previousPeriod)}`}</span>`;
	return `<header>
<h1>Sales dashboard — <span class="nowrap">${h(data.period)}</span></h1>
<div class="kpis">
<div class="kpi"><span class="name">Total revenue</span><span class="value">${h(formats.money(data.revenueTotal))}</span><span class="detail">${h(data.period)}</span></div>
<div class="kpi"><span class="name">Change vs previous month</span>${change}</div>
<div class="kpi"><span class="name">Premium products</span><span class="value">${h(formats.count(data.premiumCount))}</span></div>
<div class="kpi"><span class="name">Generated at</span><span class="value time">${timeElement(data.generatedAt)}</span></div>
</div>
</header>`;
}

function chartsHtml(charts: { trend?: string; pareto?: string }): string {
	// The SVGs come from the package's own chart module: trusted markup, embedded as it is.
	const trend =
		charts.trend ??
		'<p class="empty">The revenue trend appears once earlier months are recorded.</p>';
	const pareto =
		charts.pareto ??
		'<p class="empty">No product sold this month: there is no Pareto curve to draw.</p>';
	return `<div class="charts">
<figure><figcaption>Revenue trend</figcaption>${trend}</figure>
<figure><figcaption>Revenue concentration (Pareto)</figcaption>${pareto}</figure>
</div>`;
}

/** The premium column: ★ when premium both months, "in" or "out" when it changed, with a rank to sort on. */
function premiumCell(row: ProductChangeRow): { rank: number; html: string } {
	if (row.premium && !row.premiumPrevious)
		return { rank: 3, html: '<span class="tag in">in</span>' };
	if (row.premium)
		return { rank: 2, html: '<span class="star" title="Premium both months">★</span>' };
	if (row.premiumPrevious) return { rank: 1, html: '<span class="tag out">out</span>' };
	return { rank: 0, html: '' };
}

function productsHtml(data: DashboardData, formats: NumberFormats): string {
	const columns: Array<{ title: string; numeric: boolean }> = [
		{ title: 'Key', numeric: false },
		{ title: 'Label', numeric: false },
		{ title: 'Revenue', numeric: true },
		{ title: 'Previous', numeric: true },
		{ title: 'Change', numeric: true },
		{ title: 'Premium', numeric: true },
	];
	const head = columns
		.map(
			(column) =>
				`<th scope="col" data-type="${column.numeric ? 'number' : 'text'}"${column.numeric ? ' class="num"' : ''}><button type="button">${column.title}</button></th>`,
		)
		.join('');
	const rows = data.products.map((row) => {
		const direction = directionOf(row.change);
		const premium = premiumCell(row);
		return (
			'<tr>' +
			`<td class="key" data-value="${h(row.key)}">${h(row.key)}</td>` +
			`<td data-value="${h(row.label ?? '')}">${row.label === null ? '<span class="muted">—</span>' : h(row.label)}</td>` +
			`<td class="num" data-value="${h(row.revenue ?? '')}">${h(formats.money(row.revenue))}</td>` +
			`<td class="num" data-value="${h(row.revenuePrevious ?? '')}">${h(formats.money(row.revenuePrevious))}</td>` +
			`<td class="num ${direction}" data-value="${h(row.change)}">${h(formats.signedMoney(row.change))}</td>` +
			`<td class="num" data-value="${premium.rank}">${premium.html}</td>` +
			'</tr>'
		);
	});
	const note =
		data.productsTotal > data.products.length
			? `<p class="note">Showing ${h(formats.count(data.products.length))} of ${h(formats.count(data.productsTotal))} products with the largest changes.</p>`
			: '';
	const table = data.products.length
		? `<div class="scroll tall"><table id="products"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`
		: '<p class="empty">No product to compare.</p>';
	return `<section aria-labelledby="products-title">
<h2 id="products-title">Month over month by product</h2>
${note}${table}
</section>`;
}

function premiumListsHtml(data: DashboardData): string {
	const list = (title: string, products: Array<{ key: string; label: string | null }>) =>
		`<div><h3>${title} (${products.length})</h3>` +
		(products.length
			? `<ul>${products.map((product) => `<li>${h(product.label ?? product.key)}</li>`).join('')}</ul>`
			: '<p class="empty">none</p>') +
		'</div>';
	return `<section aria-labelledby="premium-title">
<h2 id="premium-title">Premium wines in and out</h2>
<div class="lists">${list('In', data.premiumIn)}${list('Out', data.premiumOut)}</div>
</section>`;
}

function checkCell(check: CheckStatus | undefined, period: string): string {
	if (!check) return `<td class="status missing" title="Not recorded in ${h(period)}">—</td>`;
	const known = check.status.toLowerCase();
	const kind = KNOWN_STATUSES.has(known) ? known : 'other';
	const title = `observed ${check.observed ?? '—'}, expected ${check.expected ?? '—'}`;
	// A symbol per cell keeps two years of months on one screen; the status stays in the text for screen readers and search.
	return `<td class="status ${kind}" title="${h(`${check.status}: ${title}`)}"><span aria-hidden="true">${STATUS_SYMBOLS[kind]}</span><span class="sr">${h(check.status)}</span></td>`;
}

function checksHtml(data: DashboardData): string {
	const body = (() => {
		if (!data.checkHistory.length) return '<p class="empty">No check recorded yet.</p>';
		// One row per check name, in the order the months first show them.
		const names = [
			...new Set(data.checkHistory.flatMap((month) => month.checks.map((check) => check.name))),
		];
		const months = data.checkHistory.map((month) => {
			const byName = new Map<string, CheckStatus>();
			for (const check of month.checks) if (!byName.has(check.name)) byName.set(check.name, check);
			return { period: month.period, byName };
		});
		const last = months.length - 1;
		const head = months
			.map(
				(month, index) =>
					`<th scope="col"${index === last ? ' class="current"' : ''}>${h(month.period)}</th>`,
			)
			.join('');
		const rows = names.map(
			(name) =>
				`<tr><th scope="row" class="name">${h(name)}</th>${months.map((month) => checkCell(month.byName.get(name), month.period)).join('')}</tr>`,
		);
		const legend = ['pass', 'warn', 'fail', 'skipped']
			.map((status) => `<li class="status ${status}">${STATUS_SYMBOLS[status]} ${status}</li>`)
			.join('');
		return (
			`<div class="scroll months"><table class="checks"><thead><tr><th scope="col" class="name">Check</th>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>` +
			`<ul class="legend" aria-label="Legend">${legend}<li class="status missing">— not recorded that month</li></ul>`
		);
	})();
	return `<section aria-labelledby="checks-title">
<h2 id="checks-title">Data quality over the months</h2>
${body}
</section>`;
}

function durationsHtml(data: DashboardData, formats: NumberFormats): string {
	const milliseconds = data.durations.map((run) =>
		Number.isFinite(run.durationMs) && run.durationMs > 0 ? run.durationMs : 0,
	);
	const longest = Math.max(0, ...milliseconds);
	const rows = data.durations.map((run, index) => {
		const width = longest ? (milliseconds[index] / longest) * 100 : 0;
		return (
			`<tr><td class="nowrap">${h(run.period)}</td><td class="nowrap">${timeElement(run.startedAt)}</td>` +
			`<td><div class="duration"><span class="track"><span class="bar" style="width:${width.toFixed(1)}%"></span></span>` +
			`<span class="num">${h(formats.number(milliseconds[index] / 1000, 1))} s</span></div></td></tr>`
		);
	});
	const body = data.durations.length
		? `<div class="scroll"><table><thead><tr><th scope="col">Period</th><th scope="col">Started at</th><th scope="col">Duration</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`
		: '<p class="empty">No run recorded yet.</p>';
	return `<section aria-labelledby="durations-title">
<h2 id="durations-title">Run durations</h2>
${body}
</section>`;
}

/** The whole page, ready to be written as tableau_de_bord.html. */
export function dashboardHtml(
	data: DashboardData,
	formats: NumberFormats,
	charts: { trend?: string; pareto?: string },
): string {
	return `<!doctype html>
<html lang="${h(formats.locale)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Sales dashboard — ${h(data.period)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="page">
${headerHtml(data, formats)}
<main>
${chartsHtml(charts)}
${productsHtml(data, formats)}
${premiumListsHtml(data)}
${checksHtml(data)}
${durationsHtml(data, formats)}
</main>
<footer>Generated by n8n-nodes-sales-analytics. This file makes no network request.</footer>
</div>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}
