import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import { SOURCES } from './description';

/** One export to find: the binary property it is handed on under, and a word of its file name. */
export interface WantedExport {
	name: string;
	match: string;
}

export interface LoadSalesExportsParameters {
	source: (typeof SOURCES)[number];
	/** As typed: the folder check reads it. */
	folder: string;
	/** The exports whose name and word are both filled in; an entry left half empty is ignored. */
	wanted: WantedExport[];
	expectedName: string;
}

export function readLoadSalesExportsParameters(ctx: IExecuteFunctions): LoadSalesExportsParameters {
	const reader = new ParameterReader(ctx);
	return {
		source: reader.choice('source', SOURCES, 'auto'),
		folder: reader.text('folder'),
		wanted: reader
			.entries<WantedExport>('exports.export')
			.filter((entry): entry is WantedExport => Boolean(entry.name?.trim() && entry.match?.trim())),
		expectedName: reader.trimmed('expectedFile'),
	};
}
