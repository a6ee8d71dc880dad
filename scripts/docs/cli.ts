/** `npm run docs`: writes docs/nodes/ from the node descriptions (scripts/docs/node-docs.ts), removing pages of nodes that are gone. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../n8n/instance';
import { DOCS_FOLDER, nodeDocs } from './node-docs';

const folder = join(ROOT, DOCS_FOLDER);
mkdirSync(folder, { recursive: true });
const pages = nodeDocs();
for (const name of readdirSync(folder)) if (!(name in pages)) rmSync(join(folder, name));
for (const [name, text] of Object.entries(pages)) writeFileSync(join(folder, name), text);
console.log(`[docs] ${Object.keys(pages).length} pages in ${DOCS_FOLDER}`);
