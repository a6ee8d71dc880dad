import assert from 'node:assert/strict';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { IDataObject, IExecuteFunctions, INodeParameters, INodeType } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { escapeHtml, escapeSlackMrkdwn } from '../nodes/shared/escape';
import { runWorkflow } from './helpers/engine';
import type { WorkflowResult } from './helpers/engine';
import { nodeTypes, type } from './helpers/nodes';
import { runNode } from './helpers/small';

// Under the temp folder (the only one tests may write to), with an ampersand to escape.
const dir = mkdtempSync(join(tmpdir(), 'escape-&-save-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'rapport.csv'), 'a\n1\n');
writeFileSync(join(dir, 'second.csv'), 'b\n2\n');
writeFileSync(join(dir, 'extra.csv'), 'c\n3\n');

describe('escaping names for Slack mrkdwn and HTML', () => {
	// [input, Slack mrkdwn, HTML]
	const table: Array<[string, string, string]> = [
		['<http://x|y>', '&lt;http://x|y&gt;', '&lt;http://x|y&gt;'],
		['a & b', 'a &amp; b', 'a &amp; b'],
		['<!channel>', '&lt;!channel&gt;', '&lt;!channel&gt;'],
		[`Vin "Réserve" l'été`, `Vin "Réserve" l'été`, 'Vin &quot;Réserve&quot; l&#39;été'],
		['Château Margaux 2015', 'Château Margaux 2015', 'Château Margaux 2015'],
		[
			'Grüner Veltliner 🍷 — 東京 ½',
			'Grüner Veltliner 🍷 — 東京 ½',
			'Grüner Veltliner 🍷 — 東京 ½',
		],
		// Slack documents no escape for its formatting marks: they stay.
		['*bold* _it_ ~s~ `c`', '*bold* _it_ ~s~ `c`', '*bold* _it_ ~s~ `c`'],
		// Text is escaped as given, every time: an entity in a name is shown as typed.
		['&amp;', '&amp;amp;', '&amp;amp;'],
		['', '', ''],
	];
	for (const [input, slack, html] of table) {
		test(JSON.stringify(input), () => {
			assert.equal(escapeSlackMrkdwn(input), slack);
			assert.equal(escapeHtml(input), html);
		});
	}
});

const HOSTILE = [
	'<http://evil.example|Click me>',
	'Chablis & Co',
	'<!channel> free wine',
	`Le "Grand" Cru d'Or`,
	'Plain Merlot',
];

function reportSummary(titles: string[]): IDataObject {
	return {
		period: '2026-10 <!here>',
		currency: 'EUR',
		figures: {
			erp_rows: 825,
			merged_rows: 714,
			revenue_total: '70568.60',
			premium_count: 30,
			ordinary_count: 684,
		},
		checks: [
			{ name: 'ERP rows', status: 'pass', observed: 825, expected: 825 },
			{
				name: 'Web <b>dedup</b> & more',
				status: 'warn',
				observed: '<@U123>',
				expected: { min: 1 },
			},
			{ name: 'Revenue total', status: 'skipped', observed: null, expected: null },
		],
		topPremium: titles.map((name, index) => ({ name, price: `${100 - index}.50` })),
	};
}

const saveReportFiles = nodeTypes[type('saveReportFiles')] as INodeType;

/** Save Report Files keeping what it throws: the engine hands on only a copy of the error. */
function observedSave(thrown: unknown[]): INodeType {
	return {
		description: saveReportFiles.description,
		async execute(this: IExecuteFunctions) {
			try {
				return await saveReportFiles.execute!.call(this);
			} catch (error) {
				thrown.push(error);
				throw error;
			}
		},
	};
}

/**
 * Save Report Files with two inputs, as in the shipped workflow: n8n-core fills in a missing
 * pairedItem itself after a single input, so only this shows the node sets it.
 */
async function save(
	parameters: IDataObject,
	options: { continueOnFail?: boolean; loseSecond?: boolean; thrown?: unknown[] } = {},
): Promise<WorkflowResult> {
	const files = [
		{ path: join(dir, 'rapport.csv'), property: 'report' },
		...(options.loseSecond ? [{ path: join(dir, 'second.csv'), property: 'second' }] : []),
	];
	const first = options.loseSecond ? 'Storage Fault' : 'Files';
	return runWorkflow({
		nodeTypes: { ...nodeTypes, 'test.save': observedSave(options.thrown ?? []) },
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			{ name: 'Files', type: 'test.files', parameters: { files } as unknown as INodeParameters },
			{
				name: 'More Files',
				type: 'test.files',
				parameters: { files: [{ path: join(dir, 'extra.csv') }] } as unknown as INodeParameters,
			},
			...(options.loseSecond
				? [{ name: 'Storage Fault', type: 'test.loseBinary', parameters: { property: 'second' } }]
				: []),
			// "On Error: Continue" in the node's settings, which n8n-core's continueOnFail() reads.
			{
				name: 'Save',
				type: 'test.save',
				parameters: { numberInputs: 2, ...parameters } as INodeParameters,
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		edges: [
			['Start', 'Files'],
			['Start', 'More Files'],
			...(options.loseSecond ? [['Files', 'Storage Fault'] as [string, string]] : []),
			[first, 'Save', 0],
			['More Files', 'Save', 1],
		],
	});
}

/** Every string under a `text` key of a Slack payload that Slack parses (plain_text objects are shown as written). */
function slackTexts(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(slackTexts);
	if (typeof value !== 'object' || value === null) return [];
	if ((value as IDataObject).type === 'plain_text') return [];
	return Object.entries(value).flatMap(([key, inner]) =>
		key === 'text' && typeof inner === 'string' ? [inner] : slackTexts(inner),
	);
}

describe('Save Report Files composes the messages from its summary', () => {
	test('hostile product titles, check names, values and period: Slack gets only escaped text, the email HTML escaped names', async () => {
		const folder = join(dir, 'hostile');
		const summary = reportSummary(HOSTILE);
		const result = await save({ folder, summary: JSON.stringify(summary) });
		assert.equal(result.error, undefined, result.error?.description);
		const [item] = result.output('Save');
		assert.deepEqual(item.pairedItem, { item: 0 });
		const message = item.json.message as {
			slack: { text: string; blocks: IDataObject[] };
			text: string;
			html: string;
		};

		const texts = slackTexts(message.slack);
		assert.equal(texts.length, 6, 'fallback text, two fields, top 5, checks to look at, context');
		const header = (message.slack.blocks[0] as { text: { type: string; text: string } }).text;
		assert.deepEqual(header, {
			type: 'plain_text',
			text: `Monthly sales report — ${summary.period}`,
		});
		for (const text of texts) assert.doesNotMatch(text, /[<>]/, text);
		const all = texts.join('\n');
		for (const escaped of [
			'&lt;http://evil.example|Click me&gt;',
			'Chablis &amp; Co',
			'&lt;!channel&gt; free wine',
			`Le "Grand" Cru d'Or`,
			'2026-10 &lt;!here&gt;',
			'Web &lt;b&gt;dedup&lt;/b&gt; &amp; more',
			'&lt;@U123&gt;',
			'escape-&amp;-save-',
		]) {
			assert.ok(all.includes(escaped), `${escaped} in ${all}`);
		}
		assert.ok(!/&(?!amp;|lt;|gt;)/.test(all), 'every & from data is escaped');

		// Outside our own tags, no angle bracket is left: every < and > from data became an entity.
		const markup = message.html.replace(
			/<\/?(!DOCTYPE|html|head|meta|title|body|table|tr|td|div|h2|p|b|br|span|ul|li|img)\b[^<>]*>/g,
			'',
		);
		assert.doesNotMatch(markup, /[<>]/, markup);
		for (const raw of ['<http://evil.example', '<!channel>', '<b>dedup', '<@U123>', '<!here>'])
			assert.ok(!message.html.includes(raw), `${raw} unescaped in ${message.html}`);
		for (const escaped of [
			'&lt;http://evil.example|Click me&gt;',
			'Chablis &amp; Co',
			'&lt;!channel&gt; free wine',
			'Le &quot;Grand&quot; Cru d&#39;Or',
			'Web &lt;b&gt;dedup&lt;/b&gt; &amp; more',
		]) {
			assert.ok(message.html.includes(escaped), `${escaped} in ${message.html}`);
		}
		// The plain-text body shows the names as they are: nothing parses it.
		for (const title of HOSTILE)
			assert.ok(message.text.includes(title), `${title} in ${message.text}`);

		assert.deepEqual(readdirSync(folder).sort(), ['extra.csv', 'rapport.csv', 'summary.json']);
		// The summary file is the summary as given, messages apart.
		assert.deepEqual(JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')), summary);
	});

	test('ordinary names: the figures and wording the workflow sent before', async () => {
		const folder = join(dir, 'ordinary');
		const summary = {
			...reportSummary(['Pomerol 2015', 'Sauternes']),
			checks: [
				{ name: 'ERP rows', status: 'pass', observed: 825, expected: 825 },
				{ name: 'Revenue total', status: 'skipped', observed: null, expected: null },
			],
		};
		// An expression may give the object itself rather than its JSON text.
		const result = await save({ folder, summary: { ...summary, period: '2026-10' } });
		const { message, folder: saved } = result.output('Save')[0].json as {
			message: { slack: IDataObject; text: string; html: string };
			folder: string;
		};
		assert.deepEqual(message.slack, {
			text: 'Sales report 2026-10: revenue €70,568.60, 30 premium products',
			blocks: [
				{ type: 'header', text: { type: 'plain_text', text: 'Monthly sales report — 2026-10' } },
				{
					type: 'section',
					fields: [
						{ type: 'mrkdwn', text: '*Total revenue*\n€70,568.60' },
						{ type: 'mrkdwn', text: '*Premium products*\n30 of 714' },
					],
				},
				{
					type: 'section',
					text: {
						type: 'mrkdwn',
						text: '*Top 5 premium products*\n• Pomerol 2015 — €100.50\n• Sauternes — €99.50',
					},
				},
				{
					type: 'context',
					elements: [
						{
							type: 'mrkdwn',
							text: `Checks: 1 passed, 1 skipped · files in ${escapeSlackMrkdwn(saved)}`,
						},
					],
				},
			],
		});
		assert.equal(
			message.text,
			[
				'Monthly sales report — 2026-10',
				'',
				'Revenue: €70,568.60',
				'Premium products: 30',
				'',
				'Top 5 premium products:',
				'- Pomerol 2015 — €100.50',
				'- Sauternes — €99.50',
				'',
				'Checks: 1 passed, 1 skipped',
				'All checks passed.',
				'',
				'Report files: rapport.csv, extra.csv.',
			].join('\n'),
		);
	});
});

describe('Save Report Files failing: Continue On Fail, or a clear error; never a half-written report', () => {
	const folderIsFile = join(dir, 'a-file');
	writeFileSync(folderIsFile, 'not a folder');
	const cases: Array<{
		name: string;
		parameters: (folder: string) => IDataObject;
		loseSecond?: boolean;
		message: RegExp;
		description: RegExp;
	}> = [
		{
			name: 'a folder that is a file',
			parameters: () => ({ folder: folderIsFile }),
			message: /^Could not write the reports to .*a-file$/,
			description: /EEXIST.*No report file was changed/,
		},
		{
			name: 'a folder under a file',
			parameters: () => ({ folder: join(folderIsFile, 'reports') }),
			message: /^Cannot use the folder ".*a-file\/reports" to save the reports in$/,
			description: /ENOTDIR/,
		},
		{
			name: 'a file lost while saving',
			parameters: (folder) => ({ folder }),
			loseSecond: true,
			message: /^Could not write the reports to /,
			description: /No report file was changed/,
		},
		{
			name: 'Summary JSON with a bad value (V8 names no position)',
			parameters: (folder) => ({ folder, summary: '{"period": x}' }),
			message: /^Summary JSON is not valid JSON: error at position 11 \(line 1, column 12\)$/,
			description: /Unexpected token.*"Summary JSON"/,
		},
		{
			name: 'Summary JSON with a bad word, over several lines',
			parameters: (folder) => ({
				folder,
				summary: '{\n  "period": "2026-10",\n  "figures": nope\n}',
			}),
			message: /^Summary JSON is not valid JSON: error at position 38 \(line 3, column 14\)$/,
			description: /Unexpected token/,
		},
		{
			name: 'Summary JSON cut short',
			parameters: (folder) => ({ folder, summary: '{\n  "period": "2026-10",\n  "ok": tru' }),
			message: /^Summary JSON is not valid JSON: error at position 33 \(line 3, column 9\)$/,
			description: /Unexpected end of JSON input/,
		},
		{
			name: 'Summary JSON with a trailing comma',
			parameters: (folder) => ({ folder, summary: '{"a": 1,}' }),
			message: /at position 8 \(line 1, column 9\)$/,
			description: /Expected double-quoted property name/,
		},
		{
			name: 'Summary JSON that is an array',
			parameters: (folder) => ({ folder, summary: '[1, 2]' }),
			message: /^Summary JSON must be a JSON object, not an array$/,
			description: /Give one object/,
		},
		{
			name: 'Summary JSON that is a string',
			parameters: (folder) => ({ folder, summary: '"2026-10"' }),
			message: /^Summary JSON must be a JSON object, not a string$/,
			description: /Give one object/,
		},
		{
			name: 'Summary JSON that is null',
			parameters: (folder) => ({ folder, summary: 'null' }),
			message: /^Summary JSON must be a JSON object, not null$/,
			description: /Give one object/,
		},
	];
	let run = 0;
	for (const { name, parameters, loseSecond, message, description } of cases) {
		for (const continueOnFail of [true, false]) {
			test(`${name}: ${continueOnFail ? 'Continue On Fail gives the error item' : 'stops with a NodeOperationError'}, nothing left behind`, async () => {
				const folder = join(dir, `out-${++run}`);
				const thrown: unknown[] = [];
				const result = await save(parameters(folder), { continueOnFail, loseSecond, thrown });
				if (continueOnFail) {
					assert.equal(result.error, undefined);
					const items = result.output('Save');
					assert.equal(items.length, 1);
					assert.deepEqual(Object.keys(items[0].json).sort(), ['description', 'error']);
					assert.match(items[0].json.error as string, message);
					assert.match(items[0].json.description as string, description);
					assert.deepEqual(items[0].pairedItem, { item: 0 });
					assert.deepEqual(thrown, []);
				} else {
					assert.equal(result.error?.node, 'Save');
					assert.equal(thrown.length, 1);
					const error = thrown[0];
					assert.ok(error instanceof NodeOperationError, String(error));
					assert.match(error.message, message);
					assert.match(error.description ?? '', description);
				}
				assert.ok(!existsSync(folder) || readdirSync(folder).length === 0, `nothing in ${folder}`);
				assert.equal(readFileSync(folderIsFile, 'utf8'), 'not a folder');
			});
		}
	}

	test('a failure leaves the earlier reports as they were, and no temporary', async () => {
		const folder = join(dir, 'earlier');
		mkdirSync(folder);
		writeFileSync(join(folder, 'rapport.csv'), 'earlier\n');
		const result = await save({ folder }, { continueOnFail: true, loseSecond: true });
		assert.match(result.output('Save')[0].json.error as string, /Could not write the reports/);
		assert.deepEqual(readdirSync(folder), ['rapport.csv']);
		assert.equal(readFileSync(join(folder, 'rapport.csv'), 'utf8'), 'earlier\n');
	});
});

describe('Data Quality Check: the alert for failing checks', () => {
	test('carries a Slack payload whose check names and values are escaped', async () => {
		const result = await runNode(
			'dataQualityCheck',
			{
				onFailure: 'route',
				outputMode: 'table',
				checks: {
					check: [
						{
							checkName: '<!channel> rows & <http://x|y>',
							checkType: 'rowCount',
							severity: 'error',
							rowCountExpected: '3',
						},
					],
				},
			},
			[[{ sku: '<b>' }]],
		);
		assert.equal(result.error, undefined, result.error?.message);
		const failed = result.output('Node', 1)[0].json as {
			alert: { slack: { text: string; blocks: IDataObject[] } };
		};
		const texts = slackTexts(failed.alert.slack);
		assert.equal(texts.length, 2);
		for (const text of texts) {
			assert.doesNotMatch(text, /[<>]/, text);
			assert.ok(text.includes('&lt;!channel&gt; rows &amp; &lt;http://x|y&gt;'), text);
			assert.match(text, /observed 1, expected 3/);
		}
		assert.match(failed.alert.slack.text, /^1 failing check\(s\) — /);
	});
});
