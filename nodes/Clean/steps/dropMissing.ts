import type { IDataObject } from 'n8n-workflow';
import { findColumns, isTextType } from '../../shared/table';
import { quoteIdentifier } from '../../shared/sql';
import type { CleanStep } from './types';

export const dropMissing: CleanStep = {
	value: 'dropMissing',
	name: 'Drop Rows With Missing Values',
	description: 'Remove rows where the chosen columns (or any column) are empty',
	properties: [
		{
			displayName: 'Columns',
			name: 'missingColumns',
			type: 'string',
			default: '',
			placeholder: 'sku',
			description: 'Comma-separated column names. Leave empty to drop rows with a missing value in any column.',
		},
		{
			displayName: 'Treat Blank Text as Missing',
			name: 'blankIsMissing',
			type: 'boolean',
			default: true,
			description: 'Whether text made only of spaces counts as missing',
		},
	],
	label: (p: IDataObject) => `drop rows with missing ${(p.missingColumns as string)?.trim() || 'values in any column'}`,
	async build({ table, parameters }) {
		const chosen = findColumns(table, parameters.missingColumns as string);
		const columns = chosen.length ? chosen : table.columns;
		const blankIsMissing = parameters.blankIsMissing !== false;
		const missing = columns.map((column) => {
			const name = quoteIdentifier(column.name);
			return blankIsMissing && isTextType(column.type) ? `nullif(trim(${name}), '') IS NULL` : `${name} IS NULL`;
		});
		return { select: `SELECT * FROM ${table.relation} WHERE NOT (${missing.join(' OR ')})` };
	},
};
