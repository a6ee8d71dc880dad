/**
 * `npm run release -- <patch|minor|major|X.Y.Z>`: on a clean main, runs the lint and the tests,
 * moves CHANGELOG.md's Unreleased section under the new version and today's date, sets the version
 * in package.json and package-lock.json, commits "Release X.Y.Z" and tags vX.Y.Z. Pushing and
 * `npm publish` (which lints and builds first: prepublishOnly) stay with the maintainer.
 *
 * Not `n8n-node release`: it regenerates CHANGELOG.md with auto-changelog from the commit log
 * (through npx, so from the internet), replacing the Keep a Changelog file kept here by hand, and
 * expects release-it and a GitHub remote.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './n8n/instance';

/** The version after `current` for `bump`: patch, minor, major, or an explicit X.Y.Z above it. */
export function nextVersion(current: string, bump: string): string {
	const parse = (v: string) => {
		const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
		if (!match) throw new Error(`"${v}" is not a version X.Y.Z`);
		return match.slice(1).map(Number);
	};
	const [major, minor, patch] = parse(current);
	if (bump === 'major') return `${major + 1}.0.0`;
	if (bump === 'minor') return `${major}.${minor + 1}.0`;
	if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
	const next = parse(bump);
	const order = next[0] - major || next[1] - minor || next[2] - patch;
	if (order <= 0) throw new Error(`${bump} is not above the current version ${current}`);
	return bump;
}

/**
 * CHANGELOG.md with the Unreleased section's entries moved under `## [version] - date`, and an
 * empty Unreleased section above it. Refuses a release with nothing under Unreleased.
 */
export function rollChangelog(text: string, version: string, date: string): string {
	const heading = /^## \[Unreleased\][^\n]*\n/m.exec(text);
	if (!heading) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
	const start = heading.index + heading[0].length;
	const next = text.slice(start).search(/^## \[/m);
	const end = next === -1 ? text.length : start + next;
	const entries = text.slice(start, end).trim();
	if (!entries) throw new Error('CHANGELOG.md: nothing under Unreleased; write what changed first');
	if (new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(text))
		throw new Error(`CHANGELOG.md already has ${version}`);
	return `${text.slice(0, heading.index)}## [Unreleased]\n\n## [${version}] - ${date}\n\n${entries}\n\n${text.slice(end)}`;
}

function git(cwd: string, ...args: string[]): string {
	return execFileSync('git', args, { cwd }).toString().trim();
}

function main() {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			// For the test of this script, which releases a scratch repository.
			project: { type: 'string', default: ROOT },
			'skip-checks': { type: 'boolean', default: false },
		},
	});
	const project = resolve(values.project!);
	const bump = positionals[0];
	if (!bump) throw new Error('give the release: npm run release -- patch | minor | major | X.Y.Z');
	if (git(project, 'rev-parse', '--abbrev-ref', 'HEAD') !== 'main')
		throw new Error('release from main');
	if (git(project, 'status', '--porcelain'))
		throw new Error('the working tree has changes: commit or stash them first');

	const packageFile = join(project, 'package.json');
	const version = nextVersion(
		(JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string }).version,
		bump,
	);
	const changelogFile = join(project, 'CHANGELOG.md');
	const changelog = rollChangelog(
		readFileSync(changelogFile, 'utf8'),
		version,
		new Date().toISOString().slice(0, 10),
	);
	if (!values['skip-checks']) {
		for (const script of ['lint', 'test'])
			execFileSync('npm', ['run', script], { cwd: project, stdio: 'inherit' });
	}
	writeFileSync(changelogFile, changelog);
	execFileSync('npm', ['version', version, '--no-git-tag-version'], {
		cwd: project,
		stdio: 'ignore',
	});
	git(project, 'add', 'CHANGELOG.md', 'package.json', 'package-lock.json');
	git(project, 'commit', '-q', '-m', `Release ${version}`);
	git(project, 'tag', '-a', `v${version}`, '-m', `Release ${version}`);
	console.log(
		`[release] ${version} committed and tagged v${version}. Next: git push --follow-tags, then npm publish.`,
	);
}

if (require.main === module) {
	try {
		main();
	} catch (error) {
		console.error(`[release] ${(error as Error).message}`);
		process.exit(1);
	}
}
