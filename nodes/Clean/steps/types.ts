import type { IDataObject } from 'n8n-workflow';
import type { CatalogueEntry } from '../../shared/catalogue';
import type { DuckSession, SqlValue } from '../../shared/duckdb';
import type { Table } from '../../shared/table';
import type { CleanStepParameters } from '../parameters';

export interface StepInput {
	session: DuckSession;
	table: Table;
	parameters: CleanStepParameters;
	/** Ends the run with a message naming this step; `hint` says how to fix it. */
	fail(message: string, hint: string): never;
}

export interface StepQuery {
	/** A SELECT over `table.relation` that yields the cleaned rows. */
	select: string;
	params?: SqlValue[];
	/** Extra figures for the summary (e.g. duplicates found). */
	details?: IDataObject;
}

/** One cleaning step: its canvas fields and the SQL it runs. Add a step by adding a file. */
export interface CleanStep extends CatalogueEntry {
	/** Plain words for the summary, figures and warnings, e.g. "remove duplicate sku (keep highest total_sales)". */
	label(parameters: CleanStepParameters): string;
	/** What the summary says after the count of rows removed, e.g. "without sku dropped"; "removed by <label>" if absent. */
	removed?(parameters: CleanStepParameters): string;
	build(input: StepInput): Promise<StepQuery>;
}
