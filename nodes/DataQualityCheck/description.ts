import type { INodeProperties } from 'n8n-workflow';
import { catalogueOptions, scopedFields } from '../shared/catalogue';
import { HISTORY_STORAGE_FIELD } from '../shared/history/open';
import { localeField } from '../shared/reports/locale';
import { tableInputProperties, tableOutputProperties } from '../shared/table';
import { CHECK_KINDS } from './checks';

const FAILURE_OPTIONS = [
	{
		name: 'Stop the Workflow',
		value: 'stop',
		description: 'Stop with an error that lists every failing check',
	},
	{
		name: 'Send to the Failed Output',
		value: 'route',
		description:
			'The report goes to the Failed output; the Passed output stays empty, so the success path does not run',
	},
] as const;

/** What a failing error check does: the values of When an Error Check Fails. */
export const FAILURE_ACTIONS = FAILURE_OPTIONS.map((option) => option.value);

const NO_HISTORY = {
	name: 'None',
	value: 'none',
	description: 'No check compares with the history',
} as const;

/** None, then the stores of the shared History Storage field (File (DuckDB), Postgres). */
export const HISTORY_STORAGES = [NO_HISTORY.value, 'file', 'postgres'] as const;

export const qualityProperties: INodeProperties[] = [
	...tableInputProperties,
	{
		displayName: 'Checks',
		name: 'checks',
		type: 'fixedCollection',
		placeholder: 'Add Check',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description:
			'Each check is run on the input table; expected values accept expressions, and an empty one skips its check',
		options: [
			{
				displayName: 'Check',
				name: 'check',
				values: [
					{
						displayName: 'Name',
						name: 'checkName',
						type: 'string',
						default: '',
						placeholder: 'ERP has 825 rows',
						description: 'Shown in the report and in alerts',
					},
					{
						displayName: 'Check Type',
						name: 'checkType',
						type: 'options',
						default: 'rowCount',
						options: catalogueOptions(CHECK_KINDS),
					},
					{
						displayName: 'Severity',
						name: 'severity',
						type: 'options',
						default: 'error',
						options: [
							{ name: 'Error (Fails the Run)', value: 'error' },
							{ name: 'Warning (Reported Only)', value: 'warning' },
						],
					},
					...scopedFields(CHECK_KINDS, 'checkType'),
				],
			},
		],
	},
	{
		displayName: 'When an Error Check Fails',
		name: 'onFailure',
		type: 'options',
		default: 'stop',
		description: 'Warnings never stop the run: they are only reported',
		options: [...FAILURE_OPTIONS],
	},
	{
		...HISTORY_STORAGE_FIELD,
		// None by default: no credential is asked of a node without history checks.
		options: [NO_HISTORY, ...(HISTORY_STORAGE_FIELD.options ?? [])],
		default: 'none',
		description:
			'Where the month-over-month history is kept, for Volume Anomaly, Revenue Anomaly and Row Count Change against the last recorded period',
	},
	localeField("the checks' observed and expected values"),
	{
		displayName:
			'Referential-integrity checks compare with the table connected to the second input (Reference)',
		name: 'referenceNotice',
		type: 'notice',
		default: '',
	},
	...tableOutputProperties('checked.parquet'),
];
