import { castColumns } from './castColumns';
import { deduplicate } from './deduplicate';
import { dropMissing } from './dropMissing';
import { filterRows } from './filterRows';
import { trimText } from './trimText';
import type { CleanStep } from './types';

export type { CleanStep } from './types';

/** The catalogue: a new step is one file plus one entry here. */
export const CLEAN_STEPS: CleanStep[] = [
	dropMissing,
	trimText,
	castColumns,
	filterRows,
	deduplicate,
];

export function findStep(value: string | undefined): CleanStep | undefined {
	return CLEAN_STEPS.find((step) => step.value === value);
}
