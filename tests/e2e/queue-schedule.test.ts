/**
 * The shipped workflow's Schedule Trigger in queue mode fires once per tick, not once per
 * worker: n8n activates triggers on the main only (workers never load active workflows) and the
 * main puts each run on the queue for one worker.
 *
 * The shipped rule fires on the 15th at 09:00; waiting for it is not a test. Here the same
 * trigger node gets a rule that fires every TICK_SECONDS, the only change to the workflow. Each
 * tick then reads the month from the Config's input folder, as the monthly run does.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ShippedWorkflowSettings } from '../../scripts/n8n/instance';
import { queueModeMissing } from '../../scripts/n8n/queue';
import { generateSample } from '../../scripts/sample-data/generator';
import { SKIP_BOTTLENECK } from '../helpers/bottleneck';
import { bottleneckMonth, freshDir, queueTopologyForTests, REFERENCE, until } from './helpers';

const BASE_PORT = 6010;
const TOKEN = 'queue-schedule-token';
const TICK_SECONDS = 15;
const TICKS = 3;
const skip = queueModeMissing();

/** The shipped schedule node, firing every `seconds` (a six-field cron: seconds first). */
function firingEvery(seconds: number): NonNullable<ShippedWorkflowSettings['adjust']> {
	return (workflow) => {
		const schedules = workflow.nodes.filter(
			(node: { type: string }) => node.type === 'n8n-nodes-base.scheduleTrigger',
		);
		assert.equal(schedules.length, 1, 'the shipped workflow has one Schedule Trigger');
		schedules[0].parameters.rule = {
			interval: [{ field: 'cronExpression', expression: `*/${seconds} * * * * *` }],
		};
	};
}

describe(`the monthly schedule in queue mode, firing every ${TICK_SECONDS} s`, { skip }, () => {
	if (skip) return;
	const month = freshDir('queue-schedule-month-');
	let expected: { revenue_total: string; merged_rows: number } = REFERENCE;
	// Filled before the topology starts (hooks run in order), so the first tick finds the month.
	before(async () => {
		if (!SKIP_BOTTLENECK) {
			const real = bottleneckMonth(REFERENCE);
			for (const name of readdirSync(real)) copyFileSync(join(real, name), join(month, name));
			rmSync(real, { recursive: true, force: true });
		} else
			expected = (
				await generateSample({ webRows: 1513, seed: 42, outDir: month, formats: ['xlsx'] })
			).expected;
	});
	const server = queueTopologyForTests(BASE_PORT, TOKEN, 'queue-schedule', {
		inputFolder: month,
		adjustReport: firingEvery(TICK_SECONDS),
	});
	after(() => rmSync(month, { recursive: true, force: true }));

	test(`${TICKS} ticks give ${TICKS} executions, each taken by one worker, one Slack message and one email each`, async (t) => {
		const topology = server.topology!;
		// id | status | mode | the tick it was created in (the main creates the execution when the trigger fires).
		const executions = () =>
			topology
				.query(
					`SELECT id, status, mode, floor(extract(epoch FROM "createdAt") / ${TICK_SECONDS}) FROM execution_entity WHERE "workflowId" = 'SalesMonthly0001' ORDER BY id`,
				)
				.map((row) => {
					const [id, status, mode, tick] = row.split('|');
					return { id, status, mode, tick: Number(tick) };
				});
		// Every run so far finished (a tick's run takes a few seconds of the TICK_SECONDS), and enough of them.
		const runs = await until(
			`${TICKS} scheduled executions, all finished`,
			TICK_SECONDS * (TICKS + 3),
			() => {
				const now = executions();
				return now.length >= TICKS &&
					now.every((run) => !['new', 'running', 'waiting'].includes(run.status))
					? now
					: undefined;
			},
		);
		// Read at once, before the next tick's run reaches its notifications.
		const slackMessages = server.slack.messages.length;
		const mails = server.smtp.mails.length;

		const perTick = new Map<number, number>();
		for (const run of runs) perTick.set(run.tick, (perTick.get(run.tick) ?? 0) + 1);
		assert.deepEqual(
			[...perTick.values()],
			[...perTick.keys()].map(() => 1),
			`one execution per tick, not one per worker (executions per tick: ${[...perTick.values()].join(', ')})`,
		);
		const ticks = [...perTick.keys()];
		assert.deepEqual(
			ticks,
			ticks.map((_, i) => ticks[0] + i),
			'no tick skipped',
		);
		assert.deepEqual(
			runs.map((run) => `${run.mode} ${run.status}`),
			runs.map(() => 'trigger success'),
			'every execution started by the trigger and succeeded',
		);
		assert.equal(slackMessages, runs.length, 'one Slack summary per execution');
		assert.equal(mails, runs.length, 'one email per execution');
		assert.ok(
			!server.slack.messages.some((message) => String(message.text).startsWith(':boom:')),
			'no crash alert',
		);
		const { figures } = JSON.parse(readFileSync(join(server.out, 'summary.json'), 'utf8'));
		assert.deepEqual(
			[figures.merged_rows, figures.revenue_total],
			[expected.merged_rows, expected.revenue_total],
			"the month's report figures",
		);

		// Which process ran each: a worker's event log names the executions it took from the queue.
		const taken = await until("every execution in a worker's event log", 10, () => {
			const now = topology.workers.map((worker) => topology.executionsTakenBy(worker));
			return runs.every((run) => now.flat().includes(run.id)) ? now : undefined;
		});
		for (const run of runs)
			assert.equal(
				taken.filter((ids) => ids.includes(run.id)).length,
				1,
				`execution ${run.id} taken by exactly one worker`,
			);
		t.diagnostic(
			`${runs.length} ticks → ${runs.length} executions; worker 1 took ${taken[0].length}, worker 2 took ${taken[1].length}`,
		);
	});
});
