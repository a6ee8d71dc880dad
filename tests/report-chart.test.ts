import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { chartSvgs, HIGHLIGHT_COLOUR, renderChartPng } from '../nodes/shared/reports/chart';
import { numberFormats } from '../nodes/shared/reports/format';
import type { ChartData, ParetoCurve } from '../nodes/shared/reports/monthly';

const NNBSP = '\u202f';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PRODUCTS = 1500;
const fr = numberFormats('fr-FR', 'EUR');
const us = numberFormats('en-US', 'USD');

/** A long-tailed month: 1,500 products, the curve sampled every 5 products as the report does (a few hundred points). */
function paretoOf(products: number): ParetoCurve {
	const revenues = Array.from({ length: products }, (_, rank) => 1000 / (rank + 1) ** 1.1);
	const total = revenues.reduce((sum, revenue) => sum + revenue, 0);
	const points = [{ productShare: 0, revenueShare: 0 }];
	let eighty: ParetoCurve['eighty'] = null;
	let cumulated = 0;
	revenues.forEach((revenue, rank) => {
		cumulated += revenue;
		const count = rank + 1;
		if (!eighty && cumulated / total >= 0.8)
			eighty = { products: count, productShare: count / products };
		if (count % 5 === 0 || count === products)
			points.push({ productShare: count / products, revenueShare: cumulated / total });
	});
	return { points, products, eighty };
}

/** `months` months of 2025 up to the report's, the last one current. */
function chartData(
	months: number,
	periodOf = (month: number) => `2025-${String(month).padStart(2, '0')}`,
): ChartData {
	const trend = Array.from({ length: months }, (_, index) => {
		const month = 13 - months + index;
		return {
			period: periodOf(month),
			revenue: (58000 + month * 1700 + (month % 3) * 4100 + 0.6).toFixed(2),
			current: index === months - 1,
		};
	});
	return { period: trend[trend.length - 1].period, trend, pareto: paretoOf(PRODUCTS) };
}

/** Every `step`-th pixel's colour as #rrggbb. */
function sampledColours(png: PNG, step = 3): Set<string> {
	const colours = new Set<string>();
	for (let y = 0; y < png.height; y += step) {
		for (let x = 0; x < png.width; x += step) {
			const at = (y * png.width + x) * 4;
			colours.add(
				`#${[png.data[at], png.data[at + 1], png.data[at + 2]].map((channel) => channel.toString(16).padStart(2, '0')).join('')}`,
			);
		}
	}
	return colours;
}

/** The text `svg` shows (its text elements' contents). */
const shownText = (svg: string) =>
	[...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)]
		.map((match) => match[1].replace(/<[^>]*>/g, ' '))
		.join('\n');

/** What is left of `svg` once its namespace declarations are taken out. */
const withoutNamespaces = (svg: string) => svg.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');

