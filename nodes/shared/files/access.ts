import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A folder the user named, resolved and checked against the instance's file-access rule
 * (N8N_RESTRICT_FILE_ACCESS_TO, as n8n's own file nodes enforce it).
 */
export async function allowedFolder(ctx: IExecuteFunctions, folder: string, purpose: string): Promise<string> {
	if (!folder?.trim()) {
		throw new NodeOperationError(ctx.getNode(), `No folder given to ${purpose}`, { description: 'Set the folder, e.g. /data/exports/2026-10.' });
	}
	const resolved = await ctx.helpers.resolvePath(folder.trim());
	if (ctx.helpers.isFilePathBlocked(resolved)) {
		throw new NodeOperationError(ctx.getNode(), `The folder "${folder}" is outside the folders n8n may use`, {
			description: 'Use a folder inside those allowed by N8N_RESTRICT_FILE_ACCESS_TO (by default ~/.n8n-files), or ask your n8n administrator to allow this one.',
		});
	}
	return resolved;
}
