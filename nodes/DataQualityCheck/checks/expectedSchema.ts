import type { CheckKind } from './types';
import { parseColumnList } from '../../shared/table';

export const expectedSchema: CheckKind = {
	value: 'expectedSchema',
	name: 'Expected Schema',
	description: 'The columns are present, optionally with their types',
	properties: [
		{
			displayName: 'Columns',
			name: 'schemaColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. product_id:BIGINT, price:DOUBLE, sku',
			description: 'Comma-separated names, each optionally followed by :TYPE (DuckDB type name)',
		},
	],
	async run(input) {
		const wanted = parseColumnList(input.parameters.schemaColumns).map((entry) => {
			const at = entry.lastIndexOf(':');
			return at > 0
				? {
						name: entry.slice(0, at).trim(),
						type: entry
							.slice(at + 1)
							.trim()
							.toUpperCase(),
					}
				: { name: entry, type: '' };
		});
		if (!wanted.length)
			input.misconfigured(
				'no column given',
				'List the columns the table must have, e.g. product_id:BIGINT, price.',
			);
		const problems: string[] = [];
		for (const column of wanted) {
			const found = input.table.columns.find(
				(c) => c.name.toLowerCase() === column.name.toLowerCase(),
			);
			if (!found) problems.push(`${column.name} missing`);
			else if (column.type && found.type !== column.type)
				problems.push(`${column.name} is ${found.type}, not ${column.type}`);
		}
		return {
			passed: problems.length === 0,
			observed: problems.length ? problems.join('; ') : 'all present',
			expected: wanted.map((c) => (c.type ? `${c.name}:${c.type}` : c.name)).join(', '),
		};
	},
};
