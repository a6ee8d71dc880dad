import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** Limits for the DuckDB engine inside every Sales Analytics node. Optional: without it DuckDB's defaults apply. */
export class SalesAnalyticsEngine implements ICredentialType {
	name = 'salesAnalyticsEngine';

	displayName = 'Sales Analytics Engine Settings';

	icon = { light: 'file:salesAnalyticsEngine.svg', dark: 'file:salesAnalyticsEngine.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-sales-analytics';

	properties: INodeProperties[] = [
		{
			displayName: 'Memory Limit',
			name: 'memoryLimit',
			type: 'string',
			default: '',
			placeholder: '4GB',
			description:
				'Most memory one node may use, e.g. 2GB or 50%. Bigger work spills to temporary files. Empty: 80% of the machine.',
		},
		{
			displayName: 'Threads',
			name: 'threads',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 256 },
			default: 0,
			description: 'CPU threads one node may use. 0: all cores.',
		},
	];
}
