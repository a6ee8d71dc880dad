import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn, parseColumnList } from '../../shared/table';
import type { CheckKind } from './types';
import { rowLevel } from './types';

export const acceptedValues: CheckKind = {
	value: 'acceptedValues',
	name: 'Accepted Values',
	description: 'Every non-empty value of a column is one of a list',
	properties: [
		{
			displayName: 'Column',
			name: 'acceptedColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. stock_status',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Accepted Values',
			name: 'acceptedList',
			type: 'string',
			default: '',
			placeholder: 'instock, outofstock',
			description: 'Comma-separated; put a value holding a comma in double quotes',
		},
	],
	async run(input) {
		const column = quoteIdentifier(
			findColumn(input.table, input.parameters.acceptedColumn ?? '').name,
		);
		const accepted = parseColumnList(input.parameters.acceptedList);
		if (!accepted.length)
			input.misconfigured(
				'no accepted value given',
				'List the values allowed, e.g. instock, outofstock.',
			);
		// The list travels as one bound text, split in SQL on a separator no export contains.
		const where = `${column} IS NOT NULL AND NOT list_contains(string_split($1, chr(31)), CAST(${column} AS VARCHAR))`;
		return rowLevel(input, where, [accepted.join('\u001f')], `one of ${accepted.join(', ')}`);
	},
};
