import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOTTLENECK_DIR, EXPORTS } from '../helpers/bottleneck';
import { ROOT } from '../../scripts/n8n/instance';

export const REFERENCE = { erp_rows: 825, liaison_rows: 825, web_clean_rows: 1428, web_dedup_rows: 714, merged_rows: 714, revenue_total: '70568.60', premium_count: 30 };

/** A month's folder as a user keeps it: the real exports (copied from ../shared, never into the repo) and expected.json. */
export function bottleneckMonth(expected: object): string {
	const dir = mkdtempSync(join(tmpdir(), 'bottleneck-month-'));
	for (const name of EXPORTS) copyFileSync(join(BOTTLENECK_DIR, `${name}.xlsx`), join(dir, `Fichier_${name.toUpperCase()}.xlsx`));
	writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
	return dir;
}

/** Runs `npm run report`'s script as a child, without blocking this process (the receivers live here). */
export function runReport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const child = spawn('npx', ['tsx', join(ROOT, 'scripts/report.ts'), ...args], { cwd: ROOT });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

export function freshDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(dir, { recursive: true });
	return dir;
}
