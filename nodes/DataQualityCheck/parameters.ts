import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import type { AnomalyKind, Direction } from './checks/history';
import type { RowCountMode } from './checks/rowCount';
import { FAILURE_ACTIONS, HISTORY_STORAGES } from './description';

/** The fields anomalyFields makes for each anomaly kind: volumeAnomalyPeriod, revenueAnomalySensitivity… */
type AnomalyCheckFields = { [K in AnomalyKind as `${K}Period` | `${K}Figure`]: string } & {
	[K in AnomalyKind as `${K}Periods` | `${K}MinPeriods` | `${K}Sensitivity`]: number;
} & { [K in AnomalyKind as `${K}Direction`]: Direction };

/**
 * The fields of one Checks entry. An entry holds only its own kind's fields, and n8n may leave out
 * one at its default, hence `Partial`. The values are not checked on reading: each kind refuses a
 * value it cannot use as a misconfiguration naming the check. Expected values accept expressions,
 * which may give numbers.
 */
export type CheckFields = AnomalyCheckFields & {
	checkName: string;
	/** One of the catalogue's kinds (CHECK_KINDS); an unknown one stops the run. */
	checkType: string;
	severity: 'error' | 'warning';
	rowCountMode: RowCountMode;
	rowCountExpected: string | number;
	rowCountMax: string | number;
	notNullColumns: string;
	uniqueColumns: string;
	rangeColumn: string;
	rangeMin: string | number;
	rangeMax: string | number;
	rangeInclusive: boolean;
	regexColumn: string;
	regexPattern: string;
	acceptedColumn: string;
	acceptedList: string;
	aggregateColumn: string;
	aggregateFunction: 'sum' | 'mean';
	aggregateExpected: string | number;
	aggregateTolerance: number;
	aggregateDecimals: number;
	freshnessColumn: string;
	freshnessMaxAge: string | number;
	freshnessUnit: 'hours' | 'days';
	freshnessNow: string;
	referenceKey: string;
	referenceColumn: string;
	schemaColumns: string;
	changeReferenceFrom: 'fixed' | 'lastPeriod';
	changeReference: string | number;
	changePeriod: string;
	changeFigure: string;
	changePercent: number;
	revenueAnomalyColumn: string;
	sqlCondition: string;
};

export type CheckParameters = Partial<CheckFields>;

export interface DataQualityCheckParameters {
	historyStorage: (typeof HISTORY_STORAGES)[number];
	/** The checks from top to bottom. */
	checks: CheckParameters[];
	onFailure: (typeof FAILURE_ACTIONS)[number];
}

/** The node's own fields; the Locale is read by readLocale, the history store's credential by openHistoryStore. */
export function readDataQualityCheckParameters(ctx: IExecuteFunctions): DataQualityCheckParameters {
	const reader = new ParameterReader(ctx);
	return {
		historyStorage: reader.choice('historyStorage', HISTORY_STORAGES, 'none'),
		checks: reader.entries<CheckFields>('checks.check'),
		onFailure: reader.choice('onFailure', FAILURE_ACTIONS, 'stop'),
	};
}
