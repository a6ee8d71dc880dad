import type { IDataObject } from 'n8n-workflow';
import { escapeHtml, escapeSlackMrkdwn } from '../shared/escape';

/** The success messages of a run: a Slack Block Kit payload, and an email body as text and as HTML. */
export type ReportMessage = {
	slack: { text: string; blocks: IDataObject[] };
	text: string;
	html: string;
};

interface Check {
	name: string;
	status: string;
	observed: string;
	expected: string;
}

/** Values from data shown as text; a missing one as a dash, as the quality report does. */
function show(value: unknown): string {
	if (value === null || value === undefined) return '—';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const list = (value: unknown): IDataObject[] => (Array.isArray(value) ? value.filter((entry): entry is IDataObject => typeof entry === 'object' && entry !== null) : []);

/**
 * Composes the messages from the summary Save Report Files writes (period, currency, figures,
 * checks, topPremium: [{ name, price }]). Every value from data goes through escape.ts for the
 * format it lands in; the wording is the shipped workflow's.
 */
export function composeMessage(summary: IDataObject, folder: string): ReportMessage {
	const figures = (typeof summary.figures === 'object' && summary.figures !== null ? summary.figures : {}) as IDataObject;
	const period = show(summary.period);
	const revenue = summary.currency ? `${show(figures.revenue_total)} ${show(summary.currency)}` : show(figures.revenue_total);
	const premiumCount = show(figures.premium_count);
	const mergedRows = show(figures.merged_rows);
	const top = list(summary.topPremium).map((product) => ({ name: show(product.name), price: show(product.price) }));
	const checks: Check[] = list(summary.checks).map((check) => ({ name: show(check.name), status: show(check.status), observed: show(check.observed), expected: show(check.expected) }));
	const count = (status: string) => checks.filter((check) => check.status === status).length;
	// Warnings do not stop the report, but they must not go unseen.
	const toLookAt = checks.filter((check) => check.status !== 'pass' && check.status !== 'skipped');

	const s = escapeSlackMrkdwn;
	const slackBlocks: IDataObject[] = [
		// plain_text is never parsed for links or mentions: escaping it would show the entities.
		{ type: 'header', text: { type: 'plain_text', text: `Monthly sales report — ${period}` } },
		{
			type: 'section',
			fields: [
				{ type: 'mrkdwn', text: `*Total revenue*\n${s(revenue)}` },
				{ type: 'mrkdwn', text: `*Premium products*\n${s(premiumCount)} of ${s(mergedRows)}` },
			],
		},
		{ type: 'section', text: { type: 'mrkdwn', text: '*Top 5 premium products*\n' + top.map((product) => `• ${s(product.name)} — ${s(product.price)}`).join('\n') } },
	];
	const comparison = typeof summary.comparison === 'object' && summary.comparison !== null ? (summary.comparison as IDataObject) : undefined;
	// Month over month, as Sales History's Compare worded it; labels come from data, so every line is escaped where it lands.
	const monthOverMonth = Array.isArray(comparison?.lines) ? comparison.lines.map(show) : [];
	if (monthOverMonth.length) {
		slackBlocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Compared with ${s(show(comparison!.previous_period))}*\n` + monthOverMonth.map((line) => `• ${s(line)}`).join('\n') } });
	}
	const warnings = Array.isArray(summary.warnings) ? summary.warnings.map(show) : [];
	if (warnings.length) slackBlocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*Warnings*\n' + warnings.map((warning) => `• ${s(warning)}`).join('\n') } });
	if (toLookAt.length) {
		const lines = toLookAt.map((check) => `• *${s(check.name)}* (${s(check.status)}): observed ${s(check.observed)}, expected ${s(check.expected)}`);
		slackBlocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*Checks to look at*\n' + lines.join('\n') } });
	}
	slackBlocks.push({
		type: 'context',
		elements: [{ type: 'mrkdwn', text: `${count('pass')} checks passed, ${count('skipped')} skipped · files in ${s(folder)}` }],
	});

	const checkText = (check: Check) => `${check.name} (${check.status}): observed ${check.observed}, expected ${check.expected}`;
	const closing = 'The report and the two product lists are attached.';
	const text = [
		`Revenue: ${revenue}`,
		`Premium products: ${premiumCount}`,
		...(top.length ? ['Top 5 premium products:', ...top.map((product) => `- ${product.name} — ${product.price}`)] : []),
		...(monthOverMonth.length ? [`Compared with ${show(comparison!.previous_period)}:`, ...monthOverMonth.map((line) => `- ${line}`)] : []),
		...(warnings.length ? ['Warnings:', ...warnings.map((warning) => `- ${warning}`)] : []),
		...(toLookAt.length ? ['Checks to look at:', ...toLookAt.map((check) => `- ${checkText(check)}`)] : []),
		toLookAt.length ? closing : `All checks passed. ${closing}`,
	].join('\n');

	const h = escapeHtml;
	const htmlList = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
	const html = [
		`<p>Revenue: <b>${h(revenue)}</b><br>Premium products: <b>${h(premiumCount)}</b></p>`,
		...(top.length ? ['<p>Top 5 premium products:</p>', htmlList(top.map((product) => `${h(product.name)} — ${h(product.price)}`))] : []),
		...(monthOverMonth.length ? [`<p>Compared with ${h(show(comparison!.previous_period))}:</p>`, htmlList(monthOverMonth.map(h))] : []),
		...(warnings.length ? ['<p>Warnings:</p>', htmlList(warnings.map(h))] : []),
		...(toLookAt.length ? ['<p>Checks to look at:</p>', htmlList(toLookAt.map((check) => h(checkText(check))))] : []),
		`<p>${toLookAt.length ? closing : `All checks passed. ${closing}`}</p>`,
	].join('\n');

	return {
		slack: { text: `Sales report ${s(period)}: revenue ${s(revenue)}, ${s(premiumCount)} premium products`, blocks: slackBlocks },
		text,
		html,
	};
}
