import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import { anomalyCheck, anomalyFields, figureOf, moneyMeasure } from './history';
import type { CheckKind } from './types';
import { isBlank } from './types';

/** The figure Save Report Files records Revenue's total under. */
const REVENUE_FIGURE = 'revenue_total';

export const revenueAnomaly: CheckKind = {
	value: 'revenueAnomaly',
	name: 'Revenue Anomaly',
	description:
		'The total of a revenue column is within the usual range of the recorded periods (z-score against their mean and standard deviation)',
	properties: [
		{
			displayName: 'Revenue Column',
			name: 'revenueAnomalyColumn',
			type: 'string',
			default: 'revenue',
			placeholder: 'e.g. revenue',
			...COLUMN_FIELD,
		},
		...anomalyFields('revenueAnomaly', {
			placeholder: REVENUE_FIGURE,
			hint: `Empty: ${REVENUE_FIGURE}, the revenue Save Report Files records`,
		}),
	],
	async run(input) {
		const name = input.parameters.revenueAnomalyColumn;
		const column = findColumn(input.table, isBlank(name) ? 'revenue' : String(name));
		// Summed as DECIMAL: the total is exact to the cent, as Revenue's own.
		const total = String(
			await input.session.value(
				`SELECT CAST(coalesce(sum(try_cast(${quoteIdentifier(column.name)} AS DECIMAL(38,2))), 0) AS DECIMAL(38,2))::VARCHAR FROM ${input.table.relation}`,
			),
		);
		const figure = figureOf(input, 'revenueAnomalyFigure', REVENUE_FIGURE);
		return await anomalyCheck(
			input,
			'revenueAnomaly',
			figure,
			Number(total),
			moneyMeasure(input.formats, total),
		);
	},
};
