import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { rowLevel } from './types';

export const regexMatch: CheckKind = {
	value: 'regexMatch',
	name: 'Matches a Regular Expression',
	description: 'Every non-empty value of a column matches a pattern (the whole value)',
	properties: [
		{
			displayName: 'Column',
			name: 'regexColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. sku',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Pattern',
			name: 'regexPattern',
			type: 'string',
			default: '',
			placeholder: '^[0-9]+(-[0-9]+)?$',
		},
	],
	async run(input) {
		const column = quoteIdentifier(
			findColumn(input.table, input.parameters.regexColumn ?? '').name,
		);
		const pattern = String(input.parameters.regexPattern ?? '');
		if (!pattern)
			input.misconfigured('no pattern given', 'Enter a regular expression, e.g. ^[0-9]+$.');
		try {
			await input.session.value(`SELECT regexp_full_match('', $1)`, [pattern]);
		} catch (error) {
			input.misconfigured(
				`the pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message.split('\n')[0]})`,
				'Fix the pattern (RE2 syntax).',
			);
		}
		return rowLevel(
			input,
			`${column} IS NOT NULL AND NOT regexp_full_match(CAST(${column} AS VARCHAR), $1)`,
			[pattern],
			`matches ${pattern}`,
		);
	},
};
