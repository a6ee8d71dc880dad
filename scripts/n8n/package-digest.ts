/**
 * A digest of everything `npm run build` + `npm pack` turn into the package tarball, so an
 * unchanged package is neither rebuilt, repacked nor reinstalled.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Read by the build besides the sources; the compiler's version too, as it shapes dist/. */
const BUILD_INPUTS = [
	'package.json',
	'tsconfig.json',
	'scripts/copy-fonts.cjs',
	'node_modules/typescript/package.json',
];

function filesUnder(path: string): string[] {
	if (!statSync(path).isDirectory()) return [path];
	return readdirSync(path, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() || entry.isFile())
		.flatMap((entry) => filesUnder(join(path, entry.name)));
}

/**
 * sha256 over the build inputs and the sources of package.json "files": dist/X is compiled and
 * copied from X (tsconfig rootDir "."), the other entries are packed as they are.
 */
export function packageDigest(root: string): string {
	const { files = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		files?: string[];
	};
	const sources = files.map((entry) => join(root, entry.replace(/^dist\//, '')));
	const paths = [...BUILD_INPUTS.map((file) => join(root, file)), ...sources].filter((path) =>
		existsSync(path),
	);
	const hash = createHash('sha256');
	for (const file of paths.flatMap(filesUnder).sort()) {
		const content = readFileSync(file);
		hash.update(`${relative(root, file)}\0${content.length}\0`).update(content);
	}
	return hash.digest('hex');
}
