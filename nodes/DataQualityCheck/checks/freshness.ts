import { DateTime } from 'luxon';
import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { isBlank, numberFrom } from './types';

export const freshness: CheckKind = {
	value: 'freshness',
	name: 'Freshness',
	description: 'The latest date in a column is no older than a given age',
	properties: [
		{
			displayName: 'Date Column',
			name: 'freshnessColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. post_modified',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Maximum Age',
			name: 'freshnessMaxAge',
			type: 'string',
			default: '',
			placeholder: '31',
			description: 'Empty skips the check',
		},
		{
			displayName: 'Unit',
			name: 'freshnessUnit',
			type: 'options',
			default: 'days',
			options: [
				{ name: 'Hours', value: 'hours' },
				{ name: 'Days', value: 'days' },
			],
		},
		{
			displayName: 'Compared With',
			name: 'freshnessNow',
			type: 'string',
			default: '',
			placeholder: '2026-11-15T09:00:00',
			description: 'The moment the age is measured from (ISO date). Empty: now.',
		},
	],
	async run(input) {
		const { freshnessColumn, freshnessMaxAge, freshnessUnit, freshnessNow } = input.parameters;
		const column = findColumn(input.table, freshnessColumn ?? '');
		if (isBlank(freshnessMaxAge))
			return { passed: true, observed: null, expected: null, skipped: 'no maximum age given' };
		const maxAge = numberFrom(input, 'Maximum Age', freshnessMaxAge);
		const unit = freshnessUnit === 'hours' ? 'hours' : 'days';
		const now = isBlank(freshnessNow)
			? DateTime.utc()
			: DateTime.fromISO(String(freshnessNow), { zone: 'utc' });
		if (!now.isValid)
			input.misconfigured(
				`"Compared With" ${String(freshnessNow)} is not a date`,
				'Use an ISO date such as 2026-11-15T09:00:00, or leave it empty for now.',
			);
		const latest = await input.session.value(
			`SELECT max(try_cast(${quoteIdentifier(column.name)} AS TIMESTAMP)) FROM ${input.table.relation}`,
		);
		const expected = `latest ${column.name} within ${maxAge} ${unit} of ${now.toISO()}`;
		if (!(latest instanceof Date))
			return { passed: false, observed: `no date in ${column.name}`, expected };
		const latestTime = DateTime.fromJSDate(latest, { zone: 'utc' });
		const age = now.diff(latestTime, unit).get(unit);
		return {
			passed: age <= maxAge,
			observed: `${latestTime.toISO()} (${age.toFixed(1)} ${unit} old)`,
			expected,
		};
	},
};
