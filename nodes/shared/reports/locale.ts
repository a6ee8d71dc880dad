import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { ParameterReader } from '../parameters';
import { localeProblem } from './format';

/** The Locale field of every node that writes figures for people; `what` says where they show. */
export function localeField(what: string): INodeProperties {
	return {
		displayName: 'Locale',
		name: 'locale',
		type: 'string',
		default: '',
		placeholder: "e.g. fr-FR or {{ $('Config').first().json.locale }}",
		description: `How ${what} show money and numbers, as a language tag: fr-FR gives 70 568,60 €, en-US gives €70,568.60. Empty: en-US. Exact values are kept as they are.`,
	};
}

/** The node's Locale, trimmed ('' for en-US); a tag this n8n does not know stops the node, naming it. */
export function readLocale(ctx: IExecuteFunctions): string {
	return knownLocale(ctx, new ParameterReader(ctx).trimmed('locale'));
}

/** `locale` (a trimmed Locale, '' for en-US) when this n8n knows it; otherwise stops the node, naming it. */
export function knownLocale(ctx: IExecuteFunctions, locale: string): string {
	const problem = locale ? localeProblem(locale) : undefined;
	if (problem)
		throw new NodeOperationError(ctx.getNode(), `Locale: ${problem}`, {
			description:
				'Set Locale to a language tag such as fr-FR, en-US or de-CH, or leave it empty for en-US.',
		});
	return locale;
}
