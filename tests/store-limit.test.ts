import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { parquet } from '../nodes/shared/table/formats';
import { storeFile } from '../nodes/shared/table/store';

const dir = mkdtempSync(join(tmpdir(), 'store-limit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** n8n-core's own error, as its database binary-data manager throws it (message copied from n8n 2.41's FileTooLargeError). */
class FileTooLargeError extends Error {}

function context(refusal: Error): IExecuteFunctions {
	return {
		getNode: () => ({
			name: 'Merge Exports',
			type: 'test',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			id: '1',
		}),
		// As n8n's database manager does: the whole stream read into a buffer, then the refusal.
		helpers: {
			prepareBinaryData: async (stream: Readable) => {
				for await (const chunk of stream) void chunk;
				return await Promise.reject(refusal);
			},
		},
	} as unknown as IExecuteFunctions;
}

describe("a table over n8n's binary store limit (database mode, queue mode's default)", () => {
	test('is refused with the setting to raise and the ways around it', async () => {
		const path = join(dir, 'table.parquet');
		writeFileSync(path, Buffer.alloc(3 * 2 ** 20));
		const refusal = new FileTooLargeError(
			'Failed to write binary file "Merge_Exports.parquet" (x) because its size of 612.5 MB exceeds the max size limit of 512 MB set for `database` mode. Consider increasing `N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE` up to 1 GB, or using S3 storage mode if you require writes larger than 1 GB.',
		);
		const error = await storeFile(context(refusal), path, 'Merge_Exports.parquet', parquet).then(
			() => assert.fail('stored'),
			(reason: unknown) => reason,
		);
		assert.ok(error instanceof NodeOperationError);
		assert.equal(
			error.message,
			'Merge_Exports.parquet (3 MB) is over the size n8n stores in its database (512 MB)',
		);
		assert.match(error.description ?? '', /N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/);
		assert.match(error.description ?? '', /every worker/);
	});

	test('any other failure of the store is left as it is', async () => {
		const path = join(dir, 'other.parquet');
		writeFileSync(path, 'x');
		const refusal = new Error('disk full');
		await assert.rejects(
			storeFile(context(refusal), path, 'other.parquet', parquet),
			(error) => error === refusal,
		);
	});
});
