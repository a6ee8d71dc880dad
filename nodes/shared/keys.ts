/**
 * The one rule for comparing key columns, shared by Merge Tables (its "As Text" comparison) and
 * the Data Quality Check's Referential Integrity, so a key the check finds is a key the join
 * meets. Keys of any DuckDB type become text, decided case by case:
 *
 * - Numbers (BIGINT, DOUBLE, DECIMAL…) are written without a zero fraction: BIGINT 15298,
 *   DOUBLE 15298.0 and DECIMAL 15298.00 are all "15298"; DOUBLE 1e3 is "1000"; DECIMAL 12.50
 *   is "12.5", as DOUBLE 12.5 is. A DOUBLE too large to hold every digit (from 1e16) keeps
 *   DuckDB's exponent form, "1e+16": no id that long survives a DOUBLE anyway.
 * - Text is compared as written after trimming spaces (DuckDB's trim: Unicode spaces, so the
 *   no-break spaces of French exports too, not tabs or line breaks): " 15298 " is "15298",
 *   "bon-cadeau-25-euros" stays itself. Leading zeros are kept: product codes with them are
 *   distinct identifiers, so "0015298" does not meet 15298. "1e3" is text, not 1000.
 * - One exception for text: a whole number with a zero fraction, "15298.0", loses it, as
 *   spreadsheets and float exports write ids that way; "12.50" stays as written.
 * - Other types (DATE, BOOLEAN, UUID…) compare by DuckDB's text form: DATE 2026-11-29 meets
 *   "2026-11-29".
 * - NULL, and text that is empty once trimmed, is no key: it meets nothing, not even another
 *   NULL or blank, so Merge Tables leaves it unmatched and the check reports it missing.
 * - Letter case counts unless `ignoreCase` (Merge Tables' "Ignore Case in Keys").
 */
import { quoteIdentifier } from './sql';
import { isNumeric, isWholeNumber } from './table';
import type { Column } from './table';

/** Merge Tables' options; the Referential Integrity check uses none. */
export interface KeyOptions {
	/** The alias the column is read through, e.g. `l` for the left side of a join. */
	alias?: string;
	ignoreCase?: boolean;
}

// Zeros ending a number's fraction, and the point when nothing is left of it.
const FRACTION_ZEROS = `'(\\.[0-9]*[1-9])0+$|\\.0+$'`;
const WHOLE_WITH_ZERO_FRACTION = `'^(-?[0-9]+)\\.0+$'`;

/** SQL for a key column's normalised text: equal texts are matching keys, NULL matches nothing. */
export function keyText(column: Column, options: KeyOptions = {}): string {
	const ref = `${options.alias ? `${options.alias}.` : ''}${quoteIdentifier(column.name)}`;
	let text: string;
	if (!isNumeric(column))
		text = `nullif(regexp_replace(trim(CAST(${ref} AS VARCHAR)), ${WHOLE_WITH_ZERO_FRACTION}, '\\1'), '')`;
	else if (isWholeNumber(column)) text = `CAST(${ref} AS VARCHAR)`;
	else text = `regexp_replace(CAST(${ref} AS VARCHAR), ${FRACTION_ZEROS}, '\\1')`;
	return options.ignoreCase ? `lower(${text})` : text;
}
