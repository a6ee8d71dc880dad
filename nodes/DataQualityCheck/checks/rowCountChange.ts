import {
	figureField,
	figureOf,
	OWN_ROWS_HINT,
	ownRowsFigure,
	periodField,
	periodOf,
	recordedBefore,
} from './history';
import type { CheckKind } from './types';
import { isBlank, numberFrom } from './types';

const lastPeriod = { show: { changeReferenceFrom: ['lastPeriod'] } };

export const rowCountChange: CheckKind = {
	value: 'rowCountChange',
	name: 'Row Count Change',
	description: "The row count is within ±X % of a reference (last month's count, for example)",
	properties: [
		{
			displayName: 'Reference',
			name: 'changeReferenceFrom',
			type: 'options',
			default: 'fixed',
			options: [
				{ name: 'A Fixed Number', value: 'fixed', description: 'A row count or an expression' },
				{
					name: 'Last Recorded Period',
					value: 'lastPeriod',
					description: 'The figure of the latest period recorded in the history before Period',
				},
			],
		},
		{
			displayName: 'Reference Row Count',
			name: 'changeReference',
			type: 'string',
			default: '',
			placeholder: '={{ $json.last_month_rows }}',
			description: 'Empty skips the check',
			displayOptions: { show: { changeReferenceFrom: ['fixed'] } },
		},
		{ ...periodField('changePeriod'), displayOptions: lastPeriod },
		{
			...figureField('changeFigure', 'e.g. check_erp_rows', OWN_ROWS_HINT),
			displayOptions: lastPeriod,
		},
		{
			displayName: 'Allowed Change (%)',
			name: 'changePercent',
			type: 'number',
			default: 10,
			typeOptions: { minValue: 0 },
		},
	],
	async run(input) {
		const { changeReference, changePercent, changeReferenceFrom } = input.parameters;
		let reference: number;
		let source = '';
		if (changeReferenceFrom === 'lastPeriod') {
			const period = periodOf(input, 'changePeriod');
			const figure = figureOf(input, 'changeFigure', ownRowsFigure(input.nodeName));
			const last = (await recordedBefore(input, figure, period)).at(-1);
			if (!last)
				return {
					passed: true,
					observed: input.table.rows,
					expected: null,
					skipped: `no ${figure} recorded before ${period}`,
				};
			reference = last.value;
			source = ` (${figure} of ${last.period})`;
		} else {
			if (isBlank(changeReference))
				return {
					passed: true,
					observed: input.table.rows,
					expected: null,
					skipped: 'no reference row count given',
				};
			reference = numberFrom(input, 'Reference Row Count', changeReference);
		}
		const allowed = numberFrom(input, 'Allowed Change (%)', changePercent);
		const { formats } = input;
		const change =
			reference === 0
				? input.table.rows === 0
					? 0
					: Infinity
				: ((input.table.rows - reference) / reference) * 100;
		return {
			passed: Math.abs(change) <= allowed,
			observed: `${formats.count(input.table.rows)} rows (${change >= 0 ? '+' : '-'}${Number.isFinite(change) ? formats.number(Math.abs(change), 1) : '∞'} %)`,
			expected: `${formats.count(reference)} ± ${formats.number(allowed)} %${source}`,
		};
	},
};
