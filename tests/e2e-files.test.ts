/**
 * `npm run test:e2e` without Chromium (scripts/e2e-files.sh): it installs Debian's when it may,
 * else leaves the browser tests out and says so in one line — never a run of cancelled tests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..');
const files = (env: NodeJS.ProcessEnv) => {
	const run = spawnSync('bash', [join(ROOT, 'scripts/e2e-files.sh')], {
		env: { ...process.env, ...env },
		encoding: 'utf8',
	});
	assert.equal(run.status, 0, run.stderr);
	return {
		files: run.stdout.trim().split('\n'),
		said: run.stderr.trim().split('\n').filter(Boolean),
	};
};

test('no Chromium and no installing it: the browser tests are left out, with one line saying how to get them', () => {
	const { files: listed, said } = files({
		CHROMIUM: '/nonexistent/chromium',
		E2E_INSTALL_CHROMIUM: 'no',
	});
	assert.deepEqual(said, [
		"[test:e2e] skipping the browser tests (*.browser.test.ts): no Chromium at /nonexistent/chromium; install Debian's (apt-get install chromium) to run them",
	]);
	assert.ok(
		listed.includes('tests/e2e/history.test.ts') &&
			listed.includes('tests/e2e/runner-killed.test.ts'),
		listed.join(' '),
	);
	assert.deepEqual(
		listed.filter((file) => file.endsWith('.browser.test.ts')),
		[],
	);
});

test('with Chromium: every e2e file, the browser tests included, and nothing said', () => {
	// Any executable stands for the browser here: only its presence is read.
	const { files: listed, said } = files({ CHROMIUM: process.execPath });
	assert.deepEqual(said, []);
	assert.ok(listed.includes('tests/e2e/editor.browser.test.ts'), listed.join(' '));
	assert.ok(
		listed.every((file) => /^tests\/e2e\/[\w.-]+\.test\.ts$/.test(file)),
		'no fixture or helper is run as a test',
	);
});
