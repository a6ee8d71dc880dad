import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import type { CsvStyle } from '../shared/table/formats/csv';
import { DEVIATIONS, METHODS } from './description';
import type { ScorePlan } from './sql';

interface CsvOptions {
	premiumFileName: string;
	ordinaryFileName: string;
	style: CsvStyle;
	formulaSafe: boolean;
	binaryPropertyName: string;
}

export interface PremiumScoreParameters {
	scoreColumn: string;
	method: ScorePlan['method'];
	/** Not checked here: the node refuses one outside 0 to 100 (NaN too) once the score column is found. */
	threshold: number;
	deviation: ScorePlan['deviation'];
	/** Checked like the threshold. */
	k: number;
	scoreName: string;
	createCsv: boolean;
	csv: CsvOptions;
}

export function readPremiumScoreParameters(ctx: IExecuteFunctions): PremiumScoreParameters {
	const reader = new ParameterReader(ctx);
	// Read as text, not with reader.number: a limit that is no number still gets the node's own
	// message ("Threshold NaN is not usable") with the range it expects.
	const limit = (name: string, fallback: number) => Number(reader.text(name, String(fallback)));
	const csv = reader.collection<CsvOptions>('csvOptions');
	return {
		scoreColumn: reader.text('scoreColumn'),
		method: reader.choice('method', METHODS, 'zscore'),
		threshold: limit('threshold', 2),
		deviation: reader.choice('deviation', DEVIATIONS, 'population'),
		k: limit('iqrK', 1.5),
		scoreName: reader.trimmed('scoreName', 'premium_score') || 'premium_score',
		createCsv: reader.flag('createCsv'),
		csv: {
			premiumFileName: csv.premiumFileName?.trim() || 'vins_premium.csv',
			ordinaryFileName: csv.ordinaryFileName?.trim() || 'vins_ordinaires.csv',
			style: csv.style ?? 'standard',
			formulaSafe: csv.formulaSafe !== false,
			binaryPropertyName: csv.binaryPropertyName?.trim() || 'csv',
		},
	};
}
