import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Where the Sales History node and the history checks keep every recorded month when they use
 * the embedded store: one DuckDB database file. With queue mode and several workers, use n8n's
 * Postgres credential instead (one writing process per DuckDB file).
 */
export class SalesHistoryFile implements ICredentialType {
	name = 'salesHistoryFile';

	displayName = 'Sales History File';

	icon = { light: 'file:salesHistoryFile.svg', dark: 'file:salesHistoryFile.dark.svg' } as const;

	documentationUrl =
		'https://www.npmjs.com/package/n8n-nodes-sales-analytics#month-over-month-history';

	properties: INodeProperties[] = [
		{
			displayName: 'History File',
			name: 'path',
			type: 'string',
			default: '',
			required: true,
			placeholder: '/home/node/.n8n-files/history/sales-history.duckdb',
			description:
				'The DuckDB database file that keeps every recorded month, created on first use. It must be inside the folders n8n may use (N8N_RESTRICT_FILE_ACCESS_TO). One n8n process writes it at a time: in queue mode with several workers, store the history in Postgres.',
		},
		{
			displayName: 'Wait for the File (Seconds)',
			name: 'lockWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600 },
			default: 30,
			description:
				'How long to wait while another process (another n8n, or `npm run report`) has the file open before giving up',
		},
	];
}
