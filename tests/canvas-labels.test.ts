/**
 * What a user sees before running anything: the node panel's search (display name, description
 * and the codex aliases), the subtitle under each node on the canvas, and labels short enough not
 * to be cut off in the parameter panel.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { SalesAnalyticsEngine } from '../credentials/SalesAnalyticsEngine.credentials';
import { MAX_INPUTS } from '../nodes/MergeTables/description';

const root = join(__dirname, '..');
const PACKAGE = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string })
	.name;

/** Every node folder; nodes/X/X.node.ts holds the class and nodes/X/X.node.json its codex. */
const FOLDERS = readdirSync(join(root, 'nodes'), { withFileTypes: true })
	.filter((entry) => entry.isDirectory() && entry.name !== 'shared')
	.map((entry) => entry.name)
	.sort();

function describeNode(folder: string): INodeTypeDescription {
	// ".ts" explicit: without it, X.node resolves to the codex X.node.json.
	const exported = require(join(root, 'nodes', folder, `${folder}.node.ts`)) as Record<
		string,
		unknown
	>;
	const NodeClass = Object.values(exported).find(
		(value): value is new () => INodeType => typeof value === 'function',
	);
	assert.ok(NodeClass, `nodes/${folder}/${folder}.node.ts exports a node class`);
	return new NodeClass().description;
}

interface Codex {
	node: string;
	nodeVersion: string;
	codexVersion: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias: string[];
	resources: { primaryDocumentation: Array<{ url: string }> };
}
const codexOf = (folder: string): Codex =>
	JSON.parse(readFileSync(join(root, 'nodes', folder, `${folder}.node.json`), 'utf8')) as Codex;

/** Search words a user types in the node panel, and the node each must find (through its aliases). */
const SEARCH_WORDS: Record<string, string[]> = {
	Clean: ['dedupe', 'deduplicate', 'remove duplicates', 'clean', 'trim', 'drop empty'],
	MergeTables: ['join', 'merge', 'lookup', 'vlookup'],
	Revenue: ['revenue', 'sales total', 'turnover', 'price x quantity'],
	PremiumScore: ['z-score', 'outlier', 'premium', 'ranking'],
	DataQualityCheck: ['validate', 'check', 'assert', 'data quality', 'test'],
	LoadSalesExports: ['exports', 'import', 'load files', 'folder'],
	SaveReportFiles: ['save', 'write files', 'report'],
	SalesHistory: ['history', 'trend', 'month over month'],
};

/** Evaluates a `={{ … }}` subtitle the way the editor does, on the given parameters. */
function subtitle(folder: string, parameters: Record<string, unknown>): string {
	const expression = describeNode(folder).subtitle ?? '';
	const inner = /^=\{\{([\s\S]*)\}\}$/.exec(expression)?.[1];
	assert.ok(
		inner && !inner.includes('}}'),
		`${folder}: the subtitle is one self-contained {{ }} expression`,
	);
	return String(new Function('$parameter', `return ${inner}`)(parameters));
}

type Property = INodeProperties | INodePropertyCollection | INodePropertyOptions;

/** Every labelled field, through collections (options) and fixed collections (values). */
function* fields(
	properties: readonly Property[],
	path = '',
): Generator<{ path: string; field: INodeProperties | INodePropertyCollection }> {
	for (const property of properties) {
		if (!('displayName' in property)) continue;
		const here = `${path}/${property.name}`;
		yield { path: here, field: property };
		if ('values' in property) yield* fields(property.values, here);
		if (
			'options' in property &&
			property.options &&
			(property as INodeProperties).type !== 'options' &&
			(property as INodeProperties).type !== 'multiOptions'
		) {
			yield* fields(property.options, here);
		}
	}
}

