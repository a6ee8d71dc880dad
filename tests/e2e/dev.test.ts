/**
 * `npm run dev`: n8n starts with the package linked under its own name, and a change saved in a
 * node's TypeScript source is in n8n's node types after the reload, without a restart. Runs on a
 * scratch copy of the sources (node_modules linked) so the test never edits the repository.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../../scripts/n8n/instance';
import { killWithOwner } from '../../scripts/n8n/watchdog';
import { freshDir } from './helpers';

const PORT = 5870;
const base = `http://127.0.0.1:${PORT}`;
const project = freshDir('dev-project-');
const home = freshDir('dev-home-');
let dev: ChildProcess | undefined;
let output = '';

after(async () => {
	await stopDev();
	rmSync(project, { recursive: true, force: true });
	rmSync(home, { recursive: true, force: true });
});

async function stopDev(): Promise<void> {
	if (!dev || dev.exitCode !== null || dev.signalCode !== null) return;
	const exited = new Promise((r) => dev!.once('exit', r));
	process.kill(-dev.pid!, 'SIGINT');
	await exited;
}

async function until<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	seconds: number,
): Promise<T> {
	const deadline = Date.now() + seconds * 1000;
	while (Date.now() < deadline) {
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`${what} within ${seconds} s\n${output.slice(-3000)}`);
}

test(
	"npm run dev links the package into n8n under its own name; a saved change to a node's source shows after the reload",
	{ timeout: 600_000 },
	async () => {
		for (const entry of [
			'package.json',
			'tsconfig.json',
			'scripts/copy-fonts.cjs',
			'nodes',
			'credentials',
		])
			cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
		symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');

		dev = spawn(
			'npx',
			[
				'tsx',
				join(ROOT, 'scripts/dev.ts'),
				'--project',
				project,
				'--user-folder',
				home,
				'--port',
				String(PORT),
			],
			{ cwd: ROOT, detached: true },
		);
		killWithOwner({ group: dev.pid! });
		dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		await until(
			'n8n started by npm run dev',
			async () => (/\[dev\] n8n \S+ is running at/.test(output) ? true : undefined),
			300,
		);

		const link = join(home, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-sales-analytics');
		assert.equal(
			realpathSync(link),
			realpathSync(project),
			'the package folder is linked, not copied',
		);
		const setup = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: 'dev@example.com',
				firstName: 'Dev',
				lastName: 'Test',
				password: 'Dev-pass-1234',
			}),
		});
		assert.equal(setup.status, 200, await setup.text());
		const cookie = setup.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const revenueDescription = async () => {
			const types = (await (
				await fetch(`${base}/types/nodes.json`, { headers: { cookie } })
			).json()) as Array<{ name: string; description: string }>;
			return types.find((type) => type.name === 'n8n-nodes-sales-analytics.revenue')?.description;
		};
		const before = await revenueDescription();
		assert.ok(
			before,
			'the Revenue node is loaded under the package name, as the shipped workflow names it',
		);

		const source = join(project, 'nodes', 'Revenue', 'Revenue.node.ts');
		const text = readFileSync(source, 'utf8');
		assert.ok(text.includes(`'${before}'`), 'the description comes from this source file');
		const edited = `${before} (edited ${Date.now()})`;
		writeFileSync(source, text.replace(`'${before}'`, `'${edited}'`));
		await until(
			'the edited description in n8n',
			async () => ((await revenueDescription()) === edited ? true : undefined),
			180,
		);
		assert.match(output, /Hot reload triggered for n8n-nodes-sales-analytics/);

		await stopDev();
		await until(
			'n8n and tsc --watch gone after Ctrl-C',
			async () => {
				const listening = await fetch(`${base}/healthz`).then(
					() => true,
					() => false,
				);
				return !listening && !execFileSync('ps', ['-eo', 'args']).toString().includes(project)
					? true
					: undefined;
			},
			20,
		);
	},
);
