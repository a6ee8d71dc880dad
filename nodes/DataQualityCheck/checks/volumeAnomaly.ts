import {
	anomalyCheck,
	anomalyFields,
	figureOf,
	OWN_ROWS_HINT,
	ownRowsFigure,
	rowsMeasure,
} from './history';
import type { CheckKind } from './types';

export const volumeAnomaly: CheckKind = {
	value: 'volumeAnomaly',
	name: 'Volume Anomaly',
	description:
		'The row count is within the usual range of the recorded periods (z-score against their mean and standard deviation)',
	properties: anomalyFields('volumeAnomaly', {
		placeholder: 'e.g. check_erp_rows',
		hint: OWN_ROWS_HINT,
	}),
	async run(input) {
		const figure = figureOf(input, 'volumeAnomalyFigure', ownRowsFigure(input.nodeName));
		const rows = input.table.rows;
		return await anomalyCheck(
			input,
			'volumeAnomaly',
			figure,
			rows,
			rowsMeasure(input.formats, rows),
		);
	},
};
