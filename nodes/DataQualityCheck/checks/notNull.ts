import { quoteIdentifier } from '../../shared/sql';
import type { CheckKind } from './types';
import { requiredColumns, rowLevel } from './types';
import { COLUMN_LIST_FIELD } from '../../shared/table';

export const notNull: CheckKind = {
	value: 'notNull',
	name: 'Not Null',
	description: 'The columns have a value in every row',
	properties: [
		{
			displayName: 'Columns',
			name: 'notNullColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. product_id, sku',
			...COLUMN_LIST_FIELD,
		},
	],
	async run(input) {
		const columns = requiredColumns(input, input.parameters.notNullColumns, 'product_id, sku');
		const where = columns.map((c) => `${quoteIdentifier(c.name)} IS NULL`).join(' OR ');
		return rowLevel(input, where, [], `no empty ${columns.map((c) => c.name).join(', ')}`);
	},
};
