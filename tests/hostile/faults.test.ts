import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { INodeParameters } from 'n8n-workflow';
import { runWorkflow } from '../helpers/engine';
import { nodeTypes, type } from '../helpers/nodes';
import { DuckSession } from '../../nodes/shared/duckdb';
import { runNode } from '../helpers/small';
import { HOSTILE_SALES } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'hostile-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('faults: nothing half-written, nothing left behind, every error understood', () => {
	test('an output folder that cannot be written: a clear error, nothing written', async () => {
		writeFileSync(join(dir, 'a-file'), 'not a folder');
		writeFileSync(join(dir, 'r.csv'), 'a\n1\n');
		const result = await runNode('saveReportFiles', { folder: join(dir, 'a-file', 'reports') }, [
			{ files: [{ path: join(dir, 'r.csv') }] },
		]);
		assert.match(
			result.error!.message,
			/Cannot use the folder ".*a-file\/reports" to save the reports in/,
		);
		assert.match(
			result.error!.description!,
			/ENOTDIR.*every part of it must be a folder \(not a file\)/,
		);
	});

	test('DuckDB running out of its configured memory: a clear error naming the fix, not a crashed process', async () => {
		const rows = Array.from({ length: 100_000 }, (_, i) => ({ k: 1, v: i }));
		const result = await runWorkflow({
			nodeTypes,
			credentials: { salesAnalyticsEngine: { memoryLimit: '8MB', threads: 1 } },
			nodes: [
				{
					name: 'Start',
					type: 'test.items',
					parameters: { items: [{}] } as unknown as INodeParameters,
				},
				{
					name: 'A',
					type: 'test.items',
					parameters: { items: rows } as unknown as INodeParameters,
				},
				{
					name: 'B',
					type: 'test.items',
					parameters: { items: rows.slice(0, 100) } as unknown as INodeParameters,
				},
				{
					name: 'Merge',
					type: type('mergeTables'),
					parameters: {
						outputMode: 'table',
						joins: { join: [{ input: 2, joinType: 'inner', leftKeys: 'k', rightKeys: 'k' }] },
					} as unknown as INodeParameters,
				},
			],
			edges: [
				['Start', 'A'],
				['Start', 'B'],
				['A', 'Merge', 0],
				['B', 'Merge', 1],
			],
		});
		assert.equal(result.error?.node, 'Merge');
		assert.match(result.error?.message ?? '', /DuckDB ran out of its memory limit/);
		assert.match(
			result.error?.description ?? '',
			/Raise the memory limit in the Sales Analytics engine settings/,
		);
		assert.equal(DuckSession.openCount, 0);
	});

	test('a failure while saving leaves no report and no temporary file', async () => {
		const out = join(dir, 'reports');
		writeFileSync(join(dir, 'first.csv'), 'a\n1\n');
		writeFileSync(join(dir, 'second.csv'), 'b\n2\n');
		// The second file's stored bytes vanish before the save: writing fails after the first file.
		const result = await runWorkflow({
			nodeTypes,
			nodes: [
				{
					name: 'Files',
					type: 'test.files',
					parameters: {
						files: [
							{ path: join(dir, 'first.csv'), property: 'first' },
							{ path: join(dir, 'second.csv'), property: 'second' },
						],
					} as unknown as INodeParameters,
				},
				{ name: 'Storage Fault', type: 'test.loseBinary', parameters: { property: 'second' } },
				{ name: 'Save', type: type('saveReportFiles'), parameters: { folder: out } },
			],
			edges: [
				['Files', 'Storage Fault'],
				['Storage Fault', 'Save'],
			],
		});
		assert.match(result.error?.message ?? '', /Could not write the reports to .*reports/);
		assert.match(result.error?.description ?? '', /No report file was changed/);
		assert.ok(
			!existsSync(out) || readdirSync(out).length === 0,
			`nothing in ${out}: ${existsSync(out) ? readdirSync(out).join(', ') : ''}`,
		);
	});

	test('every DuckDB database and scratch folder is closed and removed, after good and failed runs alike', async () => {
		const scratch = () =>
			readdirSync(tmpdir()).filter((name) => name.startsWith('n8n-sales-analytics-')).length;
		const before = scratch();
		const runs = [
			runNode('cleanTable', { steps: { step: [{ stepType: 'dedup' }] } }, [HOSTILE_SALES]),
			runNode('revenue', { outputMode: 'table', createReport: true }, [HOSTILE_SALES]),
			runNode('revenue', { priceColumn: 'nope' }, [HOSTILE_SALES]),
			runNode(
				'dataQualityCheck',
				{
					onFailure: 'stop',
					checks: { check: [{ checkName: 'rows', checkType: 'rowCount', rowCountExpected: '99' }] },
				},
				[HOSTILE_SALES],
			),
			runNode('premiumScore', { createCsv: true, outputMode: 'table' }, [HOSTILE_SALES]),
		];
		const results = await Promise.all(runs);
		assert.deepEqual(
			results.map((r) => Boolean(r.error)),
			[true, false, true, true, false],
		);
		assert.equal(DuckSession.openCount, 0);
		assert.equal(scratch(), before);
	});
});
