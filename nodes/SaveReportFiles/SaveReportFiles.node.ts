import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { allowedFolder } from '../shared/files/access';
import { isTableBinary } from '../shared/table/types';

/** Evaluated by the editor to draw one input per group of files. Must stay self-contained. */
const configuredInputs = (parameters: INodeParameters) =>
	Array.from({ length: (parameters.numberInputs as number) || 1 }, (_, index) => ({ type: 'main', displayName: `Files ${index + 1}` }));

interface Pending {
	key: string;
	fileName: string;
	temporary: string;
	final: string;
	data?: IBinaryData;
}

export class SaveReportFiles implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Save Report Files',
		name: 'saveReportFiles',
		icon: { light: 'file:saveReportFiles.svg', dark: 'file:saveReportFiles.dark.svg' },
		usableAsTool: true,
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["folder"] }}',
		description: 'Writes the report files of the run into a folder all at once: every file appears complete, or none does',
		defaults: { name: 'Save Report Files' },
		inputs: `={{(${configuredInputs})($parameter)}}`,
		// Saving part of a report is worse than saving none: every input must bring its files.
		requiredInputs: '={{ $parameter["numberInputs"] || 1 }}',
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Number of Inputs',
				name: 'numberInputs',
				type: 'options',
				noDataExpression: true,
				default: 1,
				options: [1, 2, 3, 4, 5].map((n) => ({ name: `${n}`, value: n })),
				description: 'Connect each node whose files are to be saved (e.g. Revenue, and both outputs of Premium Score)',
			},
			{ displayName: 'Folder', name: 'folder', type: 'string', default: '', placeholder: '/home/node/.n8n-files/reports' },
			{
				displayName: 'Binary Properties',
				name: 'properties',
				type: 'string',
				default: '',
				placeholder: 'report, csv',
				description: 'Comma-separated properties to save. Empty: every file except the Parquet tables passed between Sales Analytics nodes.',
			},
			{
				displayName: 'Summary JSON',
				name: 'summary',
				type: 'json',
				default: '',
				description: 'Optional: written as summary.json with the files, and handed on as "summary"',
			},
			{ displayName: 'Summary File Name', name: 'summaryFileName', type: 'string', default: 'summary.json' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const folder = await allowedFolder(this, this.getNodeParameter('folder', 0) as string, 'save the reports in');
		const inputCount = Number(this.getNodeParameter('numberInputs', 0, 1));
		const wanted = (this.getNodeParameter('properties', 0, '') as string).split(',').map((p) => p.trim()).filter(Boolean);
		const summaryRaw = this.getNodeParameter('summary', 0, '') as string | IDataObject;
		const summary = typeof summaryRaw === 'string' ? (summaryRaw.trim() ? (JSON.parse(summaryRaw) as IDataObject) : undefined) : summaryRaw;

		const pending: Pending[] = [];
		const taken = new Set<string>();
		const stage = (fileName: string, data?: IBinaryData) => {
			const safeName = basename(fileName);
			if (taken.has(safeName.toLowerCase())) {
				throw new NodeOperationError(this.getNode(), `Two files are named ${safeName}`, { description: 'Give each report file its own name in the node that creates it.' });
			}
			taken.add(safeName.toLowerCase());
			const key = safeName.replace(/\.[^.]+$/, '').replace(/\W+/g, '_');
			pending.push({ key, fileName: safeName, temporary: join(folder, `.${safeName}.${randomBytes(6).toString('hex')}.partial`), final: join(folder, safeName), data });
		};
		for (let input = 0; input < inputCount; input++) {
			for (const item of this.getInputData(input)) {
				for (const [property, data] of Object.entries(item.binary ?? {})) {
					if (wanted.length ? !wanted.includes(property) : isTableBinary(item, data)) continue;
					stage(data.fileName ?? `${property}.bin`, data);
				}
			}
		}
		const summaryName = (this.getNodeParameter('summaryFileName', 0, 'summary.json') as string).trim() || 'summary.json';
		if (summary) stage(summaryName);
		if (!pending.length) {
			throw new NodeOperationError(this.getNode(), 'No file to save', { description: 'Connect the nodes that create report files, or check "Binary Properties".' });
		}

		// Every file is written under a hidden temporary name first; only when all are complete
		// are they renamed into place, so a failure leaves no half-written report behind.
		try {
			await mkdir(folder, { recursive: true });
			await removeAbandonedTemporaries(folder);
			for (const file of pending) {
				if (file.data) await pipeline(await binaryStream(this, file.data), createWriteStream(file.temporary, { flags: 'wx' }));
				else await writeFile(file.temporary, JSON.stringify(summary, null, 2) + '\n', { flag: 'wx' });
				const handle = await open(file.temporary, 'r');
				await handle.sync();
				await handle.close();
			}
		} catch (error) {
			await Promise.all(pending.map((file) => rm(file.temporary, { force: true })));
			throw new NodeOperationError(this.getNode(), `Could not write the reports to ${folder}`, {
				description: `${(error as Error).message}. Check that the folder exists or can be created, has free space, and that n8n may write there. No report file was changed.`,
			});
		}
		for (const file of pending) await rename(file.temporary, file.final);

		const binary: Record<string, IBinaryData> = {};
		for (const file of pending) if (file.data) binary[file.key] = file.data;
		const json: IDataObject = { folder, files: pending.map((file) => file.final) };
		if (summary) json.summary = summary;
		return [[{ json, binary, pairedItem: { item: 0 } }]];
	}
}

async function binaryStream(ctx: IExecuteFunctions, data: IBinaryData) {
	if (data.id) return ctx.helpers.getBinaryStream(data.id);
	return Readable.from(Buffer.from(data.data, 'base64'));
}

const TEMPORARY = /^\..+\.[0-9a-f]{12}\.partial$/;
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** Temporaries of a run that was killed mid-save; recent ones may belong to a save running now. */
async function removeAbandonedTemporaries(folder: string): Promise<void> {
	for (const name of await readdir(folder)) {
		if (!TEMPORARY.test(name)) continue;
		const path = join(folder, name);
		const info = await stat(path).catch(() => undefined);
		if (info && Date.now() - info.mtimeMs > ABANDONED_AFTER_MS) await rm(path, { force: true });
	}
}
