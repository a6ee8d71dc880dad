/** Our node types, found the way n8n finds them: through the `n8n.nodes` list of package.json. */
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';
import { join } from 'node:path';
import { TestFiles, TestItems, TestLoseBinary } from './sources';

const root = join(__dirname, '../..');
const manifest = require(join(root, 'package.json')) as { name: string; n8n: { nodes: string[] } };

export const PACKAGE = manifest.name;

function loadPackageNodes(): Record<string, INodeType | IVersionedNodeType> {
	const types: Record<string, INodeType | IVersionedNodeType> = {};
	for (const compiled of manifest.n8n.nodes) {
		// Source, not dist: dist/nodes/X/X.node.js ← nodes/X/X.node.ts (".ts" explicit: X.node.json is the codex).
		const source = join(root, compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const exported = require(source) as Record<string, new () => INodeType | IVersionedNodeType>;
		for (const NodeClass of Object.values(exported)) {
			if (typeof NodeClass !== 'function') continue;
			const instance = new NodeClass();
			if (instance.description?.name) types[`${PACKAGE}.${instance.description.name}`] = instance;
		}
	}
	return types;
}

/** Every node of the package plus the test-only nodes `test.files`, `test.items` and `test.loseBinary`. */
export const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {
	...loadPackageNodes(),
	'test.files': new TestFiles(),
	'test.items': new TestItems(),
	'test.loseBinary': new TestLoseBinary(),
};

export const type = (name: string) => `${PACKAGE}.${name}`;
