import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { createReadStream } from 'node:fs';
import type { TableFileFormat } from './formats';

/**
 * Puts a scratch file into n8n's binary store (filesystem, database or S3, whatever the
 * instance uses) as a stream: no base64 copy of a big table or report is ever made.
 */
export async function storeFile(ctx: IExecuteFunctions, path: string, fileName: string, format: TableFileFormat): Promise<IBinaryData> {
	return await ctx.helpers.prepareBinaryData(createReadStream(path), fileName, format.mimeTypes[0]);
}
