/**
 * Imported first by every fuzz file: this process gets a temp folder of its own, so the count of
 * scratch folders each case checks sees only this process's node executions, not those of other
 * test processes running at the same time on the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PRIVATE_TMP = mkdtempSync(join(tmpdir(), 'sales-analytics-fuzz-'));
process.env.TMPDIR = PRIVATE_TMP;
process.on('exit', () => rmSync(PRIVATE_TMP, { recursive: true, force: true }));
