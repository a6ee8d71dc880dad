import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isOutOfMemory, withSession } from '../duckdb';
import type { DuckSession, EngineLimits } from '../duckdb';
import { ColumnNotFoundError } from './columns';
import { readOutputSettings, TableEmitter } from './emit';
import { TableLoader } from './load';
import { ENGINE_CREDENTIAL, TABLE_MARKER } from './types';
import { StepClock } from './clock';

export * from './clock';
export * from './columns';
export * from './description';
export type { EmitRequest } from './emit';
export * from './types';
export { rowsToJson } from './values';

export interface TableWork {
	session: DuckSession;
	loader: TableLoader;
	emitter: TableEmitter;
	clock: StepClock;
}

/**
 * The frame every node runs in: a private DuckDB session, the shared loader and emitter,
 * and errors turned into messages a user can act on. Returns one item list per output, plus the
 * Preview output of a node whose outputs come from tableNodeOutputs (`previewOutput`), in Table mode.
 */
export async function runTableNode(
	ctx: IExecuteFunctions,
	outputCount: number,
	work: (tables: TableWork) => Promise<INodeExecutionData[][]>,
	{ previewOutput = false } = {},
): Promise<INodeExecutionData[][]> {
	const withPreview = previewOutput && readOutputSettings(ctx).mode === 'table';
	try {
		const clock = new StepClock();
		const outputs = await withSession(
			{ ...(await engineLimits(ctx)), confined: true },
			async (session) => {
				const emitter = new TableEmitter(ctx, session, clock);
				const data = await work({
					session,
					clock,
					loader: new TableLoader(ctx, session, clock),
					emitter,
				});
				return withPreview ? [...data, emitter.previewItems()] : data;
			},
		);
		const timings = clock.timings();
		for (const item of outputs.flat())
			if (item.json.tableFormat === TABLE_MARKER) item.json.timings = { ...timings };
		return outputs;
	} catch (error) {
		const nodeError = toNodeError(ctx, error);
		const count = outputCount + (withPreview ? 1 : 0);
		if (ctx.continueOnFail())
			return Array.from({ length: count }, (_, index) =>
				index === 0 ? [failedItem(nodeError)] : [],
			);
		throw nodeError;
	}
}

/** The one item a node hands on in place of its output when "Continue On Fail" is set. */
export function failedItem(nodeError: NodeOperationError): INodeExecutionData {
	return {
		json: { error: nodeError.message, description: nodeError.description ?? '' },
		pairedItem: { item: 0 },
	};
}

/** The optional engine-settings credential; nodes work without one. */
async function engineLimits(ctx: IExecuteFunctions): Promise<EngineLimits> {
	const hasCredential = Boolean(ctx.getNode().credentials?.[ENGINE_CREDENTIAL]);
	if (!hasCredential) return {};
	const settings = await ctx.getCredentials<{ memoryLimit?: string; threads?: number }>(
		ENGINE_CREDENTIAL,
	);
	const memoryLimit = settings.memoryLimit?.trim();
	if (memoryLimit && !/^\d+(\.\d+)?\s*(%|[KMGT]i?B)$/i.test(memoryLimit)) {
		throw new NodeOperationError(ctx.getNode(), `Memory limit "${memoryLimit}" is not a size`, {
			description:
				'Use a size such as 512MB, 4GB or 50% in the Sales Analytics Engine Settings credential.',
		});
	}
	return { memoryLimit, threads: settings.threads || undefined };
}

export function toNodeError(ctx: IExecuteFunctions, error: unknown): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof ColumnNotFoundError) {
		return new NodeOperationError(ctx.getNode(), error.message, { description: error.hint });
	}
	const message = (error as Error)?.message ?? String(error);
	if (isOutOfMemory(error)) {
		return new NodeOperationError(ctx.getNode(), 'DuckDB ran out of its memory limit', {
			description: `${message.split('\n')[0]}. Raise the memory limit in the Sales Analytics engine settings, or use Table output so less data is held at once.`,
		});
	}
	return new NodeOperationError(
		ctx.getNode(),
		`DuckDB could not run this step: ${message.split('\n')[0]}`,
		{
			description:
				'Check the column names and values in the node settings against the input table.',
		},
	);
}
