// `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package) run against our
// packed tarball instead of a published version, plus a check that every module the packed
// code requires is a Node built-in or a declared dependency.
//
// The scanner is n8n's gate for verified (Cloud) packages, which may depend on nothing but
// n8n-workflow. This package's engine is a native DuckDB binding, which cannot be bundled, so
// it is a self-hosted package: the three rules that forbid any dependency at all are the only
// ones turned off. Every other rule of the scan — no console, no restricted globals, the
// n8n-nodes-base community, node and credential rulesets, package.json conventions — applies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import glob from 'fast-glob';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'scan-'));
// The scanner makes a temporary folder as it loads and never removes it: made inside ours, it goes with it.
process.env.TMPDIR = work;
const { buildScanConfig } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
try {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
	})
		.toString()
		.trim()
		.split('\n')
		.pop();
	execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
	const packageDir = join(work, 'package');

	const CLOUD_ONLY = [
		'no-restricted-imports',
		'no-runtime-dependencies',
		'valid-peer-dependencies',
	].map((rule) => `@n8n/community-nodes/${rule}`);
	const config = [
		...(await buildScanConfig()),
		{ rules: Object.fromEntries(CLOUD_ONLY.map((rule) => [rule, 'off'])) },
	];
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: config,
	});
	const results = await eslint.lintFiles(
		glob.sync(['**/*.js', '**/*.json'], {
			cwd: packageDir,
			absolute: true,
			ignore: ['node_modules/**'],
		}),
	);
	const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
	const report = await (await eslint.loadFormatter('stylish')).format(results);
	console.log(
		errors
			? `✘ n8n community package scan: ${errors} error(s)\n${report}`
			: `✔ n8n community package scan: passed (${results.length} files; Cloud-only dependency rules off)${report ? `\n${report}` : ''}`,
	);
	const result = { passed: errors === 0 };

	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const declared = new Set([
		...Object.keys(manifest.dependencies ?? {}),
		...Object.keys(manifest.peerDependencies ?? {}),
	]);
	const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
	const undeclared = [];
	for (const file of glob.sync('dist/**/*.js', { cwd: packageDir })) {
		const source = readFileSync(join(packageDir, file), 'utf8');
		for (const [, spec] of source.matchAll(/require\("([^"]+)"\)/g)) {
			if (spec.startsWith('.') || builtins.has(spec)) continue;
			const name = spec.startsWith('@')
				? spec.split('/').slice(0, 2).join('/')
				: spec.split('/')[0];
			if (!declared.has(name)) undeclared.push(`${file}: ${spec}`);
		}
	}
	console.log(
		undeclared.length
			? `✘ undeclared runtime dependencies:\n  ${undeclared.join('\n  ')}`
			: `✔ every runtime require is a built-in or a declared dependency (${[...declared].join(', ')})`,
	);
	const files = manifest.files ?? [];
	console.log(
		`  packed: ${glob.sync('**/*', { cwd: packageDir }).length} files from ${files.join(', ')}`,
	);
	process.exitCode = result.passed && !undeclared.length ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
