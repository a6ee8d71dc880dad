import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A folder the user named, resolved and checked against the instance's file-access rule
 * (N8N_RESTRICT_FILE_ACCESS_TO, as n8n's own file nodes enforce it).
 */
export async function allowedFolder(
	ctx: IExecuteFunctions,
	folder: string,
	purpose: string,
): Promise<string> {
	if (!folder?.trim()) {
		throw new NodeOperationError(ctx.getNode(), `No folder given to ${purpose}`, {
			description: 'Set the folder, e.g. /data/exports/2026-10.',
		});
	}
	let resolved: Awaited<ReturnType<typeof ctx.helpers.resolvePath>>;
	let blocked: boolean;
	try {
		resolved = await ctx.helpers.resolvePath(folder.trim());
		blocked = ctx.helpers.isFilePathBlocked(resolved);
	} catch (error) {
		// The system error goes in the description: n8n swaps messages holding codes such as ENOTDIR for generic text.
		throw new NodeOperationError(ctx.getNode(), `Cannot use the folder "${folder}" to ${purpose}`, {
			description: `${(error as Error).message}. Check the path: every part of it must be a folder (not a file) that exists or can be created, and n8n must be allowed to use it.`,
		});
	}
	if (blocked) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The folder "${folder}" is outside the folders n8n may use`,
			{
				description:
					'Use a folder inside those allowed by N8N_RESTRICT_FILE_ACCESS_TO (by default ~/.n8n-files), or ask your n8n administrator to allow this one.',
			},
		);
	}
	return resolved;
}
