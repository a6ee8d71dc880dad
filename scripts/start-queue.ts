/**
 * `npm run start:queue`: n8n in queue mode on this machine — Postgres, Redis, one main (editor
 * and webhooks) and two workers, each worker with its own user folder and this package installed
 * from `npm pack` output — with the shipped workflows imported and published, Config pointing at
 * generated sample exports (as `npm start`). Needs Debian's postgresql and redis-server.
 * `--base-port N` (default 5950) moves every port: Postgres N, Redis N+1, editor N+2.
 * Ctrl-C stops everything and removes its folders (the sample exports and reports stay).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureN8n } from './n8n/instance';
import { QueueTopology, queueModeMissing } from './n8n/queue';
import { generateSample } from './sample-data/generator';

async function main() {
	const { values } = parseArgs({ options: { 'base-port': { type: 'string', default: '5950' } } });
	const missing = queueModeMissing();
	if (missing) throw new Error(missing);
	const { cache } = ensureN8n();
	const exports = join(cache, 'sample-exports');
	const reports = join(cache, 'sample-reports');
	mkdirSync(reports, { recursive: true });
	if (!existsSync(join(exports, 'expected.json')))
		await generateSample({ webRows: 1513, outDir: exports, formats: ['xlsx'], seed: 42 });
	const token = randomBytes(12).toString('hex');
	const topology = new QueueTopology({
		basePort: Number(values['base-port']),
		token,
		inputFolder: exports,
		outputFolder: reports,
		log: (line) => console.log(`- ${line}`),
	});
	let stopping = false;
	let started: Promise<unknown> = Promise.resolve();
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping the workers, n8n, Redis and Postgres…');
		// Ctrl-C during the start: it finishes (or fails and cleans up) first, so nothing it spawns is left.
		await started.catch(() => undefined);
		await topology.stop().then(
			() => process.exit(0),
			(error: Error) => {
				console.error(error.message);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	started = topology.start();
	await started;
	if (stopping) return;
	console.log(
		`\nn8n (queue mode) is running at ${topology.base}  (create the owner account on first visit; it lives in this run's Postgres)`,
	);
	console.log(
		`Workers: ${topology.workers.map((worker, i) => `#${i + 1} pid ${worker.n8n.pid}`).join(', ')}`,
	);
	console.log(
		`Webhook: POST ${topology.webhook}  (multipart: erp, liaison, web and optionally expected.json)`,
	);
	console.log(`Webhook token (header X-Report-Token): ${token}`);
	console.log(
		`Sample exports in ${exports}, reports written to ${reports}. Notifications are off.\nCtrl-C stops everything.`,
	);
	await new Promise(() => undefined);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
