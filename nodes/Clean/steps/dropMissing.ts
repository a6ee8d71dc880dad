import { COLUMN_LIST_FIELD, findColumns, isText } from '../../shared/table';
import { quoteIdentifier } from '../../shared/sql';
import type { CleanStepParameters } from '../parameters';
import { listInWords } from './words';
import type { CleanStep } from './types';

export type MissingScope = 'columns' | 'any';

/** Steps saved before "Look In" existed have no `missingScope`: they looked in their columns. */
const lookInAnyColumn = (p: CleanStepParameters) => p.missingScope === 'any';

export const dropMissing: CleanStep = {
	value: 'dropMissing',
	name: 'Drop Rows With Missing Values',
	description: 'Remove rows where the chosen columns (or any column) are empty',
	properties: [
		{
			displayName: 'Look In',
			name: 'missingScope',
			type: 'options',
			default: 'columns',
			options: [
				{
					name: 'Chosen Columns',
					value: 'columns',
					description: 'Drop a row when one of the listed columns is empty',
				},
				{
					name: 'Any Column',
					value: 'any',
					description: 'Drop a row when any of its values is empty',
				},
			],
		},
		{
			displayName: 'Columns',
			name: 'missingColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. sku, price',
			description: 'Rows with an empty value in one of these columns are removed',
			...COLUMN_LIST_FIELD,
			displayOptions: { show: { missingScope: ['columns'] } },
		},
		{
			displayName: 'Treat Blank Text as Missing',
			name: 'blankIsMissing',
			type: 'boolean',
			default: true,
			description: 'Whether text made only of spaces counts as missing',
		},
	],
	label: (p) =>
		lookInAnyColumn(p)
			? 'drop rows with any empty value'
			: `drop rows without ${listInWords(p.missingColumns, 'or')}`,
	removed: (p) =>
		lookInAnyColumn(p)
			? 'with an empty value dropped'
			: `without ${listInWords(p.missingColumns, 'or')} dropped`,
	async build({ table, parameters, fail }) {
		const columns = lookInAnyColumn(parameters)
			? table.columns
			: findColumns(table, parameters.missingColumns);
		// An empty list used to mean "any column" and silently emptied tables: now it has to be said.
		if (!columns.length) {
			fail(
				'no columns given — list the columns, e.g. sku, or set Look In to Any Column',
				'Type the column names in Columns, comma-separated (or drag them from the input panel), or set Look In to Any Column to drop rows with an empty value in any column.',
			);
		}
		const blankIsMissing = parameters.blankIsMissing !== false;
		const missing = columns.map((column) => {
			const name = quoteIdentifier(column.name);
			return blankIsMissing && isText(column)
				? `nullif(trim(${name}), '') IS NULL`
				: `${name} IS NULL`;
		});
		return { select: `SELECT * FROM ${table.relation} WHERE NOT (${missing.join(' OR ')})` };
	},
};
