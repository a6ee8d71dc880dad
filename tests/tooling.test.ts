/**
 * The contributor's commands: n8n's node CLI builds and lints, Prettier (the starter's settings)
 * is part of the lint, and `npm run release` rolls the Keep a Changelog file into a tagged commit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../scripts/n8n/instance';
import { nextVersion, rollChangelog } from '../scripts/release';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	scripts: Record<string, string>;
	devDependencies: Record<string, string>;
};

test('build and lint go through n8n-node; the lint includes the format check', () => {
	assert.match(manifest.scripts.build, /^n8n-node build && /);
	assert.match(manifest.scripts.lint, /^n8n-node lint && prettier --check \.$/);
	assert.ok(manifest.devDependencies['@n8n/node-cli'] && manifest.devDependencies.prettier);
});

test("Prettier's settings are the n8n node starter's", () => {
	const starter = require(
		join(ROOT, 'node_modules/@n8n/node-cli/dist/template/templates/shared/default/.prettierrc.js'),
	) as object;
	assert.deepEqual(require(join(ROOT, '.prettierrc.js')), starter);
});

test('the next version: patch, minor, major, or an explicit higher one', () => {
	assert.equal(nextVersion('0.1.0', 'patch'), '0.1.1');
	assert.equal(nextVersion('0.1.3', 'minor'), '0.2.0');
	assert.equal(nextVersion('0.9.3', 'major'), '1.0.0');
	assert.equal(nextVersion('0.1.0', '0.1.5'), '0.1.5');
	assert.throws(() => nextVersion('0.2.0', '0.1.9'), /not above the current version 0\.2\.0/);
	assert.throws(() => nextVersion('0.2.0', 'next'), /"next" is not a version/);
});

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

### Added

- A chart.

## [0.1.0] - 2026-11-23

### Added

- First.
`;

test('the changelog: Unreleased entries move under the version and date, an empty Unreleased stays on top', () => {
	assert.equal(
		rollChangelog(CHANGELOG, '0.2.0', '2026-12-01'),
		`# Changelog

Intro.

## [Unreleased]

## [0.2.0] - 2026-12-01

### Added

- A chart.

## [0.1.0] - 2026-11-23

### Added

- First.
`,
	);
	assert.throws(
		() =>
			rollChangelog(CHANGELOG.replace('### Added\n\n- A chart.\n\n', ''), '0.2.0', '2026-12-01'),
		/nothing under Unreleased/,
	);
	assert.throws(() => rollChangelog(CHANGELOG, '0.1.0', '2026-12-01'), /already has 0\.1\.0/);
});

test('npm run release on a scratch repository: one commit "Release 0.2.0", tag v0.2.0, versions and changelog rolled', () => {
	const repo = mkdtempSync(join(tmpdir(), 'release-test-'));
	try {
		for (const file of ['package.json', 'package-lock.json'])
			cpSync(join(ROOT, file), join(repo, file));
		writeFileSync(join(repo, 'CHANGELOG.md'), CHANGELOG);
		const git = (...args: string[]) =>
			execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
				cwd: repo,
			})
				.toString()
				.trim();
		git('init', '-q', '-b', 'main');
		git('add', '.');
		git('commit', '-q', '-m', 'start');
		const release = (...args: string[]) =>
			execFileSync(
				'npx',
				['tsx', join(ROOT, 'scripts/release.ts'), ...args, '--project', repo, '--skip-checks'],
				{
					cwd: ROOT,
					env: {
						...process.env,
						GIT_AUTHOR_NAME: 'Test',
						GIT_AUTHOR_EMAIL: 'test@example.com',
						GIT_COMMITTER_NAME: 'Test',
						GIT_COMMITTER_EMAIL: 'test@example.com',
					},
					stdio: 'pipe',
				},
			).toString();
		const version = (
			JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }
		).version;
		const next = nextVersion(version, 'minor');
		assert.match(
			release('minor'),
			new RegExp(`\\[release\\] ${next} committed and tagged v${next}`),
		);
		assert.equal(git('log', '-1', '--format=%s'), `Release ${next}`);
		assert.equal(git('tag', '--points-at', 'HEAD'), `v${next}`);
		assert.equal(
			git('status', '--porcelain'),
			'',
			'everything the release changed is in its commit',
		);
		assert.equal(
			(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version,
			next,
		);
		assert.equal(
			(JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { version: string })
				.version,
			next,
		);
		assert.match(
			readFileSync(join(repo, 'CHANGELOG.md'), 'utf8'),
			new RegExp(
				`## \\[Unreleased\\]\\n\\n## \\[${next.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}\\n\\n### Added\\n\\n- A chart\\.`,
			),
		);
		// Nothing new under Unreleased: a second release is refused and changes nothing.
		assert.throws(() => release('patch'), /nothing under Unreleased/);
		assert.equal(git('log', '-1', '--format=%s'), `Release ${next}`);
	} finally {
		rmSync(repo, { recursive: true, force: true });
	}
});
