/**
 * The typed parameter reader every node reads its parameters with (nodes/shared/parameters.ts):
 * what an expression may give, and how a wrong kind of value is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { ParameterReader } from '../nodes/shared/parameters';

function reader(parameters: Record<string, unknown>): ParameterReader {
	const ctx = {
		getNode: () => ({
			name: 'Premium',
			type: 'n8n-nodes-sales-analytics.premiumScore',
			typeVersion: 1,
			parameters: {},
			id: '1',
			position: [0, 0],
		}),
		getNodeParameter: (name: string, _item: number, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
	return new ParameterReader(ctx);
}

test('text: as typed, trimmed on request, numbers and dates from expressions as their text', () => {
	const read = reader({
		name: '  sku ',
		count: 12,
		when: DateTime.fromISO('2026-11-30T08:00:00.000Z', { zone: 'utc' }),
		day: new Date('2026-11-30T08:00:00.000Z'),
		none: null,
	});
	assert.equal(read.text('name'), '  sku ');
	assert.equal(read.trimmed('name'), 'sku');
	assert.equal(read.text('count'), '12');
	assert.equal(read.text('when'), '2026-11-30T08:00:00.000Z');
	assert.equal(read.text('day'), '2026-11-30T08:00:00.000Z');
	assert.equal(read.text('none', 'fallback'), 'fallback');
	assert.equal(read.text('absent', 'fallback'), 'fallback');
});

test('a wrong kind of value is refused with the node, the parameter and what it should be', () => {
	const read = reader({
		column: { a: 1 },
		threshold: 'two',
		flag: 'yes',
		method: 'median',
		steps: 'all',
		options: [1],
	});
	const refused = (call: () => unknown, message: RegExp) =>
		assert.throws(
			call,
			(error: unknown) =>
				error instanceof NodeOperationError &&
				message.test(error.message) &&
				/an expression there must evaluate to it/.test(String(error.description)),
		);
	refused(() => read.text('column'), /^Premium: the parameter "column" is \{"a":1\}, not text$/);
	refused(() => read.number('threshold', 2), /"threshold" is "two", not a number/);
	refused(() => read.flag('flag'), /"flag" is "yes", not true or false/);
	refused(
		() => read.choice('method', ['zscore', 'iqr'] as const, 'zscore'),
		/"method" is "median", not one of "zscore", "iqr"/,
	);
	refused(() => read.entries('steps'), /"steps" is "all", not a list/);
	refused(() => read.collection('options'), /"options" is \[1\], not a set of options/);
});

test('numbers from text, choices, collections and lists', () => {
	const read = reader({
		threshold: '2.5',
		k: 3,
		method: 'iqr',
		options: { fileName: 'x.parquet' },
		steps: [{ type: 'trimText' }],
	});
	assert.equal(read.number('threshold', 2), 2.5);
	assert.equal(read.number('k', 1.5), 3);
	assert.equal(read.number('absent', 1.5), 1.5);
	assert.equal(read.choice('method', ['zscore', 'iqr'] as const, 'zscore'), 'iqr');
	assert.deepEqual(read.collection<{ fileName: string }>('options'), { fileName: 'x.parquet' });
	assert.deepEqual(read.entries('steps'), [{ type: 'trimText' }]);
	assert.deepEqual(read.entries('absent'), []);
});