describe('the report chart (tendance_ca.png)', () => {
	test('12 months above the Pareto: a PNG of sensible size with this month highlighted', async () => {
		const png = await renderChartPng(chartData(12), fr);
		assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);

		const image = PNG.sync.read(png);
		assert.ok(image.width >= 800 && image.width <= 2000, `width ${image.width}`);
		assert.ok(image.height >= 300 && image.height <= 2000, `height ${image.height}`);
		const colours = sampledColours(image);
		assert.ok(colours.size >= 4, `only ${colours.size} colours`);
		assert.ok(colours.has(HIGHLIGHT_COLOUR), 'this month’s highlight colour is drawn');
		assert.ok(colours.has('#ffffff'), 'white background');
	});

	test('with a single month there is no history: the Pareto alone, shorter (the trend is stacked above it otherwise)', async () => {
		const [both, alone] = await Promise.all([
			renderChartPng(chartData(12), us),
			renderChartPng(chartData(1), us),
		]);
		const bothHeight = PNG.sync.read(both).height;
		const aloneImage = PNG.sync.read(alone);
		assert.ok(
			aloneImage.height < bothHeight * 0.6,
			`Pareto alone ${aloneImage.height} px high against ${bothHeight} px`,
		);
		assert.ok(
			aloneImage.width >= 400 && aloneImage.height >= 300,
			`${aloneImage.width}×${aloneImage.height}`,
		);

		const svgs = await chartSvgs(chartData(1), us);
		assert.equal(svgs.trend, undefined);
		assert.match(svgs.pareto, /^<svg/);
	});

	test('money axis and labels in the locale: "70 000 €" in fr-FR/EUR, "$70,000" in en-US/USD', async () => {
		const [french, american] = await Promise.all([
			chartSvgs(chartData(12), fr),
			chartSvgs(chartData(12), us),
		]);
		assert.ok(french.trend?.includes('€'));
		assert.match(
			french.trend!,
			new RegExp(`>\\d+${NNBSP}000\u00a0€<`),
			'an axis label such as "70 000 €"',
		);
		assert.ok(
			french.trend!.includes(fr.money(chartData(12).trend[11].revenue)),
			'this month’s value labelled',
		);
		assert.ok(french.trend!.includes('Revenue (EUR)'));
		assert.match(french.pareto, /80\u00a0%/);
		assert.ok(american.trend?.includes('$'));
		assert.match(american.trend!, />\$\d+,000</, 'an axis label such as "$70,000"');
		assert.match(american.pareto, /80%/);
	});

	test('the Pareto marks and labels its 80 % point, and has none without revenue', async () => {
		const data = chartData(12);
		const { pareto } = await chartSvgs(data, us);
		assert.ok(
			pareto.includes(`${us.percent(data.pareto.eighty!.productShare)} of products`),
			pareto.match(/<text[^>]*>.*?<\/text>/g)?.join('\n'),
		);
		assert.ok(pareto.includes('80% of revenue'));
		assert.ok(pareto.includes(HIGHLIGHT_COLOUR));
		assert.ok(pareto.includes('Pareto: products and revenue'));

		const none = await chartSvgs(
			{
				...data,
				pareto: { points: [{ productShare: 0, revenueShare: 0 }], products: 0, eighty: null },
			},
			us,
		);
		assert.ok(!none.pareto.includes('→'));
		assert.ok(!none.pareto.includes(HIGHLIGHT_COLOUR));
	});

	test('renders running at once with different locales each keep their own separators', async () => {
		const data = chartData(12);
		const locales = [fr, us, fr, us, numberFormats('de-CH', 'CHF'), fr, us];
		const rendered = await Promise.all(locales.map((formats) => chartSvgs(data, formats)));
		rendered.forEach(({ trend }, index) => {
			const formats = locales[index];
			const text = shownText(trend!);
			const expected = formats.money(data.trend[11].revenue);
			assert.ok(text.includes(expected), `${formats.locale}: ${expected}`);
			if (formats === fr) {
				assert.match(text, new RegExp(`\\d${NNBSP}\\d{3}\u00a0€`));
				assert.ok(
					!text.includes('$') && !/\d,\d{3}/.test(text),
					`fr-FR has no en-US figure:\n${text}`,
				);
			} else if (formats === us) {
				assert.match(text, /\$\d+,\d{3}/);
				assert.ok(
					!text.includes(NNBSP) && !text.includes('€'),
					`en-US has no fr-FR figure:\n${text}`,
				);
			}
		});
		await Promise.all(locales.map((formats) => renderChartPng(data, formats)));
	});

	test('a label with <&" cannot break the SVG', async () => {
		const hostile = chartData(3, (month) => `2025-${month}<&"</svg><script>`);
		const { trend } = await chartSvgs(hostile, fr);
		assert.ok(
			trend!.includes('2025-12&lt;&amp;"&lt;/svg&gt;&lt;script&gt;'),
			'the period is escaped',
		);
		assert.ok(!trend!.includes('<script'));
		assert.equal(trend!.match(/<\/svg>/g)?.length, 1);
		assert.match(trend!, /<\/svg>$/);
		// resvg parses the SVG as strict XML: a broken document would not render.
		const png = await renderChartPng(hostile, fr);
		assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
	});

	test('the SVG references nothing outside itself', async () => {
		const { trend, pareto } = await chartSvgs(chartData(12), fr);
		for (const svg of [trend!, pareto]) {
			assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'));
			const rest = withoutNamespaces(svg);
			assert.ok(!/http/i.test(rest), rest.match(/.{40}http.{40}/i)?.[0]);
			assert.ok(!/href|url\((?!#)/i.test(rest), rest.match(/.{40}(href|url\((?!#)).{40}/i)?.[0]);
		}
	});
});
