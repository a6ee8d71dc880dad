/**
 * `npm start`: a local n8n editor on http://127.0.0.1:5678 with this package installed (from
 * `npm pack`, as users install it) and the shipped workflows imported, their Config pointing at
 * generated sample exports, so a newcomer can click "Try It" at once. Ctrl-C stops it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateSample } from './sample-data/generator';
import {
	cachedUserFolder,
	ensureN8n,
	importShippedWorkflows,
	N8nInstance,
	packPackage,
} from './n8n/instance';

async function main() {
	const { cache } = ensureN8n();
	const exports = join(cache, 'sample-exports');
	const reports = join(cache, 'sample-reports');
	const history = join(cache, 'sample-history');
	for (const folder of [reports, history]) mkdirSync(folder, { recursive: true });
	if (!existsSync(join(exports, 'expected.json')))
		await generateSample({ webRows: 1513, outDir: exports, formats: ['xlsx'], seed: 42 });
	const n8n = new N8nInstance(cachedUserFolder(cache, 'editor-home'), {
		allowedFolders: [exports, reports, history],
		port: Number(process.env.N8N_PORT ?? 5678),
	});
	n8n.installPackage(packPackage(cache));
	const token = randomBytes(12).toString('hex');
	// Notifications stay off until you put your Slack webhook and SMTP server in.
	importShippedWorkflows(n8n, {
		token,
		inputFolder: exports,
		outputFolder: reports,
		history: { file: join(history, 'sales-history.duckdb') },
	});
	const url = await n8n.startServer();
	console.log(`\nn8n is running at ${url}  (create the owner account on first visit)`);
	console.log(
		`Open the workflow "BottleNeck monthly sales report" and click "Try It": sample exports in ${exports}, reports written to ${reports}.`,
	);
	console.log(`Webhook token (header X-Report-Token): ${token}\nCtrl-C stops n8n.`);
	const stop = async () => {
		await n8n.stopServer();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await new Promise(() => undefined);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
