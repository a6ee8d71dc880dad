import { quoteList } from '../../shared/sql';
import type { CheckKind } from './types';
import { requiredColumns, rowLevel } from './types';
import { COLUMN_LIST_FIELD } from '../../shared/table';

export const unique: CheckKind = {
	value: 'unique',
	name: 'Unique',
	description: 'No two rows share the same values in the columns',
	properties: [
		{
			displayName: 'Columns',
			name: 'uniqueColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. product_id',
			...COLUMN_LIST_FIELD,
		},
	],
	async run(input) {
		const columns = requiredColumns(input, input.parameters.uniqueColumns, 'product_id');
		const keys = quoteList(columns.map((c) => c.name));
		const where = `(${keys}) IN (SELECT (${keys}) FROM ${input.table.relation} GROUP BY ALL HAVING count(*) > 1)`;
		return rowLevel(input, where, [], `unique ${columns.map((c) => c.name).join(', ')}`);
	},
};
