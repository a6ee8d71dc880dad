import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import { SUMMARY_MODES } from './description';
import type { SummaryMode } from './description';

export interface SaveReportFilesParameters {
	/** As typed; checked as a folder n8n may write in where the files are saved. */
	folder: string;
	numberInputs: number;
	/** Binary Properties, split and trimmed: empty for every file but the tables passed between nodes. */
	properties: string[];
	summaryMode: SummaryMode;
	/** Built From This Run's currency, as typed: '' for the one Revenue used. */
	currency: string;
	/**
	 * Summary JSON as n8n gives it: text, or what an expression evaluated to (an object, or
	 * anything else, which is refused as not an object where the summary is made).
	 */
	summary: unknown;
	summaryFileName: string;
	/** Trimmed, '' for en-US; checked only when there is a summary to compose messages from. */
	locale: string;
}

export function readSaveReportFilesParameters(ctx: IExecuteFunctions): SaveReportFilesParameters {
	const reader = new ParameterReader(ctx);
	return {
		folder: reader.text('folder'),
		numberInputs: reader.number('numberInputs', 1),
		properties: reader
			.text('properties')
			.split(',')
			.map((property) => property.trim())
			.filter(Boolean),
		// Each node version has its own default (version 1 nodes keep Custom JSON).
		summaryMode: reader.choice(
			'summaryMode',
			SUMMARY_MODES,
			ctx.getNode().typeVersion >= 2 ? 'run' : 'custom',
		),
		currency: reader.text('currency'),
		// Not text only: an expression may give the object itself.
		summary: reader.json('summary'),
		summaryFileName: reader.trimmed('summaryFileName', 'summary.json') || 'summary.json',
		locale: reader.trimmed('locale'),
	};
}
