import { acceptedValues } from './acceptedValues';
import { aggregateEquals } from './aggregateEquals';
import { customSql } from './customSql';
import { expectedSchema } from './expectedSchema';
import { freshness } from './freshness';
import { notNull } from './notNull';
import { referentialIntegrity } from './referentialIntegrity';
import { regexMatch } from './regexMatch';
import { revenueAnomaly } from './revenueAnomaly';
import { rowCount } from './rowCount';
import { rowCountChange } from './rowCountChange';
import type { CheckKind } from './types';
import { unique } from './unique';
import { valueRange } from './valueRange';
import { volumeAnomaly } from './volumeAnomaly';

export type { CheckKind, CheckOutcome } from './types';

/** The catalogue: a new kind of check is one file plus one entry here. */
export const CHECK_KINDS: CheckKind[] = [
	rowCount,
	notNull,
	unique,
	valueRange,
	regexMatch,
	acceptedValues,
	aggregateEquals,
	freshness,
	referentialIntegrity,
	expectedSchema,
	rowCountChange,
	volumeAnomaly,
	revenueAnomaly,
	customSql,
];

export function findCheckKind(value: string | undefined): CheckKind | undefined {
	return CHECK_KINDS.find((kind) => kind.value === value);
}
