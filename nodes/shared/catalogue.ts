import type { INodeProperties } from 'n8n-workflow';

/** A catalogue entry (a Clean step, a check kind): a value to pick and the fields it brings. */
export interface CatalogueEntry {
	value: string;
	name: string;
	description: string;
	properties: INodeProperties[];
}

/** The picker listing every entry, for the `selector` field of a fixedCollection row. */
export function catalogueOptions(entries: CatalogueEntry[]) {
	return entries.map((entry) => ({
		name: entry.name,
		value: entry.value,
		description: entry.description,
	}));
}

/** Every entry's fields, each shown only when its entry is picked in `selector` (Merge v3's displayOptions pattern). */
export function scopedFields(entries: CatalogueEntry[], selector: string): INodeProperties[] {
	return entries.flatMap((entry) =>
		entry.properties.map((property) => ({
			...property,
			displayOptions: {
				...property.displayOptions,
				show: { ...property.displayOptions?.show, [selector]: [entry.value] },
			},
		})),
	);
}
