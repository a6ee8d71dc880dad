import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import type { CastType } from './steps/castColumns';
import type { DedupStrategy } from './steps/deduplicate';
import type { MissingScope } from './steps/dropMissing';
import type { FilterOperator } from './steps/filterRows';

/**
 * The fields of one Cleaning Steps entry. An entry holds only its own step type's fields, and
 * n8n may leave out one at its default, hence `Partial`. The values are not checked on reading:
 * each step refuses a value it cannot use with its position and name ("Step 2 (Remove Duplicates): …").
 */
export interface CleanStepFields {
	/** One of the catalogue's step values (CLEAN_STEPS); an unknown one stops the run. */
	stepType: string;
	missingScope: MissingScope;
	missingColumns: string;
	blankIsMissing: boolean;
	trimColumns: string;
	emptyToNull: boolean;
	castColumns: string;
	castType: CastType;
	castScale: number;
	castDecimalComma: boolean;
	onCastError: 'fail' | 'null';
	filterColumn: string;
	filterOperator: FilterOperator;
	filterValue: string;
	dedupKeys: string;
	dedupStrategy: DedupStrategy;
	dedupOrderColumn: string;
	dedupCompareColumns: string;
}

export type CleanStepParameters = Partial<CleanStepFields>;

export interface CleanParameters {
	/** The steps from top to bottom. */
	steps: CleanStepParameters[];
}

export function readCleanParameters(ctx: IExecuteFunctions): CleanParameters {
	const reader = new ParameterReader(ctx);
	return { steps: reader.entries<CleanStepFields>('steps.step') };
}
