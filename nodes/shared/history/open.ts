import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { basename, dirname, join } from 'node:path';
import { allowedFolder } from '../files/access';
import { ParameterReader } from '../parameters';
import { openDuckDbHistory } from './duckdbFile';
import { openPostgresHistory } from './postgres';
import type { PostgresConnection } from './postgres';
import type { HistoryStore } from './types';
import { HistoryStoreError, PERIOD_PATTERN } from './types';

export const HISTORY_FILE_CREDENTIAL = 'salesHistoryFile';
/** n8n's own Postgres credential type, the one users already have. */
export const POSTGRES_CREDENTIAL = 'postgres';

/** History Storage's choices; openHistoryStore reads the value back as one of them. */
const HISTORY_STORAGE_OPTIONS = [
	{
		name: 'File (DuckDB)',
		value: 'file',
		description: "One database file on this n8n's disk: for one n8n process",
	},
	{
		name: 'Postgres',
		value: 'postgres',
		description:
			'A Postgres database, through an n8n Postgres credential: for queue mode with several workers',
	},
] as const satisfies readonly INodePropertyOptions[];

/** The History Storage field, and the two credentials it chooses between, for every node that reads or writes the history. */
export const HISTORY_STORAGE_FIELD: INodeProperties = {
	displayName: 'History Storage',
	name: 'historyStorage',
	type: 'options',
	options: [...HISTORY_STORAGE_OPTIONS],
	default: 'file',
};

/** The store the node's History Storage names, from its credential; a store error becomes a NodeOperationError. */
export async function openHistoryStore(ctx: IExecuteFunctions): Promise<HistoryStore> {
	const storage = new ParameterReader(ctx).choice(
		'historyStorage',
		HISTORY_STORAGE_OPTIONS.map((option) => option.value),
		'file',
	);
	try {
		if (storage === 'postgres')
			return await openPostgresHistory(
				await ctx.getCredentials<PostgresConnection>(POSTGRES_CREDENTIAL),
			);
		const { path, lockWaitSeconds } = await ctx.getCredentials<{
			path: string;
			lockWaitSeconds?: number;
		}>(HISTORY_FILE_CREDENTIAL);
		if (!path?.trim()) {
			throw new NodeOperationError(
				ctx.getNode(),
				'The Sales History File credential names no file',
				{
					description:
						'Set its History File, e.g. /home/node/.n8n-files/history/sales-history.duckdb.',
				},
			);
		}
		const folder = await allowedFolder(ctx, dirname(path.trim()), 'keep the sales history');
		return await openDuckDbHistory(join(folder, basename(path.trim())), {
			lockWaitMs: (lockWaitSeconds ?? 30) * 1000,
		});
	} catch (error) {
		throw historyError(ctx, error);
	}
}

/** A HistoryStoreError as the NodeOperationError a person reads; anything else as it is. */
export function historyError(ctx: IExecuteFunctions, error: unknown): Error {
	if (error instanceof HistoryStoreError)
		return new NodeOperationError(ctx.getNode(), error.message, { description: error.fix });
	return error as Error;
}

/** What to write in a period field, for every node that asks for one. */
export const PERIOD_HINT =
	"Give the month as YYYY-MM, e.g. 2026-10, or an expression such as {{ $('Config').first().json.period }}.";

/** A period field's value, `YYYY-MM`; an empty or malformed one is refused, never taken as "now" or "everything". */
export function periodFrom(ctx: IExecuteFunctions, field: string, label: string): string {
	const value = new ParameterReader(ctx).trimmed(field);
	if (!PERIOD_PATTERN.test(value)) {
		throw new NodeOperationError(
			ctx.getNode(),
			value ? `${label} "${value}" is not a month` : `No ${label.toLowerCase()} given`,
			{
				description: PERIOD_HINT,
			},
		);
	}
	return value;
}

/** The month `months` before `period` (YYYY-MM). */
export function monthsBefore(period: string, months: number): string {
	const [year, month] = period.split('-').map(Number);
	const index = year * 12 + (month - 1) - months;
	return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The credential dialog's Test for a Sales History File: the file opens (or is created) as a
 * history store. Every node naming the credential declares it (n8n tests with the first one).
 */
export async function historyFileCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const path = String(credential.data?.path ?? '').trim();
	if (!path) return { status: 'Error', message: 'No History File given' };
	try {
		const store = await openDuckDbHistory(path, { lockWaitMs: 2000 });
		const periods = (await store.runs()).length;
		await store.close();
		return { status: 'OK', message: `${store.description}: ${periods} month(s) recorded` };
	} catch (error) {
		return {
			status: 'Error',
			message:
				error instanceof HistoryStoreError
					? `${error.message} ${error.fix}`
					: (error as Error).message,
		};
	}
}
