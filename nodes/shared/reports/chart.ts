/**
 * The monthly report's chart: revenue per month and this month's Pareto curve, drawn by vega-lite
 * into SVG and rasterised by resvg, in Node with no browser, no network and no system font.
 * Figures follow the reader's locale through each view's own number locale (never vega's global
 * default, which executions with other locales share). Every label reaches vega as a data value,
 * which its SVG renderer escapes.
 */
import { dirname, join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { NumberFormats } from './format';
import type { ChartData, ParetoCurve } from './monthly';

/** This month's bar and the Pareto's 80 % point. */
export const HIGHLIGHT_COLOUR = '#e4572e';
const BAR_COLOUR = '#9fb7d3';
const LINE_COLOUR = '#2f6690';
const REFERENCE_COLOUR = '#8a8a8a';
const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
/** 2 device pixels per SVG unit: the two charts side by side come out at about 1600×700. */
const PNG_ZOOM = 2;
const PARETO_SHARE = 0.8;

type UnitSpec = Record<string, unknown>;

/** The plot width of each chart, in CSS pixels: with its axes, about a 600 px email column. */
const EMAIL_CHART_WIDTH = 480;

/**
 * The trend and the Pareto as two standalone SVG documents (for the HTML dashboard).
 * `trend` is left out when fewer than 2 months are recorded: there is no history to draw.
 */
export async function chartSvgs(
	data: ChartData,
	formats: NumberFormats,
): Promise<{ trend?: string; pareto: string }> {
	// As wide as each other, so the dashboard shows both at the same scale.
	const [trend, pareto] = await Promise.all([
		hasHistory(data)
			? toSvg({ ...trendSpec(data, formats), width: EMAIL_CHART_WIDTH, ...topLevel(formats) })
			: undefined,
		toSvg({ ...paretoSpec(data, formats), width: EMAIL_CHART_WIDTH, ...topLevel(formats) }),
	]);
	return trend === undefined ? { pareto } : { trend, pareto };
}

/**
 * One PNG: the trend above the Pareto, or the Pareto alone without history. White background.
 * Stacked, each as wide as an email's column: side by side, an email client would shrink the text unreadably.
 */
export async function renderChartPng(data: ChartData, formats: NumberFormats): Promise<Buffer> {
	const wide = (spec: UnitSpec) => ({ ...spec, width: EMAIL_CHART_WIDTH });
	const charts = hasHistory(data)
		? [wide(trendSpec(data, formats)), wide(paretoSpec(data, formats))]
		: [wide(paretoSpec(data, formats))];
	const svg = await toSvg({ vconcat: charts, spacing: 36, ...topLevel(formats) });
	const image = await renderAsync(svg, {
		background: 'white',
		fitTo: { mode: 'zoom', value: PNG_ZOOM },
		font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY },
	});
	return image.asPng();
}

function hasHistory(data: ChartData): boolean {
	return data.trend.length >= 2;
}

/** `spec` is vega-lite JSON, checked by compile itself. */
async function toSvg(spec: object): Promise<string> {
	const view = new vega.View(vega.parse(compile(spec as TopLevelSpec).spec), { renderer: 'none' });
	try {
		return await view.toSVG();
	} finally {
		view.finalize();
	}
}

/** What every chart shares: white background, DejaVu Sans, and the reader's number locale for axis formats. */
function topLevel(formats: NumberFormats) {
	return {
		background: 'white',
		padding: 12,
		config: {
			font: FONT_FAMILY,
			locale: { number: numberLocale(formats) },
			title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' as const, offset: 10 },
			axis: { labelFontSize: 11, titleFontSize: 11, titlePadding: 8 },
			view: { stroke: null },
		},
	};
}

/** d3-format's locale definition matching Intl's for `formats`, so axis labels read like the report's text. */
function numberLocale(formats: NumberFormats): vega.NumberLocale {
	const { decimal, group, currencyPrefix, currencySuffix } = formats.symbols;
	// Intl's group sizes, right to left ("1,23,45,67,890" in en-IN: 3 then 2); none where the locale does not group.
	const groups = formats
		.count(1234567890)
		.split(group)
		.slice(1)
		.map((digits) => digits.length)
		.reverse();
	const numerals = Array.from({ length: 10 }, (_, digit) => formats.count(digit));
	return {
		decimal,
		thousands: groups.length ? group : '',
		grouping: groups.length ? groups : [3],
		currency: [currencyPrefix, currencySuffix],
		numerals: numerals as vega.NumberLocale['numerals'],
		// d3 appends the sign: keep Intl's spacing ("50 %" in fr-FR).
		percent: formats.percent(0.5, 0).replace(formats.count(50), ''),
		minus: formats.number(-1, 0).replace(formats.count(1), ''),
	};
}

