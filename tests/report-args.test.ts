/** `npm run report`'s month and history arguments (scripts/report.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresTarget, previousMonth } from '../scripts/report';

test('the default month is the one before, in Paris time', () => {
	assert.equal(previousMonth(new Date('2026-11-15T08:00:00Z')), '2026-10');
	assert.equal(previousMonth(new Date('2026-01-15T08:00:00Z')), '2025-12');
	// 23:30 UTC on 31 October is already November in Paris.
	assert.equal(previousMonth(new Date('2026-10-31T23:30:00Z')), '2026-10');
});

test('--history-postgres HOST:PORT/DATABASE, user and password from the environment', () => {
	process.env.SALES_HISTORY_PG_USER = 'reports';
	process.env.SALES_HISTORY_PG_PASSWORD = 's3cret';
	try {
		assert.deepEqual(postgresTarget('db.internal:5433/sales'), {
			postgres: {
				host: 'db.internal',
				port: 5433,
				database: 'sales',
				user: 'reports',
				password: 's3cret',
			},
		});
	} finally {
		delete process.env.SALES_HISTORY_PG_USER;
		delete process.env.SALES_HISTORY_PG_PASSWORD;
	}
	assert.throws(
		() => postgresTarget('db.internal/sales'),
		/give HOST:PORT\/DATABASE, e\.g\. 127\.0\.0\.1:5432\/sales/,
	);
});
