import type { IDataObject } from 'n8n-workflow';
import type { CatalogueEntry } from '../../shared/catalogue';
import type { DuckSession, SqlValue } from '../../shared/duckdb';
import type { PeriodRun } from '../../shared/history/types';
import type { NumberFormats } from '../../shared/reports/format';
import { findColumns, rowsToJson } from '../../shared/table';
import type { Column, Table } from '../../shared/table';
import type { CheckParameters } from '../parameters';

export interface CheckInput {
	session: DuckSession;
	table: Table;
	/** The second input, loaded on first use (referential integrity). */
	reference(): Promise<Table>;
	/** Every recorded period of the node's History Storage, oldest first, loaded once per execution on first use. */
	history(): Promise<PeriodRun[]>;
	/** The node's Locale, for figures a person reads in observed and expected ("1 406,2" in fr-FR). */
	formats: NumberFormats;
	/** The node's name: Save Report Files records this table's row count under it. */
	nodeName: string;
	parameters: CheckParameters;
	/** A check that cannot run (unknown column, bad regex, bad SQL): a configuration error naming the check. */
	misconfigured(message: string, hint: string): never;
}

export interface CheckOutcome {
	passed: boolean;
	observed: unknown;
	expected: unknown;
	/** Row-level checks: how many rows break the rule, and a few of them. */
	failingRows?: number;
	samples?: IDataObject[];
	/** Set when the check did not run: its expected value is empty, or the history is too short. */
	skipped?: string;
}

/** One kind of check: its fields on the canvas and the SQL that decides it. Add a kind by adding a file. */
export interface CheckKind extends CatalogueEntry {
	run(input: CheckInput): Promise<CheckOutcome>;
}

/** Bad rows of a row-level rule: `where` selects the rows that break it. */
export async function rowLevel(
	input: CheckInput,
	where: string,
	params: SqlValue[],
	expected: unknown,
): Promise<CheckOutcome> {
	const { session, table } = input;
	const failingRows = await session.count(
		`SELECT count(*) FROM ${table.relation} WHERE ${where}`,
		params,
	);
	const samples = failingRows
		? rowsToJson(
				await session.rows(
					`SELECT * FROM ${table.relation} WHERE ${where} ORDER BY ${table.order} LIMIT 5`,
					params,
				),
			)
		: [];
	return {
		passed: failingRows === 0,
		observed: `${failingRows} failing row(s)`,
		expected,
		failingRows,
		samples,
	};
}

/** Empty means "not configured this month": the check is skipped and says so. */
export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || String(value).trim() === '';
}

export function numberFrom(input: CheckInput, label: string, value: unknown): number {
	const number = typeof value === 'number' ? value : Number(String(value).trim().replace(',', '.'));
	if (!Number.isFinite(number))
		input.misconfigured(
			`${label} "${String(value)}" is not a number`,
			`Enter a number such as 825 or 70568.60 for ${label}.`,
		);
	return number;
}

/** The columns a check names; none at all is a configuration error with an example. */
export function requiredColumns(
	input: CheckInput,
	text: string | undefined,
	example: string,
): Column[] {
	const columns = findColumns(input.table, text);
	if (!columns.length)
		input.misconfigured('no column given', `List the columns to check, e.g. "${example}".`);
	return columns;
}
