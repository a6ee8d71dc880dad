/**
 * The month-over-month comparison in what Save Report Files writes and sends: summary.json's
 * `comparison` (null when nothing earlier is recorded) and the Slack and email lines, escaped
 * where they land.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { composeMessage } from '../nodes/SaveReportFiles/message';
import { runSummary } from '../nodes/shared/reports/summary';
import { TABLE_MARKER } from '../nodes/shared/table/types';

const compareItem = (statistics: IDataObject): INodeExecutionData[] => [
	{ json: { tableFormat: TABLE_MARKER, statistics } },
];
const revenue = {
	name: 'Revenue',
	kind: 'revenue',
	items: compareItem({ totalRevenue: '190.10', currency: 'EUR', report: { period: '2026-10' } }),
};

const comparison = {
	period: '2026-10',
	previous_period: '2026-09',
	revenue_total: '190.10',
	revenue_total_previous: '170.10',
	revenue_change: '20.00',
	revenue_change_percent: 11.8,
	premium_in: ['2'],
	premium_out: [],
	new_products: 1,
	gone_products: 1,
	top_risers: [{ product_key: '4', label: 'Douro <D> & *bold*', revenue_change: '30.00' }],
	top_fallers: [{ product_key: '3', label: 'Côtes C', revenue_change: '-20.00' }],
	volume: {},
	year_ago: null,
};
const lines = [
	'Revenue 190.10 EUR, +20.00 (+11.8 %) on 2026-09',
	'Top risers: Douro <D> & *bold* +30.00',
];

test('summary.json gains the comparison with its lines; the messages carry them, escaped', () => {
	const summary = runSummary(
		[
			revenue,
			{
				name: 'Compare History',
				kind: 'salesHistory',
				items: compareItem({ period: '2026-10', comparison, lines }),
			},
		],
		'',
	)!;
	assert.equal(summary.period, '2026-10');
	assert.deepEqual(summary.comparison, { ...comparison, lines });
	const message = composeMessage(summary, '/reports');
	const slack = JSON.stringify(message.slack.blocks);
	assert.ok(slack.includes('*Compared with 2026-09*'), slack);
	assert.ok(slack.includes('• Top risers: Douro &lt;D&gt; &amp; *bold* +30.00'), slack);
	assert.ok(!slack.includes('<D>'), 'no raw angle brackets reach Slack');
	assert.match(
		message.text,
		/Compared with 2026-09:\n- Revenue 190\.10 EUR, \+20\.00 \(\+11\.8 %\) on 2026-09\n- Top risers: Douro <D> & \*bold\* \+30\.00/,
	);
	// The HTML part shows the risers and fallers as a table, in the readers' locale, names escaped.
	const french = composeMessage(summary, '/reports', {
		locale: 'fr-FR',
		images: [{ cid: 'tendance_ca', alt: 'Chart' }],
	});
	assert.match(
		french.html,
		/<td[^>]*>Douro &lt;D&gt; &amp; \*bold\*<\/td><td[^>]*color:#1a7f37;">\+30,00\u00a0€<\/td>/,
	);
	assert.match(french.html, /<td[^>]*>Côtes C<\/td><td[^>]*color:#b42318;">-20,00\u00a0€<\/td>/);
	assert.ok(
		french.html.includes('+20,00\u00a0€ (+11,8\u00a0%) on 2026-09'),
		'the month-over-month change under the total',
	);
	assert.ok(french.html.includes('<img src="cid:tendance_ca" alt="Chart"'), 'the chart inline');
	assert.ok(
		french.text.includes('Revenue: 190,10\u00a0€, +20,00\u00a0€ (+11,8\u00a0%) on 2026-09'),
		french.text,
	);
	assert.ok(
		JSON.stringify(french.slack).includes(
			'*Total revenue*\\n190,10\u00a0€\\n+20,00\u00a0€ (+11,8\u00a0%) on 2026-09',
		),
		JSON.stringify(french.slack),
	);
});

test('nothing recorded before: comparison is null and the messages say nothing about it', () => {
	const summary = runSummary(
		[
			revenue,
			{
				name: 'Compare History',
				kind: 'salesHistory',
				items: compareItem({
					period: '2026-10',
					comparison: { ...comparison, previous_period: null },
					lines: ['Revenue 190.10 EUR; no earlier period recorded'],
				}),
			},
		],
		'',
	)!;
	assert.equal(summary.comparison, null);
	assert.ok(!composeMessage(summary, '/reports').text.includes('Compared with'));
});

test('no Sales History in the workflow: no comparison key at all', () => {
	assert.equal('comparison' in runSummary([revenue], '')!, false);
});

test('Sales History failed (set to continue): the report goes out with a warning saying so, in every message', () => {
	const failed = [
		{
			json: {
				error: 'The history file /data/h.duckdb is not a Sales History store <x>',
				description: 'Move it away.',
			},
		},
	];
	const summary = runSummary(
		[revenue, { name: 'Compare History', kind: 'salesHistory', items: failed }],
		'',
	)!;
	assert.equal('comparison' in summary, false);
	assert.deepEqual(summary.warnings, [
		'"Compare History" failed, so the comparison with the history is left out: The history file /data/h.duckdb is not a Sales History store <x>',
	]);
	const message = composeMessage(summary, '/reports');
	assert.ok(
		JSON.stringify(message.slack.blocks).includes(
			'*Warnings*\\n• \\"Compare History\\" failed, so the comparison with the history is left out: The history file /data/h.duckdb is not a Sales History store &lt;x&gt;',
		),
	);
	assert.match(message.text, /Warnings:\n- "Compare History" failed/);
	assert.ok(message.html.includes('Sales History store &lt;x&gt;</li>'));
});