describe('canvas labels and search', () => {
	test('every node has its search words', () => {
		assert.deepEqual(Object.keys(SEARCH_WORDS).sort(), FOLDERS);
	});

	for (const folder of FOLDERS) {
		describe(folder, () => {
			test('the description says what the node does, not "with DuckDB" first', () => {
				const { description } = describeNode(folder);
				assert.ok(description.length > 20, description);
				assert.doesNotMatch(description.split(',')[0], /with DuckDB/i);
				assert.doesNotMatch(description, /^with DuckDB/i);
			});

			test('the codex is valid and its aliases hold the search words that belong to it', () => {
				const codex = codexOf(folder);
				assert.equal(codex.node, `${PACKAGE}.${describeNode(folder).name}`);
				assert.equal(codex.nodeVersion, '1.0');
				assert.equal(codex.codexVersion, '1.0');
				assert.ok(codex.categories.length > 0);
				for (const [category, subcategories] of Object.entries(codex.subcategories ?? {})) {
					assert.ok(
						codex.categories.includes(category),
						`subcategories of "${category}", a category the node has`,
					);
					assert.ok(subcategories.length > 0);
				}
				assert.ok(codex.resources.primaryDocumentation.every(({ url }) => new URL(url)));
				assert.ok(
					codex.alias.every(
						(alias) => typeof alias === 'string' && alias.trim() === alias && alias.length > 0,
					),
				);
				assert.equal(
					new Set(codex.alias.map((alias) => alias.toLowerCase())).size,
					codex.alias.length,
					'no alias twice',
				);
				const aliases = codex.alias.map((alias) => alias.toLowerCase());
				for (const word of SEARCH_WORDS[folder])
					assert.ok(aliases.includes(word), `"${word}" finds ${folder}`);
			});

			test('no field label is longer than 30 characters', () => {
				for (const { path, field } of fields(describeNode(folder).properties)) {
					// A notice's "label" is its text, shown in full.
					if ('type' in field && field.type === 'notice') continue;
					assert.ok(
						field.displayName.length <= 30,
						`${folder}${path}: "${field.displayName}" is cut off in the editor`,
					);
				}
			});

			test('column lists say how to fill them, and take dragged columns as names', () => {
				for (const { path, field } of fields(describeNode(folder).properties)) {
					if ('requiresDataPath' in field && field.requiresDataPath === 'multiple') {
						assert.match(
							field.hint ?? '',
							/Comma-separated; drag columns from the input panel/,
							`${folder}${path}`,
						);
					}
				}
			});
		});
	}

	test('Merge Tables picks the table to join from a list: Table 2 … Table MAX_INPUTS, valued as before', () => {
		const joins = describeNode('MergeTables').properties.find(
			(property) => property.name === 'joins',
		);
		const join = (joins?.options as INodePropertyCollection[] | undefined)?.find(
			(option) => option.name === 'join',
		);
		const input = join?.values.find((value) => value.name === 'input');
		assert.equal(input?.type, 'options');
		assert.equal(input?.default, 2);
		const options = input?.options as INodePropertyOptions[];
		const numbers = Array.from({ length: MAX_INPUTS - 1 }, (_, index) => index + 2);
		assert.deepEqual(
			options.map((option) => option.value),
			numbers,
		);
		assert.deepEqual(
			options.map((option) => option.name),
			numbers.map((number) => `Table ${number}`),
		);
	});

	test('the engine credential says it is optional, and what happens without it', () => {
		const credential = new SalesAnalyticsEngine();
		assert.match(credential.displayName, /optional/);
		const [memoryLimit, threads] = credential.properties;
		assert.match(memoryLimit.description ?? '', /without this credential: 1GB per n8n process/);
		assert.match(threads.description ?? '', /0 = all cores/);
	});

	describe('subtitles', () => {
		const checks = (count: number) => ({
			check: Array.from({ length: count }, (_, index) => ({ checkName: `check ${index + 1}` })),
		});

		test('Data Quality Check counts its checks in plain words', () => {
			assert.equal(
				subtitle('DataQualityCheck', { checks: checks(3), onFailure: 'stop' }),
				'3 checks',
			);
			assert.equal(
				subtitle('DataQualityCheck', { checks: checks(1), onFailure: 'stop' }),
				'1 check',
			);
			assert.equal(subtitle('DataQualityCheck', { checks: {}, onFailure: 'stop' }), '0 checks');
			assert.equal(
				subtitle('DataQualityCheck', { checks: checks(3), onFailure: 'route' }),
				'3 checks · failures to 2nd output',
			);
		});

		test('Merge Tables names the join and the number of tables', () => {
			const join = (...types: string[]) => ({
				join: types.map((joinType, index) => ({ input: index + 2, joinType })),
			});
			assert.equal(
				subtitle('MergeTables', { numberInputs: 3, joins: join('inner', 'inner') }),
				'inner join of 3 tables',
			);
			assert.equal(
				subtitle('MergeTables', { numberInputs: 3, joins: join('inner', 'left') }),
				'inner + left join of 3 tables',
			);
			assert.equal(
				subtitle('MergeTables', { numberInputs: 2, joins: {} }),
				'2 tables, no join yet',
			);
		});

		test('Revenue shows its formula with the column names', () => {
			assert.equal(
				subtitle('Revenue', { priceColumn: 'price', quantityColumn: 'total_sales', groupBy: '' }),
				'price × total_sales',
			);
			assert.equal(
				subtitle('Revenue', { priceColumn: 'prix', quantityColumn: 'qty', groupBy: 'product_id' }),
				'prix × qty per product_id',
			);
		});

		test('Sales History names the operation and the month, not an expression', () => {
			assert.equal(
				subtitle('SalesHistory', { operation: 'compare', comparePeriod: '2026-10' }),
				'compare 2026-10 with the history',
			);
			assert.equal(
				subtitle('SalesHistory', { operation: 'record', recordPeriod: '2026-10' }),
				'record 2026-10',
			);
			assert.equal(
				subtitle('SalesHistory', {
					operation: 'record',
					recordPeriod: "={{ $('Config').first().json.period }}",
				}),
				'record the month',
			);
			assert.equal(
				subtitle('SalesHistory', { operation: 'compare', comparePeriod: '' }),
				'compare the month with the history',
			);
		});

		test('Premium Score shows its rule', () => {
			assert.equal(
				subtitle('PremiumScore', { method: 'zscore', scoreColumn: 'price', threshold: 2 }),
				'z-score of price > 2',
			);
			assert.equal(
				subtitle('PremiumScore', { method: 'iqr', scoreColumn: 'price', iqrK: 1.5 }),
				'price above the IQR fence, k = 1.5',
			);
		});

		test('Save Report Files shows its folder', () => {
			assert.equal(subtitle('SaveReportFiles', { folder: '/data/reports' }), 'into /data/reports');
			assert.equal(subtitle('SaveReportFiles', { folder: '' }), 'no folder set');
		});
	});
});
