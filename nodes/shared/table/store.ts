import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { TableFileFormat } from './formats';

/**
 * Puts a scratch file into n8n's binary store (filesystem, database or S3, whatever the
 * instance uses) as a stream: no base64 copy of a big table or report is ever made. In
 * `database` mode (queue mode's default) n8n reads the stream into one buffer and refuses a
 * file over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: that refusal is turned into a message
 * naming the setting and the way around it.
 */
export async function storeFile(
	ctx: IExecuteFunctions,
	path: string,
	fileName: string,
	format: TableFileFormat,
): Promise<IBinaryData> {
	const file = createReadStream(path);
	return await ctx.helpers
		.prepareBinaryData(file, fileName, format.mimeTypes[0])
		.catch(async (error: Error) => {
			// A store that gave up may not have read the file to its end: close it now.
			file.destroy();
			return await Promise.reject(
				isOverStoreLimit(error) ? await overStoreLimit(ctx, path, fileName, error) : error,
			);
		});
}

/** n8n-core's FileTooLargeError, by name or by its message (the class is not exported to nodes). */
function isOverStoreLimit(error: Error): boolean {
	return (
		error?.constructor?.name === 'FileTooLargeError' ||
		/exceeds the max size limit .*`database` mode/.test(error?.message ?? '')
	);
}

async function overStoreLimit(
	ctx: IExecuteFunctions,
	path: string,
	fileName: string,
	error: Error,
): Promise<NodeOperationError> {
	const megabytes = Math.round((await stat(path)).size / 2 ** 20);
	const limit = /limit of (\d+) MB/.exec(error.message)?.[1];
	return new NodeOperationError(
		ctx.getNode(),
		`${fileName} (${megabytes} MB) is over the size n8n stores in its database${limit ? ` (${limit} MB)` : ''}`,
		{
			description:
				'In queue mode n8n keeps files in its database, up to N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE MiB (512 by default, 1024 at most): raise it on the main instance and every worker, or keep fewer rows or columns before this node (a Clean Table filter, Group By), or store binary data in S3 (N8N_DEFAULT_BINARY_DATA_MODE=s3).',
		},
	);
}
