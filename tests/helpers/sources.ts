/** Test-only source nodes: they start a workflow with files or JSON items, as n8n's own nodes would. */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { createReadStream, rmSync } from 'node:fs';
import { basename } from 'node:path';

const MIME: Record<string, string> = {
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv',
	parquet: 'application/vnd.apache.parquet',
	json: 'application/json',
};

function sourceDescription(name: string, listParameter: string): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['trigger'],
		version: 1,
		description: 'test source',
		defaults: { name },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: listParameter, name: listParameter, type: 'json', default: '[]' }],
	};
}

/**
 * Files stored through n8n's binary data service. Files under different properties share an
 * item (like a multipart webhook upload); files under the same property get an item each
 * (like Read Files from Disk).
 */
export class TestFiles implements INodeType {
	description = sourceDescription('test.files', 'files');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const files = this.getNodeParameter('files', 0) as Array<{
			path: string;
			property?: string;
			fileName?: string;
		}>;
		const items: INodeExecutionData[] = [];
		for (const file of files) {
			const fileName = file.fileName ?? basename(file.path);
			const extension = fileName.split('.').pop()!.toLowerCase();
			const data = await this.helpers.prepareBinaryData(
				createReadStream(file.path),
				fileName,
				MIME[extension] ?? 'application/octet-stream',
			);
			const property = file.property ?? 'data';
			const item = items.find((candidate) => !candidate.binary?.[property]);
			if (item) item.binary![property] = data;
			else items.push({ json: {}, binary: { [property]: data } });
		}
		return [items];
	}
}

/** Emits the JSON items given in its `items` parameter. */
export class TestItems implements INodeType {
	description = sourceDescription('test.items', 'items');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const rows = this.getNodeParameter('items', 0) as INodeExecutionData['json'][];
		return [rows.map((json) => ({ json }))];
	}
}

/** Deletes the stored bytes of one binary property of the items it passes on: a storage fault on demand. */
export class TestLoseBinary implements INodeType {
	description = sourceDescription('test.loseBinary', 'property');

	constructor() {
		this.description.inputs = [NodeConnectionTypes.Main];
		this.description.group = ['transform'];
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const property = this.getNodeParameter('property', 0) as string;
		const items = this.getInputData();
		for (const item of items) {
			const data = item.binary?.[property];
			if (data?.id) rmSync(this.helpers.getBinaryPath(data.id), { force: true });
		}
		return [items];
	}
}
