import { quoteIdentifier } from '../../shared/sql';
import { findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { rowLevel } from './types';

export const referentialIntegrity: CheckKind = {
	value: 'referentialIntegrity',
	name: 'Referential Integrity',
	description: 'Every key exists in the reference table connected to the second input',
	properties: [
		{ displayName: 'Key Column', name: 'referenceKey', type: 'string', default: '', placeholder: 'id_web' },
		{ displayName: 'Column in Reference Table', name: 'referenceColumn', type: 'string', default: '', placeholder: 'sku' },
	],
	async run(input) {
		const key = findColumn(input.table, input.parameters.referenceKey as string);
		const reference = await input.reference();
		const target = findColumn(reference, input.parameters.referenceColumn as string);
		// Keys compared by their written form, as Merge Tables does: 15298 meets "15298".
		const text = (ref: string) => `trim(CAST(${ref} AS VARCHAR))`;
		const where =
			`${quoteIdentifier(key.name)} IS NOT NULL AND ${text(quoteIdentifier(key.name))} NOT IN ` +
			`(SELECT ${text(quoteIdentifier(target.name))} FROM ${reference.relation} WHERE ${quoteIdentifier(target.name)} IS NOT NULL)`;
		return rowLevel(input, where, [], `every ${key.name} in ${reference.label}.${target.name}`);
	},
};
