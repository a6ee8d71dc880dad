import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { allowedFolder } from '../shared/files/access';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { isTableBinary } from '../shared/table/types';
import { SUMMARY_MODE } from './description';
import { composeMessage } from './message';
import { readSaveReportFilesParameters } from './parameters';
import type { SaveReportFilesParameters } from './parameters';
import { knownLocale, localeField } from '../shared/reports/locale';
import { runSummary, upstreamNodes } from '../shared/reports/summary';

/** Evaluated by the editor to draw one input per group of files. Must stay self-contained. */
const configuredInputs = (parameters: INodeParameters) =>
	Array.from({ length: Number(parameters.numberInputs) || 1 }, (_, index) => ({
		type: 'main',
		displayName: `Files ${index + 1}`,
	}));

interface Pending {
	key: string;
	fileName: string;
	temporary: string;
	final: string;
	data?: IBinaryData;
}

export class SaveReportFiles implements INodeType {
	static readonly summaryFields = {
		folder: 'The folder the files were saved in',
		files: 'The path of every file saved, the summary file included',
		summary: 'The summary written as the summary file, when Summary is not None',
		message: 'The Slack and email messages composed from the summary, when there is one',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		displayName: 'Save Report Files',
		name: 'saveReportFiles',
		icon: { light: 'file:saveReportFiles.svg', dark: 'file:saveReportFiles.dark.svg' },
		group: ['output'],
		// Version 2 builds the summary from the run by default; version 1 nodes (saved workflows
		// whose Summary JSON is an expression) keep Custom JSON as their default, see summaryMode.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["folder"] ? "into " + $parameter["folder"] : "no folder set" }}',
		description: 'Save the report files into a folder all at once: every file complete, or none',
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
				description:
					'Connect each node whose files are to be saved (e.g. Revenue, and both outputs of Premium Score)',
			},
			{
				displayName: 'Folder',
				name: 'folder',
				type: 'string',
				default: '',
				placeholder: '/home/node/.n8n-files/reports',
			},
			{
				displayName: 'Binary Properties',
				name: 'properties',
				type: 'string',
				default: '',
				placeholder: 'report, csv',
				description:
					'Comma-separated properties to save. Empty: every file except the Parquet tables passed between Sales Analytics nodes.',
			},
			// n8n saves a parameter left at its default as absent, and drops a hidden one: with "run"
			// as the only default, a saved version 1 node would lose its Summary JSON expression.
			// Each version therefore has its own default; the choices are the same.
			{ ...SUMMARY_MODE, default: 'custom', displayOptions: { show: { '@version': [1] } } },
			{
				...SUMMARY_MODE,
				default: 'run',
				displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'EUR',
				displayOptions: { show: { summaryMode: ['run'] } },
				description: 'Shown beside the revenue. Empty: the currency the Revenue node used.',
			},
			{
				...localeField('the Slack and email messages'),
				displayOptions: { hide: { summaryMode: ['none'] } },
			},
			{
				displayName: 'Summary JSON',
				name: 'summary',
				type: 'json',
				default: '',
				displayOptions: { show: { summaryMode: ['custom'] } },
				description:
					'One JSON object, written as the summary file; the messages are composed from its period, currency, figures, checks and topPremium. Empty: no summary.',
			},
			{
				displayName: 'Summary File Name',
				name: 'summaryFileName',
				type: 'string',
				default: 'summary.json',
				displayOptions: { hide: { summaryMode: ['none'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return [[await saveReports(this)]];
		} catch (caught) {
			// Given a NodeOperationError, the constructor returns it unchanged.
			const error = new NodeOperationError(this.getNode(), caught as Error);
			if (this.continueOnFail())
				return [
					[
						{
							json: { error: error.message, description: error.description ?? '' },
							pairedItem: { item: 0 },
						},
					],
				];
			throw error;
		}
	}
}

/** Writes every file, or none: a failure removes what this run began and leaves earlier reports as they were. */
async function saveReports(ctx: IExecuteFunctions): Promise<INodeExecutionData> {
	const parameters = readSaveReportFilesParameters(ctx);
	const folder = await allowedFolder(ctx, parameters.folder, 'save the reports in');
	const summary = chosenSummary(ctx, parameters);
	const locale = summary ? knownLocale(ctx, parameters.locale) : '';

	const pending: Pending[] = [];
	const taken = new Set<string>();
	const stage = (fileName: string, data?: IBinaryData) => {
		const safeName = basename(fileName);
		if (taken.has(safeName.toLowerCase())) {
			throw new NodeOperationError(ctx.getNode(), `Two files are named ${safeName}`, {
				description: 'Give each report file its own name in the node that creates it.',
			});
		}
		taken.add(safeName.toLowerCase());
		const key = safeName.replace(/\.[^.]+$/, '').replace(/\W+/g, '_');
		pending.push({
			key,
			fileName: safeName,
			temporary: join(folder, `.${safeName}.${randomBytes(6).toString('hex')}.partial`),
			final: join(folder, safeName),
			data,
		});
	};
	for (let input = 0; input < parameters.numberInputs; input++) {
		for (const item of ctx.getInputData(input)) {
			for (const [property, data] of Object.entries(item.binary ?? {})) {
				if (
					parameters.properties.length
						? !parameters.properties.includes(property)
						: isTableBinary(item, data)
				)
					continue;
				stage(data.fileName ?? `${property}.bin`, data);
			}
		}
	}
	if (summary) stage(parameters.summaryFileName);
	if (!pending.length) {
		throw new NodeOperationError(ctx.getNode(), 'No file to save', {
			description: 'Connect the nodes that create report files, or check "Binary Properties".',
		});
	}
	// Settled, not all: a cleanup failure (e.g. the folder is a file) must not hide why the save failed.
	const removeTemporaries = () =>
		Promise.allSettled(pending.map((file) => rm(file.temporary, { force: true })));

	// Every file is written under a hidden temporary name first; only when all are complete
	// are they renamed into place, so a failure leaves no half-written report behind.
	try {
		await mkdir(folder, { recursive: true });
		await removeAbandonedTemporaries(folder);
		for (const file of pending) {
			if (file.data)
				await pipeline(
					await binaryStream(ctx, file.data),
					createWriteStream(file.temporary, { flags: 'wx' }),
				);
			else await writeFile(file.temporary, JSON.stringify(summary, null, 2) + '\n', { flag: 'wx' });
			const handle = await open(file.temporary, 'r');
			await handle.sync();
			await handle.close();
		}
	} catch (error) {
		await removeTemporaries();
		throw new NodeOperationError(ctx.getNode(), `Could not write the reports to ${folder}`, {
			description: `${(error as Error).message}. Check that the folder exists or can be created, has free space, and that n8n may write there. No report file was changed.`,
		});
	}
	const renamed: string[] = [];
	try {
		for (const file of pending) {
			await rename(file.temporary, file.final);
			renamed.push(file.fileName);
		}
	} catch (error) {
		await removeTemporaries();
		throw new NodeOperationError(ctx.getNode(), `Could not put the reports in place in ${folder}`, {
			description: `${(error as Error).message}. ${renamed.length ? `Already replaced by this run: ${renamed.join(', ')}; the other files kept their earlier version.` : 'No report file was changed.'} Check that n8n may replace files in the folder, then run again.`,
		});
	}

	const binary: Record<string, IBinaryData> = {};
	for (const file of pending) if (file.data) binary[file.key] = file.data;
	const saved = pending.filter((file) => file.data);
	const json: SummaryFigures<typeof SaveReportFiles.summaryFields> = {
		folder,
		files: pending.map((file) => file.final),
		...(summary && {
			summary,
			message: composeMessage(summary, folder, {
				locale,
				// A chart saved with the report shows in the email body (the Send Email node's inline attachment of that name).
				images: saved
					.filter((file) => /\.png$/i.test(file.fileName))
					.map((file) => ({ cid: file.key, alt: `Chart: ${file.fileName}` })),
				files: saved.map((file) => file.fileName),
			}),
		}),
	};
	return { json, binary, pairedItem: { item: 0 } };
}

/** The summary to write and compose the messages from, as the Summary setting asks. */
function chosenSummary(
	ctx: IExecuteFunctions,
	parameters: SaveReportFilesParameters,
): IDataObject | undefined {
	if (parameters.summaryMode === 'custom') return customSummary(ctx, parameters.summary);
	if (parameters.summaryMode === 'none') return undefined;
	const summary = runSummary(upstreamNodes(ctx), parameters.currency);
	if (!summary) {
		ctx.addExecutionHints({
			message:
				'No Sales Analytics node runs before this one, so no summary was written. Set Summary to Custom JSON to give one, or to None.',
			location: 'outputPane',
		});
	}
	return summary;
}

/** The Summary JSON parameter's value (`raw`): nothing when empty, otherwise exactly one JSON object. */
function customSummary(ctx: IExecuteFunctions, raw: unknown): IDataObject | undefined {
	// An expression that finds nothing (e.g. statistics read from Rows-mode items) gives no summary.
	if (raw === undefined || raw === null) return undefined;
	let value = raw;
	if (typeof raw === 'string') {
		if (!raw.trim()) return undefined;
		try {
			value = JSON.parse(raw);
		} catch (error) {
			const message = (error as Error).message;
			// V8 words some errors ("Unexpected token …") without a position: find it then.
			const position = Number(/at position (\d+)/.exec(message)?.[1] ?? jsonErrorPosition(raw));
			const before = raw.slice(0, position).split('\n');
			throw new NodeOperationError(
				ctx.getNode(),
				`Summary JSON is not valid JSON: error at position ${position} (line ${before.length}, column ${before[before.length - 1].length + 1})`,
				{
					description: `${message}. Correct the text or expression of "Summary JSON" so that it gives one JSON object, e.g. {"period": "2026-10"}.`,
				},
			);
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		const kind =
			value === null || value === undefined
				? String(value)
				: Array.isArray(value)
					? 'an array'
					: `a ${typeof value}`;
		throw new NodeOperationError(ctx.getNode(), `Summary JSON must be a JSON object, not ${kind}`, {
			description:
				'Give one object such as {"period": "2026-10", "figures": {…}}: it is written as the summary file, and the messages are composed from it.',
		});
	}
	return value as IDataObject;
}

/** Offset of the first character that is not valid JSON: where a strict parser gives up. */
function jsonErrorPosition(text: string): number {
	const lexeme =
		/[ \t\n\r]*("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,])/y;
	const tokens: Array<{ text: string; at: number }> = [];
	for (let match = lexeme.exec(text); match; match = lexeme.exec(text))
		tokens.push({ text: match[1], at: lexeme.lastIndex - match[1].length });
	// The last token stands for the end of the text, or the first character no JSON token starts with.
	const end = /[ \t\n\r]*/y;
	end.lastIndex = tokens.length
		? tokens[tokens.length - 1].at + tokens[tokens.length - 1].text.length
		: 0;
	end.exec(text);
	tokens.push({ text: '', at: end.lastIndex });

	let i = 0;
	const accept = () => {
		i++;
		return true;
	};
	const value = (): boolean => {
		const open = tokens[i].text;
		if (open !== '{' && open !== '[') return '{}[]:,'.includes(open) ? false : accept(); // '' (the end) is included too
		const close = open === '{' ? '}' : ']';
		i++;
		if (tokens[i].text === close) return accept();
		for (;;) {
			if (close === '}') {
				if (!tokens[i].text.startsWith('"')) return false;
				i++;
				if (tokens[i].text !== ':') return false;
				i++;
			}
			if (!value()) return false;
			if (tokens[i].text === close) return accept();
			if (tokens[i].text !== ',') return false;
			i++;
		}
	};
	value();
	return tokens[i].at;
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
