/**
 * Each node's declared summary fields (its class's static `summaryFields`, listed in docs/nodes)
 * are the fields its Table items open with: the whole monthly pipeline runs in n8n-core with
 * Table outputs and every check, and every readable field of every output is declared.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { INodeType } from 'n8n-workflow';
import { generateSample } from '../scripts/sample-data/generator';
import { nodeDocs, packageNodes, pageName, summaryFieldsOf } from '../scripts/docs/node-docs';
import { fullPipelineWorkflow, runWorkflow, withReferenceChecks } from './helpers/pipelines';
import { PACKAGE } from './helpers/nodes';

/** The table contract's own fields, after the readable ones. */
const CONTRACT = [
	'preview',
	'tableFormat',
	'rowCount',
	'columnCount',
	'columns',
	'statistics',
	'timings',
];
/** Every table node's summary opens with these; the docs name them for every table node. */
const COMMON = ['summary', 'warnings'];

const dir = mkdtempSync(join(tmpdir(), 'summary-fields-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('every node declares its summary fields, and its page in docs/nodes lists them', () => {
	const pages = nodeDocs();
	for (const node of packageNodes()) {
		const fields = summaryFieldsOf(node);
		assert.ok(
			fields && Object.keys(fields).length,
			`${node.description.displayName}: no static summaryFields on the node class`,
		);
		const page = pages[pageName(node.description)];
		const tableNode = node.description.properties.some(
			(property) => property.name === 'outputMode',
		);
		for (const name of [...(tableNode ? COMMON : []), ...Object.keys(fields)])
			assert.ok(page.includes(`\n- \`${name}\`: `), `${pageName(node.description)} lists ${name}`);
	}
});

test('the monthly pipeline in Table mode: every field a Table item opens with is declared by its node', async () => {
	const sample = await generateSample({ webRows: 800, seed: 5, outDir: dir, formats: ['parquet'] });
	const files = {
		erp: sample.files.erp.parquet!,
		liaison: sample.files.liaison.parquet!,
		web: sample.files.web.parquet!,
	};
	const spec = withReferenceChecks(fullPipelineWorkflow(files, 'table'), { ...sample.expected });
	const result = await runWorkflow(spec);
	assert.equal(result.error, undefined, result.error?.message);
	const byType = new Map<string, INodeType>(
		packageNodes().map((node) => [`${PACKAGE}.${node.description.name}`, node]),
	);
	let checked = 0;
	for (const node of spec.nodes.filter((candidate) => byType.has(candidate.type))) {
		const declared = summaryFieldsOf(byType.get(node.type)!)!;
		// A declared name with a part in angle brackets stands for names made up at run time.
		const patterns = Object.keys(declared).map(
			(name) =>
				new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '.+')}$`),
		);
		for (let output = 0; ; output++) {
			let items;
			try {
				items = result.output(node.name, output);
			} catch {
				break;
			}
			if (!items?.length) break;
			for (const item of items.filter((candidate) => candidate.json.tableFormat)) {
				const readable = Object.keys(item.json).filter((key) => !CONTRACT.includes(key));
				const undeclared = readable.filter(
					(key) => !COMMON.includes(key) && !patterns.some((pattern) => pattern.test(key)),
				);
				assert.ok(
					undeclared.length === 0,
					`${node.name} (output ${output + 1}) opens with ${undeclared.join(', ')}, not in its summaryFields`,
				);
				assert.equal(readable[0], 'summary', `${node.name}: the sentence comes first`);
				checked++;
			}
		}
	}
	assert.ok(checked >= 15, `Table items checked: ${checked}`);
});
