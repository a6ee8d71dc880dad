/**
 * DuckDB confined: the engine every node runs on may read and write only its own folder (the
 * sessions' scratch folders, where inputs are linked in, and its spill folder). User text that
 * tries to reach other files, another execution's files or the network is refused.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckSession, ENGINE_FOLDER_PREFIX, withSession } from '../nodes/shared/duckdb';
import { json, runNode } from './helpers/small';

const ownTmp = mkdtempSync(join(tmpdir(), 'confinement-'));
process.env.TMPDIR = ownTmp;
after(() => rmSync(ownTmp, { recursive: true, force: true }));

const outside = join(ownTmp, 'outside.csv');
writeFileSync(outside, 'secret\n42\n');
const engineFolders = () =>
	readdirSync(ownTmp).filter((name) => name.startsWith(ENGINE_FOLDER_PREFIX));

describe('the confined engine', () => {
	test('reaches nothing outside its folder: files, globs, the network, other databases, extensions', async () => {
		await withSession({ confined: true }, async (session) => {
			for (const sql of [
				`SELECT * FROM read_text('/etc/passwd')`,
				`SELECT * FROM read_csv('${outside}')`,
				`SELECT * FROM glob('${ownTmp}/*')`,
				`SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')`,
				`COPY (SELECT 1) TO '${join(ownTmp, 'written.csv')}'`,
				`ATTACH '${join(ownTmp, 'other.duckdb')}'`,
				`INSTALL httpfs`,
			]) {
				await assert.rejects(session.run(sql), /Permission Error|disabled by configuration/, sql);
			}
			assert.equal(existsSync(join(ownTmp, 'written.csv')), false);
		});
	});

	test('cannot be widened again: the configuration is locked', async () => {
		await withSession({ confined: true }, async (session) => {
			for (const sql of [
				`SET enable_external_access = true`,
				`SET allowed_directories = ['/']`,
				`SET temp_directory = '${ownTmp}'`,
				`RESET lock_configuration`,
			]) {
				await assert.rejects(session.run(sql), /locked|Cannot/, sql);
			}
		});
	});

	test("works in its session's own scratch folder, and its folder is gone when no node runs", async () => {
		await withSession({ confined: true }, async (session) => {
			await session.run(`COPY (SELECT 42 AS answer) TO '${session.scratchPath('mine.csv')}'`);
			assert.equal(
				await session.value(`SELECT answer FROM read_csv('${session.scratchPath('mine.csv')}')`),
				42n,
			);
			assert.equal(engineFolders().length, 1);
		});
		assert.deepEqual(engineFolders(), []);
	});

	test('a node still reads its inputs (linked into its scratch folder) and leaves no folder behind', async () => {
		const result = await runNode('cleanTable', { steps: { step: [] }, outputMode: 'table' }, [
			{ files: [{ path: outside, fileName: 'outside.csv' }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal((json(result)[0] as { rowCount: number }).rowCount, 1);
		assert.deepEqual(engineFolders(), []);
		assert.equal(DuckSession.openCount, 0);
	});
});

describe('user text crafted to reach files', () => {
	test('a file name that climbs out of the folder is only a name: the binary itself is read', async () => {
		const result = await runNode('cleanTable', { steps: { step: [] }, outputMode: 'table' }, [
			{ files: [{ path: outside, fileName: '../../../../etc/passwd.csv' }] },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		const summary = json(result)[0] as {
			columns: Array<{ name: string }>;
			preview: Array<Record<string, unknown>>;
		};
		assert.deepEqual(
			summary.columns.map((c) => c.name),
			['secret'],
		);
		assert.deepEqual(summary.preview, [{ secret: 42 }]);
	});

	test('a column name holding SQL is a name, quoted, never run', async () => {
		const name = `x'); SELECT * FROM read_text('/etc/passwd'); --`;
		const rows = [{ [name]: 'a', other: 1 }];
		const kept = await runNode(
			'cleanTable',
			{ steps: { step: [{ stepType: 'dropMissing', missingColumns: name }] } },
			[rows],
		);
		assert.equal(kept.error, undefined, kept.error?.message);
		assert.deepEqual(json(kept), rows);
		const missing = await runNode(
			'cleanTable',
			{
				steps: { step: [{ stepType: 'dropMissing', missingColumns: `read_text('/etc/passwd')` }] },
			},
			[rows],
		);
		assert.match(missing.error!.message, /read_text\('\/etc\/passwd'\)/);
	});

	for (const [label, condition] of [
		['/etc/passwd', `length((SELECT content FROM read_text('/etc/passwd'))) > 0`],
		[
			"another execution's scratch folder",
			`n > (SELECT count(*) FROM glob('${tmpdir()}/${ENGINE_FOLDER_PREFIX}*/**'))`,
		],
		['the network', `n > (SELECT count(*) FROM read_csv('http://127.0.0.1:9/x.csv'))`],
	]) {
		test(`a custom SQL condition reaching ${label} is refused, saying why`, async () => {
			const result = await runNode(
				'dataQualityCheck',
				{
					onFailure: 'route',
					outputMode: 'table',
					checks: {
						check: [
							{
								checkName: 'crafted',
								checkType: 'customSql',
								severity: 'error',
								sqlCondition: condition,
							},
						],
					},
				},
				[[{ n: 1 }]],
			);
			assert.match(
				result.error!.message,
				/the SQL condition is not accepted: subquery is not allowed/,
			);
			assert.match(result.error!.description ?? '', /one condition on the row/);
		});
	}
});
