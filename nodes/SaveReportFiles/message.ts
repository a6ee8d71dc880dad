import type { IDataObject } from 'n8n-workflow';
import { escapeHtml, escapeSlackMrkdwn } from '../shared/escape';
import { numberFormats } from '../shared/reports/format';
import { isObject, objectList as list } from '../shared/json';

/** The success messages of a run: a Slack Block Kit payload, and an email body as text and as HTML. */
export type ReportMessage = {
	slack: { text: string; blocks: IDataObject[] };
	text: string;
	html: string;
};

export interface MessageOptions {
	/** The readers' locale for money and numbers ("fr-FR"); en-US when empty. */
	locale?: string;
	/** Images saved with the report, shown in the email as `cid:<cid>` (the Send Email node's inline attachments). */
	images?: Array<{ cid: string; alt: string }>;
	/** The report files' names, listed at the end of the email (the shipped workflow attaches them). */
	files?: string[];
}

interface Check {
	name: string;
	status: string;
	observed: string;
	expected: string;
}

interface Change {
	name: string;
	change: string;
}

/** Values from data shown as text; a missing one as a dash, as the quality report does. */
function show(value: unknown): string {
	if (value === null || value === undefined) return '—';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const number = (value: unknown) =>
	typeof value === 'number'
		? value
		: typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
			? Number(value)
			: undefined;

const GOOD = '#1a7f37';
const BAD = '#b42318';
const STATUS_COLOURS: Record<string, string> = {
	pass: GOOD,
	warn: '#b54708',
	fail: BAD,
	skipped: '#667085',
};

/**
 * Composes the messages from the summary Save Report Files writes (period, currency, figures,
 * checks, topPremium: [{ name, price }], comparison, warnings), money and numbers in the
 * readers' locale. Every value from data goes through escape.ts for the format it lands in.
 */
export function composeMessage(
	summary: IDataObject,
	folder: string,
	options: MessageOptions = {},
): ReportMessage {
	const formats = numberFormats(
		options.locale ?? '',
		typeof summary.currency === 'string' ? summary.currency : '',
	);
	const figures = isObject(summary.figures) ? summary.figures : {};
	const period = show(summary.period);
	const revenue = formats.money(figures.revenue_total as string | number | undefined);
	const premiumCount =
		number(figures.premium_count) === undefined
			? show(figures.premium_count)
			: formats.count(number(figures.premium_count));
	const mergedRows =
		number(figures.merged_rows) === undefined
			? show(figures.merged_rows)
			: formats.count(number(figures.merged_rows));
	const top = list(summary.topPremium).map((product) => ({
		name: show(product.name),
		price:
			number(product.price) === undefined
				? show(product.price)
				: formats.money(product.price as string | number),
	}));
	const checks: Check[] = list(summary.checks).map((check) => ({
		name: show(check.name),
		status: show(check.status),
		observed: show(check.observed),
		expected: show(check.expected),
	}));
	const count = (status: string) => checks.filter((check) => check.status === status).length;
	// Warnings do not stop the report, but they must not go unseen.
	const toLookAt = checks.filter((check) => check.status !== 'pass' && check.status !== 'skipped');
	const counted = (status: string, one: string, many = one) =>
		`${formats.count(count(status))} ${count(status) === 1 ? one : many}`;
	const checkCounts = [
		counted('pass', 'passed'),
		...(count('warn') ? [counted('warn', 'warning', 'warnings')] : []),
		...(count('fail') ? [counted('fail', 'failed')] : []),
		counted('skipped', 'skipped'),
	];
	const checksLine = checks.length
		? `Checks: ${checkCounts.join(', ')}`
		: 'No data-quality check ran';

	const comparison = isObject(summary.comparison) ? summary.comparison : undefined;
	const previousPeriod = comparison?.previous_period ? show(comparison.previous_period) : undefined;
	// Month over month, as Sales History's Compare worded it in the locale; labels come from data, so every line is escaped where it lands.
	const monthOverMonth = Array.isArray(comparison?.lines) ? comparison.lines.map(show) : [];
	const revenueChange =
		comparison?.revenue_change === null || comparison?.revenue_change === undefined
			? undefined
			: String(comparison.revenue_change);
	const changePercent = number(comparison?.revenue_change_percent);
	const changeText =
		revenueChange === undefined
			? undefined
			: `${formats.signedMoney(revenueChange)}${changePercent === undefined ? '' : ` (${formats.signedPercent(changePercent / 100)})`} on ${previousPeriod}`;
	const changes = (key: string): Change[] =>
		list(comparison?.[key]).map((product) => ({
			name: show(product.label ?? product.product_key),
			change: formats.signedMoney(product.revenue_change as string),
		}));
	const risers = changes('top_risers');
	const fallers = changes('top_fallers');
	const warnings = Array.isArray(summary.warnings) ? summary.warnings.map(show) : [];
	const files = options.files ?? [];
	const closing = files.length ? `Report files: ${files.join(', ')}.` : 'No report file was saved.';

	const s = escapeSlackMrkdwn;
	const slackBlocks: IDataObject[] = [
		// plain_text is never parsed for links or mentions: escaping it would show the entities.
		{ type: 'header', text: { type: 'plain_text', text: `Monthly sales report — ${period}` } },
		{
			type: 'section',
			fields: [
				{
					type: 'mrkdwn',
					text: `*Total revenue*\n${s(revenue)}${changeText ? `\n${s(changeText)}` : ''}`,
				},
				{ type: 'mrkdwn', text: `*Premium products*\n${s(premiumCount)} of ${s(mergedRows)}` },
			],
		},
		{
			type: 'section',
			text: {
				type: 'mrkdwn',
				text:
					'*Top 5 premium products*\n' +
					top.map((product) => `• ${s(product.name)} — ${s(product.price)}`).join('\n'),
			},
		},
	];
	if (monthOverMonth.length && previousPeriod) {
		slackBlocks.push({
			type: 'section',
			text: {
				type: 'mrkdwn',
				text:
					`*Compared with ${s(previousPeriod)}*\n` +
					monthOverMonth.map((line) => `• ${s(line)}`).join('\n'),
			},
		});
	}
	if (warnings.length)
		slackBlocks.push({
			type: 'section',
			text: {
				type: 'mrkdwn',
				text: '*Warnings*\n' + warnings.map((warning) => `• ${s(warning)}`).join('\n'),
			},
		});
	if (toLookAt.length) {
		const lines = toLookAt.map(
			(check) =>
				`• *${s(check.name)}* (${s(check.status)}): observed ${s(check.observed)}, expected ${s(check.expected)}`,
		);
		slackBlocks.push({
			type: 'section',
			text: { type: 'mrkdwn', text: '*Checks to look at*\n' + lines.join('\n') },
		});
	}
	// Link-free: the folder is a path on the n8n machine, not something to click.
	slackBlocks.push({
		type: 'context',
		elements: [{ type: 'mrkdwn', text: `${s(checksLine)} · files in ${s(folder)}` }],
	});

	const checkText = (check: Check) =>
		`${check.name} (${check.status}): observed ${check.observed}, expected ${check.expected}`;
	const text = [
		`Monthly sales report — ${period}`,
		'',
		`Revenue: ${revenue}${changeText ? `, ${changeText}` : ''}`,
		`Premium products: ${premiumCount}`,
		...(top.length
			? [
					'',
					'Top 5 premium products:',
					...top.map((product) => `- ${product.name} — ${product.price}`),
				]
			: []),
		...(monthOverMonth.length && previousPeriod
			? ['', `Compared with ${previousPeriod}:`, ...monthOverMonth.map((line) => `- ${line}`)]
			: []),
		...(warnings.length ? ['', 'Warnings:', ...warnings.map((warning) => `- ${warning}`)] : []),
		'',
		checksLine,
		...(toLookAt.length
			? ['Checks to look at:', ...toLookAt.map((check) => `- ${checkText(check)}`)]
			: ['All checks passed.']),
		'',
		closing,
	].join('\n');

	return {
		slack: {
			text: `Sales report ${s(period)}: revenue ${s(revenue)}, ${s(premiumCount)} premium products`,
			blocks: slackBlocks,
		},
		text,
		html: emailHtml({
			locale: formats.locale,
			period,
			revenue,
			changeText,
			changeIsDown: revenueChange !== undefined && revenueChange.trim().startsWith('-'),
			premiumCount,
			mergedRows,
			top,
			risers,
			fallers,
			// The comparison's lines the figures and tables above do not already show.
			otherLines: monthOverMonth.filter((line) =>
				/^(Premium in|Products|Rows|Same month last year)\b/.test(line),
			),
			previousPeriod,
			warnings,
			checksLine,
			toLookAt,
			images: options.images ?? [],
			closing,
			folder,
		}),
	};
}

interface EmailParts {
	locale: string;
	period: string;
	revenue: string;
	changeText?: string;
	changeIsDown: boolean;
	premiumCount: string;
	mergedRows: string;
	top: Array<{ name: string; price: string }>;
	risers: Change[];
	fallers: Change[];
	otherLines: string[];
	previousPeriod?: string;
	warnings: string[];
	checksLine: string;
	toLookAt: Check[];
	images: Array<{ cid: string; alt: string }>;
	closing: string;
	folder: string;
}

/**
 * The HTML part: one 640 px column of tables with inline styles only, because mail clients
 * (Gmail, Outlook) drop <style> blocks and most CSS layout. Every text from data is escaped here.
 */
function emailHtml(parts: EmailParts): string {
	const h = escapeHtml;
	const cell = 'padding:6px 0;border-bottom:1px solid #eee;';
	const heading = (text: string) =>
		`<h2 style="margin:24px 0 8px;font-size:16px;color:#5b0f24;">${h(text)}</h2>`;
	const rows = (entries: Array<[string, string, string?]>) =>
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;">${entries
			.map(
				([name, value, colour]) =>
					`<tr><td style="${cell}">${h(name)}</td><td align="right" style="${cell}white-space:nowrap;${colour ? `color:${colour};` : ''}">${h(value)}</td></tr>`,
			)
			.join('')}</table>`;
	const sections: string[] = [];
	for (const image of parts.images) {
		sections.push(
			`<img src="cid:${h(image.cid)}" alt="${h(image.alt)}" width="584" style="display:block;width:100%;max-width:584px;height:auto;margin:20px 0 4px;border:0;">`,
		);
	}
	if (parts.top.length)
		sections.push(
			heading('Top 5 premium products'),
			rows(parts.top.map((product) => [product.name, product.price])),
		);
	if (
		parts.previousPeriod &&
		(parts.risers.length || parts.fallers.length || parts.otherLines.length)
	) {
		sections.push(heading(`Compared with ${parts.previousPeriod}`));
		if (parts.risers.length)
			sections.push(
				'<p style="margin:8px 0 2px;font-size:13px;color:#555;">Top risers</p>',
				rows(parts.risers.map((product) => [product.name, product.change, GOOD])),
			);
		if (parts.fallers.length)
			sections.push(
				'<p style="margin:12px 0 2px;font-size:13px;color:#555;">Top fallers</p>',
				rows(parts.fallers.map((product) => [product.name, product.change, BAD])),
			);
		if (parts.otherLines.length)
			sections.push(
				`<ul style="margin:12px 0 0;padding-left:20px;font-size:14px;">${parts.otherLines.map((line) => `<li>${h(line)}</li>`).join('')}</ul>`,
			);
	}
	if (parts.warnings.length) {
		sections.push(
			heading('Warnings'),
			`<ul style="margin:0;padding-left:20px;font-size:14px;color:${STATUS_COLOURS.warn};">${parts.warnings.map((warning) => `<li>${h(warning)}</li>`).join('')}</ul>`,
		);
	}
	sections.push(
		heading('Data quality'),
		`<p style="margin:0 0 6px;font-size:14px;">${h(parts.checksLine)}${parts.toLookAt.length ? '' : ' — all checks passed.'}</p>`,
	);
	if (parts.toLookAt.length) {
		sections.push(
			`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">${parts.toLookAt
				.map(
					(check) =>
						`<tr><td style="${cell}"><b>${h(check.name)}</b><br><span style="color:#555;">observed ${h(check.observed)}, expected ${h(check.expected)}</span></td>` +
						`<td align="right" style="${cell}font-weight:bold;color:${STATUS_COLOURS[check.status] ?? BAD};">${h(check.status)}</td></tr>`,
				)
				.join('')}</table>`,
		);
	}
	const kpi = (label: string, value: string, detail?: string, detailColour?: string) =>
		`<td valign="top" style="padding:0 12px 0 0;"><div style="font-size:12px;color:#666;text-transform:uppercase;letter-spacing:.04em;">${h(label)}</div>` +
		`<div style="font-size:22px;font-weight:bold;margin-top:2px;white-space:nowrap;">${h(value)}</div>` +
		(detail
			? `<div style="font-size:13px;margin-top:2px;${detailColour ? `color:${detailColour};` : ''}">${h(detail)}</div>`
			: '') +
		'</td>';
	return [
		'<!DOCTYPE html>',
		`<html lang="${h(parts.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Monthly sales report — ${h(parts.period)}</title></head>`,
		'<body style="margin:0;padding:0;background:#f3f0ec;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;">',
		'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f0ec;"><tr><td align="center" style="padding:24px 8px;">',
		'<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="width:100%;max-width:640px;background:#ffffff;border-radius:6px;">',
		`<tr><td style="padding:20px 28px;background:#5b0f24;color:#ffffff;border-radius:6px 6px 0 0;"><div style="font-size:13px;opacity:.85;">Monthly sales report</div><div style="font-size:24px;font-weight:bold;">${h(parts.period)}</div></td></tr>`,
		'<tr><td style="padding:20px 28px 28px;">',
		'<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>',
		kpi(
			'Total revenue',
			parts.revenue,
			parts.changeText ?? 'no earlier month recorded',
			parts.changeText ? (parts.changeIsDown ? BAD : GOOD) : '#666',
		),
		kpi('Premium products', parts.premiumCount, `of ${parts.mergedRows} products`),
		'</tr></table>',
		...sections,
		`<p style="margin:24px 0 0;font-size:13px;color:#555;">${h(parts.closing)} Files saved in ${h(parts.folder)}.</p>`,
		'</td></tr></table>',
		'</td></tr></table>',
		'</body></html>',
	].join('\n');
}
