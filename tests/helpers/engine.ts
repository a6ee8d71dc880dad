/**
 * Runs small workflows of our nodes through n8n-core's real WorkflowExecute, with binary
 * data stored by n8n's BinaryDataService in filesystem mode — the way an n8n instance runs
 * them, minus the server. Modelled on n8n's own NodeTestHarness, without jest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const userFolder = mkdtempSync(join(tmpdir(), 'sales-analytics-engine-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
// File nodes may use the temp folder only, as an n8n with N8N_RESTRICT_FILE_ACCESS_TO would.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	INodeParameters,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

type AnyNodeType = INodeType | IVersionedNodeType;

class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, AnyNodeType>) {}

	getByName(name: string): AnyNodeType {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}

	getKnownTypes() {
		return {};
	}
}

let binaryReady: Promise<void> | undefined;
function initBinaryData(): Promise<void> {
	binaryReady ??= Container.get(BinaryDataService).init();
	return binaryReady;
}

export interface NodeSpec {
	name: string;
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	/** The node's "On Error" setting and the older "Continue On Fail" flag, both read by n8n's continueOnFail(). */
	onError?: INode['onError'];
	continueOnFail?: boolean;
}

export interface WorkflowSpec {
	nodeTypes: Record<string, AnyNodeType>;
	nodes: NodeSpec[];
	/** [from, to, toInputIndex?, fromOutputIndex?] */
	edges: Array<[string, string, number?, number?]>;
	/** Decrypted credential data by credential type; nodes name them in `credentials`. */
	credentials?: Record<string, IDataObject>;
}

export interface WorkflowResult {
	run: IRun;
	/** Items a node put on one of its outputs (0-based), in its first run. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The error that stopped the execution, if any, with the node it came from. */
	error?: { message: string; description?: string; node?: string };
	hints(nodeName: string): string[];
}

let executionCounter = 0;

export async function runWorkflow(spec: WorkflowSpec): Promise<WorkflowResult> {
	await initBinaryData();
	const credentialIds = Object.fromEntries(
		Object.keys(spec.credentials ?? {}).map((t) => [t, { id: t, name: t }]),
	);
	const nodes: INode[] = spec.nodes.map((node, index) => ({
		id: `${index + 1}`,
		name: node.name,
		type: node.type,
		typeVersion: node.typeVersion ?? 1,
		position: [index * 200, 0],
		parameters: node.parameters ?? {},
		...(node.type.startsWith('test.') ? {} : { credentials: credentialIds }),
		...(node.onError ? { onError: node.onError } : {}),
		...(node.continueOnFail ? { continueOnFail: true } : {}),
	}));
	const connections: IConnections = {};
	for (const [from, to, toInput = 0, fromOutput = 0] of spec.edges) {
		const outputs = (connections[from] ??= { main: [] });
		const main = (outputs.main ??= []);
		while (main.length <= fromOutput) main.push([]);
		(main[fromOutput] ??= []).push({ node: to, type: 'main', index: toInput });
	}
	const workflow = new Workflow({
		id: 'engine-test',
		nodes,
		connections,
		active: false,
		nodeTypes: new TestNodeTypes(spec.nodeTypes),
		settings: {},
	});
	const executionId = `${process.pid}-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'engine-test',
		name: 'engine test',
		active: false,
		isArchived: false,
		nodes,
		connections,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	let resolveFinished!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const additionalData = {
		hooks,
		executionId,
		currentNodeParameters: undefined,
		restApiUrl: 'http://127.0.0.1:1/rest',
		instanceBaseUrl: 'http://127.0.0.1:1/',
		webhookBaseUrl: 'http://127.0.0.1:1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:1/form-waiting',
		variables: {},
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
		credentialsHelper: {
			getDecrypted: async (_data: unknown, _node: unknown, credentialType: string) =>
				spec.credentials?.[credentialType] ?? {},
			getParentTypes: () => [],
			authenticate: async (_c: unknown, _t: unknown, request: unknown) => request,
			preAuthentication: async () => undefined,
			updateCredentials: async () => undefined,
			updateCredentialsOauthTokenData: async () => undefined,
			getCredentialsProperties: () => [],
			isCredentialUsableByNode: () => true,
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	// The first node listed starts the run, as a manual trigger would.
	const start = workflow.getNode(spec.nodes[0].name);
	if (!start) throw new Error('The workflow has no nodes');
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const run = await finished;
	const runData = run.data.resultData.runData;
	const failure = run.data.resultData.error as
		| (Error & { description?: string; node?: { name: string } })
		| undefined;
	return {
		run,
		output(nodeName, outputIndex = 0) {
			const task = runData[nodeName]?.[0];
			if (!task)
				throw new Error(`Node "${nodeName}" did not run${failure ? `: ${failure.message}` : ''}`);
			return task.data?.main?.[outputIndex] ?? [];
		},
		error: failure
			? {
					message: failure.message,
					description: failure.description ?? undefined,
					node: failure.node?.name,
				}
			: undefined,
		hints(nodeName) {
			return (runData[nodeName]?.[0]?.hints ?? []).map((hint) => hint.message);
		},
	};
}

export function binaryPath(item: INodeExecutionData, property = 'data'): string {
	const binary = item.binary?.[property];
	if (!binary?.id) throw new Error(`Item has no stored binary "${property}"`);
	return Container.get(BinaryDataService).getPath(binary.id);
}

export type { IDataObject };
