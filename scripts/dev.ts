/**
 * `npm run dev [-- --n8n-version 1|2] [--port 5678] [--user-folder DIR]`: a local n8n with this
 * package linked from the source tree and hot-reloaded. `tsc --watch` rebuilds dist/ on every save;
 * n8n (N8N_DEV_RELOAD) reloads the package when dist/ changes, so a refresh of the editor shows the
 * change. The shipped workflows are imported on the first start, on generated sample exports.
 *
 * Not `n8n-node dev` (@n8n/node-cli), which runs `npx n8n@latest` on the Node that runs it and
 * links the package into `.n8n/custom`. Here n8n 2.x needs Node 24 and an offline install (see
 * install-n8n.sh); and in `.n8n/custom` n8n loads every `*.node.js` below the folder as a node, so
 * vega's own `vega-canvas.node.js` in our node_modules breaks the load, and the nodes would be named
 * `CUSTOM.*`, which the shipped workflow does not use. The link goes where users' packages live,
 * `.n8n/nodes/node_modules/n8n-nodes-sales-analytics`, and n8n's hot reload watches it there too.
 */
import { spawn, execFileSync } from 'node:child_process';
import {
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	symlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
	cachedUserFolder,
	ensureN8n,
	importShippedWorkflows,
	N8nInstance,
	ROOT,
} from './n8n/instance';
import { killWithOwner } from './n8n/watchdog';
import { generateSample } from './sample-data/generator';

/** Links `project` into the user folder's community packages, replacing an installed copy. */
export function linkPackage(home: string, project: string): string {
	const name = (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { name: string })
		.name;
	const link = join(home, '.n8n', 'nodes', 'node_modules', name);
	mkdirSync(join(link, '..'), { recursive: true });
	const current = lstatSync(link, { throwIfNoEntry: false });
	if (current?.isSymbolicLink() && realpathSync(link) === realpathSync(project)) return link;
	if (current) rmSync(link, { recursive: true, force: true });
	// installPackage() would otherwise take the link for an up-to-date install.
	rmSync(join(home, '.n8n', 'nodes', '.sales-analytics-pack'), { force: true });
	symlinkSync(project, link, 'dir');
	return link;
}

async function main() {
	const { values } = parseArgs({
		options: {
			'n8n-version': { type: 'string', default: process.env.N8N_MAJOR ?? '2' },
			port: { type: 'string', default: process.env.N8N_PORT ?? '5678' },
			'user-folder': { type: 'string' },
			// The package folder to link; another one than this repository is for the test of this script.
			project: { type: 'string', default: ROOT },
		},
	});
	process.env.N8N_MAJOR = values['n8n-version'];
	const { cache, version } = ensureN8n();
	const project = resolve(values.project!);
	const home = resolve(values['user-folder'] ?? cachedUserFolder(cache, 'dev-home'));
	const port = Number(values.port);

	console.log(`[dev] building ${project}`);
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: project, stdio: 'inherit' });
	const link = linkPackage(home, project);
	console.log(`[dev] ${link} → ${project}`);
	// Its own process group, killed with this process even if it is SIGKILLed.
	const watch = spawn(
		join(project, 'node_modules', '.bin', 'tsc'),
		['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'],
		{ cwd: project, stdio: ['ignore', 'inherit', 'inherit'], detached: true },
	);
	killWithOwner({ group: watch.pid! });

	const exports = join(cache, 'sample-exports');
	const reports = join(cache, 'sample-reports');
	const history = join(cache, 'sample-history');
	for (const folder of [reports, history]) mkdirSync(folder, { recursive: true });
	const n8n = new N8nInstance(home, {
		allowedFolders: [exports, reports, history],
		port,
		brokerPort: port + 1,
		echoLog: true,
		env: { N8N_DEV_RELOAD: 'true' },
	});
	if (!existsSync(join(home, '.n8n', 'database.sqlite'))) {
		if (!existsSync(join(exports, 'expected.json')))
			await generateSample({ webRows: 1513, outDir: exports, formats: ['xlsx'], seed: 42 });
		importShippedWorkflows(n8n, {
			token: randomBytes(12).toString('hex'),
			inputFolder: exports,
			outputFolder: reports,
			history: { file: join(history, 'sales-history.duckdb') },
		});
	}
	const url = await n8n.startServer();
	console.log(
		`\n[dev] n8n ${version} is running at ${url} with ${project} linked (create the owner account on first visit).`,
	);
	console.log(
		"[dev] Save a node's source: tsc rebuilds dist/, n8n reloads the package; refresh the editor to see it. Ctrl-C stops both.",
	);
	const stop = async () => {
		await n8n.stopServer();
		try {
			process.kill(-watch.pid!, 'SIGTERM');
		} catch {
			// already gone
		}
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await new Promise(() => undefined);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`[dev] ${(error as Error).message}`);
		process.exit(1);
	});
}
