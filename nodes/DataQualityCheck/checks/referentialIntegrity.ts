import { keyText } from '../../shared/keys';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { CheckKind } from './types';
import { rowLevel } from './types';

export const referentialIntegrity: CheckKind = {
	value: 'referentialIntegrity',
	name: 'Referential Integrity',
	description:
		'Every key exists in the reference table connected to the second input, matched as Merge Tables matches keys; an empty key counts as missing',
	properties: [
		{
			displayName: 'Key Column',
			name: 'referenceKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. id_web',
			...COLUMN_FIELD,
		},
		{
			displayName: 'Column in Reference Table',
			name: 'referenceColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. sku',
			...COLUMN_FIELD,
		},
	],
	async run(input) {
		const key = findColumn(input.table, input.parameters.referenceKey ?? '');
		const reference = await input.reference();
		const target = findColumn(reference, input.parameters.referenceColumn ?? '');
		// Keys compared as Merge Tables compares them; a row without a key has no partner either.
		const keyed = keyText(key);
		const where =
			`(${keyed} IS NULL OR ${keyed} NOT IN ` +
			`(SELECT reference_key FROM (SELECT ${keyText(target)} AS reference_key FROM ${reference.relation}) WHERE reference_key IS NOT NULL))`;
		return rowLevel(input, where, [], `every ${key.name} in ${reference.label}.${target.name}`);
	},
};
