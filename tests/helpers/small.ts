import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { runWorkflow } from './engine';
import type { NodeSpec, WorkflowResult } from './engine';
import { nodeTypes, type } from './nodes';

/** Runs one of our nodes on JSON items (or files), one source per input. */
export async function runNode(
	nodeName: string,
	parameters: IDataObject,
	inputs: Array<
		IDataObject[] | { files: Array<{ path: string; property?: string; fileName?: string }> }
	>,
	settings: Pick<NodeSpec, 'onError' | 'continueOnFail'> = {},
): Promise<WorkflowResult> {
	const sources = inputs.map((input, index) => ({
		name: `Source ${index + 1}`,
		type: Array.isArray(input) ? 'test.items' : 'test.files',
		parameters: (Array.isArray(input)
			? { items: input }
			: { files: input.files }) as unknown as INodeParameters,
	}));
	// A no-op start so several sources can feed one node, as parallel branches do on the canvas.
	return runWorkflow({
		nodeTypes,
		nodes: [
			{
				name: 'Start',
				type: 'test.items',
				parameters: { items: [{}] } as unknown as INodeParameters,
			},
			...sources,
			{
				name: 'Node',
				type: type(nodeName),
				parameters: parameters as INodeParameters,
				...settings,
			},
		],
		edges: [
			...sources.map((source) => ['Start', source.name] as [string, string]),
			...sources.map((source, index) => [source.name, 'Node', index] as [string, string, number]),
		],
	});
}

export const json = (result: WorkflowResult, outputIndex = 0) =>
	result.output('Node', outputIndex).map((item) => item.json);
