/**
 * The node reference in docs/nodes is generated from the node descriptions (npm run docs): it
 * fails here when a description changed and the pages were not regenerated, or a page was edited
 * by hand. Each node's codex points its primary documentation at its page.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOCS_FOLDER, DOCS_URL, nodeDocs, packageNodes, pageName } from '../scripts/docs/node-docs';
import { ROOT } from '../scripts/n8n/instance';

const folder = join(ROOT, DOCS_FOLDER);

test('docs/nodes holds exactly the generated pages, unchanged (run npm run docs after changing a node)', () => {
	const pages = nodeDocs();
	assert.deepEqual(
		existsSync(folder) ? readdirSync(folder).sort() : [],
		Object.keys(pages).sort(),
		'the pages in docs/nodes',
	);
	for (const [name, text] of Object.entries(pages))
		assert.equal(
			readFileSync(join(folder, name), 'utf8'),
			text,
			`${DOCS_FOLDER}/${name} differs from the node's description: run npm run docs`,
		);
});

test('every parameter of every node is on its page', () => {
	const pages = nodeDocs();
	for (const [name, text] of Object.entries(pages)) {
		if (name === 'README.md') continue;
		assert.match(text, /^# .+\n\n.+\n\n- Type: `n8n-nodes-sales-analytics\.\w+`/, name);
		assert.match(text, /\n- Inputs[:]/, name);
		assert.match(text, /\n- Outputs[:]/, name);
	}
	assert.ok(
		pages['sales-history.md'].includes(
			'**Create Dashboard** (`createDashboard`, boolean, default `false`, shown when operation is `compare`)',
		),
	);
	assert.ok(
		pages['data-quality-check.md'].includes('**Locale** (`locale`, string, default empty)'),
	);
});

test("each node's codex points its primary documentation at its own page, which ships in the package", () => {
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
		files: string[];
	};
	const nodes = packageNodes();
	for (const compiled of manifest.n8n.nodes) {
		const codex = JSON.parse(
			readFileSync(join(ROOT, compiled.replace(/^dist\//, '').replace(/\.js$/, '.json')), 'utf8'),
		) as { node: string; resources: { primaryDocumentation: Array<{ url: string }> } };
		const node = nodes.find((candidate) => codex.node.endsWith(`.${candidate.description.name}`))!;
		assert.equal(
			codex.resources.primaryDocumentation[0].url,
			`${DOCS_URL}/${pageName(node.description)}`,
			codex.node,
		);
	}
	assert.ok(
		manifest.files.includes(DOCS_FOLDER),
		'the pages ship in the package, where the links point',
	);
});
