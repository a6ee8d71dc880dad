import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { createReadStream } from 'node:fs';

export const MIME = {
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv',
};

/** A scratch file handed to n8n's binary store as a stream: no base64 copy of a big report. */
export async function attachFile(ctx: IExecuteFunctions, path: string, fileName: string, mimeType: string): Promise<IBinaryData> {
	return ctx.helpers.prepareBinaryData(createReadStream(path), fileName, mimeType);
}
