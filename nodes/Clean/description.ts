import type { INodeProperties } from 'n8n-workflow';
import { tableInputProperties, tableOutputProperties } from '../shared/table';
import { catalogueOptions, scopedFields } from '../shared/catalogue';
import { CLEAN_STEPS } from './steps';

export const cleanProperties: INodeProperties[] = [
	...tableInputProperties,
	{
		displayName: 'Cleaning Steps',
		name: 'steps',
		type: 'fixedCollection',
		placeholder: 'Add Step',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description: 'Steps run from top to bottom; drag them to change the order',
		options: [
			{
				displayName: 'Step',
				name: 'step',
				values: [
					{
						displayName: 'Step Type',
						name: 'stepType',
						type: 'options',
						default: 'dropMissing',
						options: catalogueOptions(CLEAN_STEPS),
					},
					...scopedFields(CLEAN_STEPS, 'stepType'),
				],
			},
		],
	},
	...tableOutputProperties('clean.parquet'),
];
