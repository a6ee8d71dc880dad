import { COLUMN_LIST_FIELD, findColumns, isText } from '../../shared/table';
import { quoteIdentifier } from '../../shared/sql';
import type { CleanStep } from './types';
import { listInWords } from './words';

export const trimText: CleanStep = {
	value: 'trimText',
	name: 'Trim Text',
	description: 'Remove spaces around text values and turn empty text into empty values',
	properties: [
		{
			displayName: 'Columns',
			name: 'trimColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. post_title, stock_status',
			description: 'Leave empty to trim every text column',
			...COLUMN_LIST_FIELD,
		},
		{
			displayName: 'Empty Text Becomes Empty Value',
			name: 'emptyToNull',
			type: 'boolean',
			default: true,
			description: 'Whether "" after trimming is stored as an empty (null) value',
		},
	],
	label: (p) =>
		`trim text in ${p.trimColumns?.trim() ? listInWords(p.trimColumns, 'and') : 'all text columns'}`,
	async build({ table, parameters, fail }) {
		// A column listed twice is trimmed once (REPLACE refuses a name twice).
		const chosen = [...new Set(findColumns(table, parameters.trimColumns))];
		const columns = (chosen.length ? chosen : table.columns).filter(isText);
		if (chosen.length && columns.length < chosen.length) {
			const notText = chosen.filter((column) => !isText(column));
			fail(
				`Column ${notText.map((c) => `"${c.name}" (${c.type})`).join(', ')} is not text`,
				'Trim only applies to text columns; remove it from the list or cast it to text first.',
			);
		}
		if (!columns.length) return { select: `SELECT * FROM ${table.relation}` };
		const emptyToNull = parameters.emptyToNull !== false;
		// chr(160): the non-breaking space spreadsheets love to leave behind.
		const replacements = columns.map((column) => {
			const name = quoteIdentifier(column.name);
			const trimmed = `trim(${name}, ' ' || chr(9) || chr(10) || chr(13) || chr(160))`;
			return `${emptyToNull ? `nullif(${trimmed}, '')` : trimmed} AS ${name}`;
		});
		return { select: `SELECT * REPLACE (${replacements.join(', ')}) FROM ${table.relation}` };
	},
};
