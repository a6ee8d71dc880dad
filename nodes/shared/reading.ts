import type { IDataObject } from 'n8n-workflow';
import { numberFormats } from './reports/format';
import type { Column } from './table/types';

/**
 * Figures as a person reads them in an output panel, a summary sentence or a message: counts
 * with thousands separators, money to the cent with its currency, other decimals rounded. Exact
 * values stay in a node's `statistics`; these are for reading only.
 */

/** An output panel's money: en-US digits, the currency code after them (reports/format.ts rounds exactly, from the text). */
const PANEL = numberFormats('en-US');

/** 1513 → "1,513". */
export function countText(value: number): string {
	return value.toLocaleString('en');
}

/** A decimal rounded for reading (28.105952380952427 → 28.11); null stays null. */
export function rounded(value: number | null | undefined, digits = 2): number | null {
	if (value === null || value === undefined || !Number.isFinite(value)) return null;
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

/** A share from 0 to 1 as a percentage: 0.10685 → "10.7 %". */
export function percentText(share: number | null | undefined): string {
	const value = rounded(share === null || share === undefined ? null : share * 100, 1);
	return value === null ? '—' : `${value} %`;
}

/**
 * An exact decimal amount (DuckDB's DECIMAL as text, e.g. "70568.6" or "-5.1") with thousands
 * separators, two decimals and the currency: "70,568.60 EUR". Read as text, never as a float, so
 * no cent is lost on the way.
 */
export function moneyText(amount: string | number | null | undefined, currency = ''): string {
	const text = PANEL.money(amount);
	return currency && text !== '—' ? `${text} ${currency}` : text;
}

const IDENTIFYING =
	/^(id|.*[_ ]id|id[_ ].*|sku|ean|gtin|upc|ref|reference|code|product_code|.*title|name|.*[_ ]name|label|designation|libelle|désignation|libellé)$/i;

/**
 * The columns that say which row a person is looking at (ids, sku, titles, names), plus `also`
 * (the figures the row was picked for), in table order. A top product shown with its 37 columns,
 * `guid` and `post_content_filtered` included, hides what matters.
 */
export function identifyingColumns(columns: Column[], also: string[] = []): Column[] {
	const wanted = new Set(also.map((name) => name.toLowerCase()));
	const picked = columns.filter(
		(column) => IDENTIFYING.test(column.name) || wanted.has(column.name.toLowerCase()),
	);
	return picked.length ? picked : columns.slice(0, 5);
}

/** Columns that name a product for a person (WooCommerce's post_title, a name, a French libellé...). */
const LABEL_COLUMN =
	/^(post_title|title|name|product_name|product|label|designation|désignation|libelle|libellé)$/i;

export function isLabelColumn(name: string): boolean {
	return LABEL_COLUMN.test(name);
}

/**
 * How a person names a row: its label column, else its sku, else its first value, leaving out
 * the `skip` columns (the figures shown beside the name). Undefined when nothing is left.
 */
export function rowLabel(row: IDataObject, skip: string[] = []): string | undefined {
	const usable = Object.keys(row).filter(
		(key) => !skip.includes(key) && row[key] !== null && row[key] !== undefined && row[key] !== '',
	);
	const key = usable.find(isLabelColumn) ?? usable.find((name) => /^sku$/i.test(name)) ?? usable[0];
	return key === undefined ? undefined : String(row[key]);
}
