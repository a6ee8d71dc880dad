import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { allowedFolder } from '../shared/files/access';
import { failedItem } from '../shared/table';
import { formatOfFile, readableExtensions } from '../shared/table/formats';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { loadExportsProperties } from './description';
import { readLoadSalesExportsParameters } from './parameters';

interface Candidate {
	fileName: string;
	/** Reads the file only once it is chosen. */
	open(): Promise<IBinaryData>;
}

export class LoadSalesExports implements INodeType {
	/** No summary sentence: these are the fields its one item carries, beside the export files. */
	static readonly summaryFields = {
		source: 'Where the exports were read from: "the uploaded files" or "folder <path>"',
		files: 'The file chosen for each export, by export name',
		expected: 'The reference figures of the Expected Figures File, by name ({} without one)',
		expectedFile: 'The Expected Figures File read, or null when there was none',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		displayName: 'Load Sales Exports',
		name: 'loadSalesExports',
		icon: { light: 'file:loadSalesExports.svg', dark: 'file:loadSalesExports.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle:
			'={{ $parameter["source"] === "upload" ? "from the upload" : $parameter["folder"] || "uploaded files or folder" }}',
		description: "Read the month's export files (xlsx, csv…) from a folder or an upload",
		defaults: { name: 'Load Sales Exports' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: loadExportsProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return [[await loadExports(this)]];
		} catch (error) {
			const nodeError =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(
							this.getNode(),
							`Could not load the exports: ${(error as Error)?.message ?? String(error)}`,
							{
								description:
									'Check that the export files still exist and n8n may read them, then run the node again.',
							},
						);
			// As the table nodes do: with Continue On Fail the error is the node's one item, never a half-filled one.
			if (this.continueOnFail()) return [[failedItem(nodeError)]];
			throw nodeError;
		}
	}
}

async function loadExports(ctx: IExecuteFunctions): Promise<INodeExecutionData> {
	const items = ctx.getInputData();
	const {
		source,
		folder: folderSetting,
		wanted,
		expectedName,
	} = readLoadSalesExportsParameters(ctx);
	const uploaded = uploadedFiles(items);
	const useUpload = source === 'upload' || (source === 'auto' && uploaded.length > 0);
	let where: string;
	let candidates: Candidate[];
	if (useUpload) {
		where = 'the uploaded files';
		candidates = uploaded;
	} else {
		const folder = await allowedFolder(ctx, folderSetting, 'read the exports from');
		where = `folder ${folder}`;
		candidates = await folderFiles(ctx, folder);
	}

	const binary: Record<string, IBinaryData> = {};
	const files: IDataObject = {};
	// Any file a table node can read is an export, but the reference figures file is not.
	const isExpected = (c: Candidate) => c.fileName.toLowerCase() === expectedName.toLowerCase();
	const exportsOnly = candidates.filter((c) => formatOfFile(c.fileName)?.read && !isExpected(c));
	for (const { name, match } of wanted) {
		const found = exportsOnly.filter((c) =>
			c.fileName.toLowerCase().includes(match.trim().toLowerCase()),
		);
		const seen = exportsOnly.map((c) => c.fileName).join(', ') || `no ${readableExtensions()} file`;
		if (found.length !== 1) {
			throw new NodeOperationError(
				ctx.getNode(),
				found.length
					? `Several files in ${where} match "${match}" for the ${name} export`
					: `No file in ${where} matches "${match}" for the ${name} export`,
				{
					description: `Files found: ${seen}. Give each export a file name that contains its word (${wanted.map((w) => w.match).join(', ')}), once.`,
				},
			);
		}
		binary[name] = await found[0].open();
		files[name] = found[0].fileName;
	}

	const expectedFile = expectedName ? candidates.find(isExpected) : undefined;
	let expected: IDataObject = {};
	if (expectedFile) {
		const data = await expectedFile.open();
		// Stored binaries are read through n8n's store; inline ones (memory mode) carry base64.
		const bytes = data.id
			? await ctx.helpers.binaryToBuffer(await ctx.helpers.getBinaryStream(data.id))
			: Buffer.from(data.data, 'base64');
		const text = bytes.toString('utf8');
		try {
			expected = JSON.parse(text) as IDataObject;
		} catch (error) {
			throw new NodeOperationError(
				ctx.getNode(),
				`${expectedFile.fileName} is not valid JSON (${(error as Error).message})`,
				{
					description:
						'Fix the file, e.g. {"erp_rows": 825, "revenue_total": "70568.60"}, or remove it to skip those checks.',
				},
			);
		}
		if (!expected || typeof expected !== 'object' || Array.isArray(expected)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`${expectedFile.fileName} must hold one JSON object of figures`,
				{
					description: 'For example {"erp_rows": 825, "merged_rows": 714}.',
				},
			);
		}
	}
	const json: SummaryFigures<typeof LoadSalesExports.summaryFields> = {
		source: where,
		files,
		expected,
		expectedFile: expectedFile?.fileName ?? null,
	};
	return { json, binary, pairedItem: { item: 0 } };
}

/** Files on the incoming items (a multipart webhook upload puts one per form field). */
function uploadedFiles(items: INodeExecutionData[]): Candidate[] {
	return items.flatMap((item) =>
		Object.entries(item.binary ?? {}).map(([property, data]) => ({
			fileName: data.fileName ?? property,
			open: async () => data,
		})),
	);
}

async function folderFiles(ctx: IExecuteFunctions, folder: string): Promise<Candidate[]> {
	let names: string[];
	try {
		names = (await readdir(folder, { withFileTypes: true }))
			.filter((e) => e.isFile())
			.map((e) => e.name)
			.sort();
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Cannot read the folder ${folder}`, {
			description: `${(error as Error).message}. Check that the folder exists and n8n may read it.`,
		});
	}
	return names.map((fileName) => ({
		fileName,
		open: async () => {
			const path = await ctx.helpers.resolvePath(join(folder, fileName));
			const mime = formatOfFile(fileName)?.mimeTypes[0];
			return ctx.helpers.prepareBinaryData(
				await ctx.helpers.createReadStream(path),
				fileName,
				mime,
			);
		},
	}));
}
