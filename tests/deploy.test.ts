/**
 * deploy/docker-compose.yml cannot run here (no Docker): this checks that it parses and that it
 * sets up the topology tests/e2e/queue-mode.test.ts runs (scripts/n8n/queue.ts) — same n8n
 * version, queue mode, Postgres, Redis without persistence, binary data in the database, one
 * encryption key, and our package on main and on every worker. Nothing more is claimed for it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { QUEUE_MODE_SETTINGS, REDIS_ARGS } from '../scripts/n8n/queue';
import { ROOT } from '../scripts/n8n/instance';

type Service = {
	image?: string;
	command?: string[];
	environment?: Record<string, string>;
	depends_on?: Record<string, unknown>;
};
const compose = parse(readFileSync(join(ROOT, 'deploy', 'docker-compose.yml'), 'utf8'), {
	merge: true,
}) as { services: Record<string, Service> };
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};
const testedN8n = /N8N_VERSION="\$\{N8N_VERSION:-([\d.]+)\}"/.exec(
	readFileSync(join(ROOT, 'scripts', 'n8n-env.sh'), 'utf8'),
)![1];

describe('deploy/docker-compose.yml: the tested queue-mode topology, for Docker', () => {
	const { postgres, redis, 'n8n-main': main, 'n8n-worker': worker } = compose.services;

	test('Postgres, Redis, a main and workers', () => {
		assert.ok(postgres && redis && main && worker, Object.keys(compose.services).join(', '));
		assert.deepEqual(main.command, ['start']);
		assert.equal(worker.command?.[0], 'worker');
		assert.deepEqual(Object.keys(worker.depends_on ?? {}).sort(), [
			'n8n-main',
			'postgres',
			'redis',
		]);
	});

	test('the n8n version the e2e tests run', () => {
		for (const service of [main, worker])
			assert.equal(service.image, `docker.n8n.io/n8nio/n8n:${testedN8n}`);
	});

	test('every n8n process: the tested queue-mode settings, one database, one queue, one key', () => {
		for (const [name, service] of [
			['main', main],
			['worker', worker],
		] as const) {
			const env = service.environment ?? {};
			for (const [key, value] of Object.entries(QUEUE_MODE_SETTINGS))
				assert.equal(env[key], value, `${name}: ${key}`);
			assert.equal(env.DB_POSTGRESDB_HOST, 'postgres', name);
			assert.equal(env.QUEUE_BULL_REDIS_HOST, 'redis', name);
			assert.match(
				env.N8N_ENCRYPTION_KEY ?? '',
				/^\$\{N8N_ENCRYPTION_KEY/,
				`${name}: the key comes from one variable`,
			);
		}
	});

	test('Redis runs as the tested one does: no persistence', () => {
		assert.deepEqual(redis.command, ['redis-server', ...REDIS_ARGS]);
	});

	test('the package on main and on every worker', () => {
		const packages = JSON.parse(main.environment?.N8N_COMMUNITY_PACKAGES ?? '[]') as Array<{
			name: string;
			version: string;
		}>;
		assert.deepEqual(packages, [{ name: manifest.name, version: manifest.version }]);
		assert.equal(main.environment?.N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV, 'true');
		assert.equal(worker.environment?.N8N_REINSTALL_MISSING_PACKAGES, 'true');
	});
});