function trendSpec(data: ChartData, formats: NumberFormats): UnitSpec {
	// This month's label sits above the tallest bar, where no neighbouring bar can run into it.
	const tallest = Math.max(0, ...data.trend.map((month) => Number(month.revenue)));
	const months = data.trend.map((month) => ({
		period: month.period,
		revenue: Number(month.revenue),
		current: month.current,
		label: formats.money(month.revenue),
		labelAt: tallest,
	}));
	const y = {
		field: 'revenue',
		type: 'quantitative',
		axis: {
			format: '$,~f',
			title: formats.currency ? `Revenue (${formats.currency})` : 'Revenue',
			tickCount: 6,
		},
	};
	return {
		title: {
			text: 'Revenue per month',
			subtitle: `${formats.count(data.trend.length)} months, ${data.period} highlighted`,
		},
		width: 340,
		height: 220,
		data: { values: months },
		encoding: {
			// Oldest first, as given: periods are labels, not dates to parse.
			x: { field: 'period', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -45 } },
		},
		layer: [
			{
				mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
				encoding: {
					y,
					color: {
						condition: { test: 'datum.current', value: HIGHLIGHT_COLOUR },
						value: BAR_COLOUR,
					},
				},
			},
			{
				transform: [{ filter: 'datum.current' }],
				mark: {
					type: 'text',
					baseline: 'bottom',
					dy: -4,
					fontWeight: 'bold',
					fontSize: 11,
					color: HIGHLIGHT_COLOUR,
				},
				encoding: { y: { ...y, field: 'labelAt' }, text: { field: 'label' } },
			},
		],
	};
}

function paretoSpec(data: ChartData, formats: NumberFormats): UnitSpec {
	const { pareto } = data;
	// Vega's generous width estimates would otherwise drop every other tick label.
	const share = {
		type: 'quantitative',
		scale: { domain: [0, 1] },
		axis: { format: '.0%', tickCount: 5, labelOverlap: false, labelFlush: false },
	};
	const x = { ...share, field: 'productShare', title: 'Share of products (best sellers first)' };
	const y = { ...share, field: 'revenueShare', title: 'Share of revenue' };
	const layers: UnitSpec[] = [
		{
			data: { values: [{ revenueShare: PARETO_SHARE }] },
			mark: { type: 'rule', color: REFERENCE_COLOUR, strokeDash: [4, 4] },
			encoding: { y },
		},
		{
			data: { values: pareto.points },
			mark: { type: 'line', color: LINE_COLOUR, strokeWidth: 2 },
			encoding: { x, y },
		},
	];
	if (pareto.eighty) {
		const point = {
			productShare: pareto.eighty.productShare,
			revenueShare: curveShareAt(pareto.points, pareto.eighty.productShare),
			// Two lines: vega estimates text widths generously (it has no font metrics here) and a long line would widen the image.
			label: [
				`${formats.percent(pareto.eighty.productShare)} of products`,
				`→ ${formats.percent(PARETO_SHARE)} of revenue`,
			],
		};
		// Below a Pareto curve, right of its 80 % point, the plot is empty: the label goes there, or
		// in the bottom-right corner (always empty, the curve being above the diagonal) when the point is far right.
		const nearPoint = point.productShare <= 0.4;
		const text = { type: 'text', fontWeight: 'bold', fontSize: 11, lineHeight: 14 };
		layers.push(
			{
				data: { values: [point] },
				mark: { type: 'point', filled: true, opacity: 1, size: 70, color: HIGHLIGHT_COLOUR },
				encoding: { x, y },
			},
			{
				data: { values: [nearPoint ? point : { ...point, productShare: 1, revenueShare: 0 }] },
				mark: nearPoint
					? { ...text, align: 'left', baseline: 'top', dx: 8, dy: 8 }
					: { ...text, align: 'right', baseline: 'bottom', dx: -4, dy: -4 - 14 },
				encoding: { x, y, text: { field: 'label' } },
			},
		);
	}
	return {
		title: {
			text: 'Pareto: products and revenue',
			subtitle: `${formats.count(pareto.products)} ${pareto.products === 1 ? 'product' : 'products'} with revenue in ${data.period}`,
		},
		width: 260,
		height: 220,
		layer: layers,
	};
}

/** The curve's revenue share at `productShare`, interpolated between its sampled points (so the marked point sits on the line). */
function curveShareAt(points: ParetoCurve['points'], productShare: number): number {
	const next = points.findIndex((point) => point.productShare >= productShare);
	if (next === -1) return points.at(-1)?.revenueShare ?? PARETO_SHARE;
	if (next === 0) return points[0].revenueShare;
	const [from, to] = [points[next - 1], points[next]];
	return (
		from.revenueShare +
		((to.revenueShare - from.revenueShare) * (productShare - from.productShare)) /
			(to.productShare - from.productShare)
	);
}

let fontsFolder: string | undefined;

/** DejaVu Sans regular and bold: next to the compiled file (copied by the build), else from the dejavu-fonts-ttf package. */
function fontFiles(): string[] {
	fontsFolder ??= findFontsFolder();
	return FONT_FILES.map((file) => join(fontsFolder!, file));
}

function findFontsFolder(): string {
	// Resolved from this module, as n8n's package scanner forbids __dirname: beside it where the build copies them, else the fonts package of a source checkout.
	const folder =
		resolvedFolder(`./fonts/${FONT_FILES[0]}`) ??
		resolvedFolder(`dejavu-fonts-ttf/ttf/${FONT_FILES[0]}`);
	if (folder) return folder;
	throw new Error(
		`The chart fonts are missing: no ${FONT_FILES[0]} in the fonts folder beside this module (where the build copies them) nor in node_modules/dejavu-fonts-ttf/ttf (a source checkout). Reinstall the package.`,
	);
}

/** The folder of `request` as require resolves it; undefined when there is no such file. */
function resolvedFolder(request: string): string | undefined {
	try {
		return dirname(require.resolve(request));
	} catch {
		return undefined;
	}
}
