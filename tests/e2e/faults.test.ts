import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { generateSample } from '../../scripts/sample-data/generator';
import type { GeneratedSample } from '../../scripts/sample-data/generator';
import { REPORT_FILES, ROOT } from '../../scripts/n8n/instance';
import { freshDir, runReport } from './helpers';
import { SlackReceiver, SmtpReceiver } from './receivers';

const slack = new SlackReceiver();
const smtp = new SmtpReceiver();
const input = freshDir('faults-month-');
const cleanup: string[] = [input];
let slackUrl = '';
let smtpAddress = '';
let sample: GeneratedSample;

before(async () => {
	slackUrl = await slack.start();
	smtpAddress = await smtp.start();
	sample = await generateSample({ webRows: 3000, seed: 5, outDir: input, formats: ['parquet'] });
});
after(async () => {
	await slack.stop();
	await smtp.stop();
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

describe('faults around the real n8n run', () => {
	test('Slack answering 500: retried, then the run reports the failure; the report files are still correct', async () => {
		const out = freshDir('faults-out-');
		cleanup.push(out);
		slack.status = 500;
		const attemptsBefore = slack.attempts;
		try {
			const result = await runReport([
				'--input',
				input,
				'--out',
				out,
				'--slack',
				slackUrl,
				'--smtp',
				smtpAddress,
			]);
			assert.equal(result.code, 1, result.stdout + result.stderr);
			assert.match(result.stderr, /FAILED in node "Notify Slack"/);
			assert.equal(slack.attempts - attemptsBefore, 4, 'four tries, as the node is set');
		} finally {
			slack.status = 200;
		}
		assert.deepEqual(readdirSync(out).sort(), [...REPORT_FILES].sort());
		assert.equal(summaryOf(out).figures.revenue_total, sample.expected.revenue_total);
	});

	test('the SMTP server refusing: the run reports it, naming the email step', async () => {
		const out = freshDir('faults-out-');
		cleanup.push(out);
		smtp.refuse = true;
		try {
			const result = await runReport([
				'--input',
				input,
				'--out',
				out,
				'--slack',
				slackUrl,
				'--smtp',
				smtpAddress,
			]);
			assert.equal(result.code, 1, result.stdout + result.stderr);
			assert.match(result.stderr, /FAILED in node "Email Reports"/);
		} finally {
			smtp.refuse = false;
		}
		assert.equal(smtp.mails.length, 0);
		assert.equal(summaryOf(out).figures.premium_count, sample.expected.premium_count);
	});

	test('a run killed while it saves leaves no partial report', async () => {
		const big = freshDir('faults-big-');
		const out = freshDir('faults-out-');
		// Its own history: the default, beside the out folder, would be the temp folder's.
		const history = freshDir('faults-history-');
		cleanup.push(big, out, history);
		await generateSample({ webRows: 200_000, seed: 9, outDir: big, formats: ['parquet'] });
		const child = spawn(
			'npx',
			['tsx', join(ROOT, 'scripts/report.ts'), '--input', big, '--out', out, '--history', history],
			{ cwd: ROOT, detached: true, stdio: 'ignore' },
		);
		const exited = new Promise((resolve) => child.on('exit', resolve));
		let killedWhileSaving = false;
		while (child.exitCode === null && !killedWhileSaving) {
			if (existsSync(out) && readdirSync(out).some((name) => name.endsWith('.partial'))) {
				process.kill(-child.pid!, 'SIGKILL');
				killedWhileSaving = true;
			}
			await new Promise((r) => setTimeout(r, 5));
		}
		await exited;
		assert.ok(killedWhileSaving, 'the run was caught while writing its temporary files');
		const visible = readdirSync(out).filter((name) => !name.startsWith('.'));
		assert.deepEqual(visible, [], 'no report file appears unless every one was complete');
	});
});
