import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Limits for the DuckDB engine shared by every Sales Analytics node in an n8n process. Optional:
 * without it, nodes use DEFAULT_MEMORY_LIMIT (nodes/shared/duckdb.ts, 1GB) and all cores.
 */
export class SalesAnalyticsEngine implements ICredentialType {
	name = 'salesAnalyticsEngine';

	displayName = 'Sales Analytics Engine Settings (optional)';

	icon = {
		light: 'file:salesAnalyticsEngine.svg',
		dark: 'file:salesAnalyticsEngine.dark.svg',
	} as const;

	// The README section that says what the nodes do without this credential.
	documentationUrl =
		'https://www.npmjs.com/package/n8n-nodes-sales-analytics#one-duckdb-per-n8n-process-one-connection-per-node-execution';

	properties: INodeProperties[] = [
		{
			displayName: 'Memory Limit',
			name: 'memoryLimit',
			type: 'string',
			default: '',
			placeholder: '4GB',
			description:
				'Most memory DuckDB may hold in this n8n process, for all Sales Analytics nodes together, e.g. 4GB or 50% of the machine. Bigger work spills to temporary files. Empty, or without this credential: 1GB per n8n process.',
		},
		{
			displayName: 'Threads',
			name: 'threads',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 256 },
			default: 0,
			description:
				'CPU threads DuckDB may use in this n8n process. 0 = all cores, as without this credential.',
		},
	];
}
