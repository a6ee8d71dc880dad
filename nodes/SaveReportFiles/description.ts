import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const summaryModeOptions = [
	{
		name: 'Built From This Run',
		value: 'run',
		description:
			'Period, figures, every check and the top premium products, read from the Sales Analytics nodes before this one',
	},
	{
		name: 'Custom JSON',
		value: 'custom',
		description: 'One JSON object of your own, e.g. from an expression',
	},
	{
		name: 'None',
		value: 'none',
		description: 'Save the files only: no summary file and no messages',
	},
] as const satisfies readonly INodePropertyOptions[];

/** The values Summary offers. */
export const SUMMARY_MODES = summaryModeOptions.map((option) => option.value);
export type SummaryMode = (typeof SUMMARY_MODES)[number];

/** The Summary field; each node version gives it its own default (see the node's properties). */
export const SUMMARY_MODE: INodeProperties = {
	displayName: 'Summary',
	name: 'summaryMode',
	type: 'options',
	noDataExpression: true,
	default: 'run',
	options: [...summaryModeOptions],
	description:
		'What to write as the summary file and hand on as "summary", with the Slack and email messages composed from it as "message"',
};
