/**
 * docs/nodes/<node>.md, generated from the node descriptions themselves, so the reference never
 * drifts from what the editor shows: every parameter (type, default, options, description,
 * when it shows), the inputs and outputs for each operation and output mode, the summary fields
 * each output opens with (the node class's static `summaryFields`), the credentials.
 * `npm run docs` writes them; tests/node-docs.test.ts fails when the committed pages differ.
 */
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { join } from 'node:path';
import { ROOT } from '../n8n/instance';
import type { SummaryFields } from '../../nodes/shared/table/figures';

export const DOCS_FOLDER = 'docs/nodes';
/** Where the published pages are read: the package ships docs/nodes, and unpkg serves the files of its latest version. */
export const DOCS_URL = 'https://unpkg.com/n8n-nodes-sales-analytics/docs/nodes';
const PACKAGE = 'n8n-nodes-sales-analytics';

/** The package's nodes as n8n finds them (package.json's n8n.nodes), read from source: X.node.ts, not the codex X.node.json. */
export function packageNodes(): INodeType[] {
	const manifest = require(join(ROOT, 'package.json')) as { n8n: { nodes: string[] } };
	return manifest.n8n.nodes.flatMap((compiled) => {
		const exported = require(
			join(ROOT, compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
		) as Record<string, unknown>;
		return Object.values(exported)
			.filter((value): value is new () => INodeType => typeof value === 'function')
			.map((NodeClass) => new NodeClass())
			.filter((node) => node.description?.name);
	});
}

/** "Load Sales Exports" → "load-sales-exports.md". */
export const pageName = (description: INodeTypeDescription) =>
	`${description.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.md`;

/** Every page, by file name: one per node, and the index. */
export function nodeDocs(): Record<string, string> {
	const nodes = packageNodes();
	const pages: Record<string, string> = {};
	for (const node of nodes)
		pages[pageName(node.description)] = nodePage(node.description, summaryFieldsOf(node));
	pages['README.md'] = indexPage(nodes);
	return pages;
}

function indexPage(nodes: INodeType[]): string {
	const rows = nodes.map(
		({ description }) =>
			`| [${description.displayName}](${pageName(description)}) | ${cell(description.description)} |`,
	);
	return [
		'# Node reference',
		'',
		'Generated from the node descriptions by `npm run docs` (`scripts/docs/node-docs.ts`); `tests/node-docs.test.ts` fails when these pages differ from the code. Do not edit them by hand.',
		'',
		'| node | what it does |',
		'| --- | --- |',
		...rows,
		'',
	].join('\n');
}

/** The node class's declared summary fields. */
export function summaryFieldsOf(node: INodeType): SummaryFields | undefined {
	return (node.constructor as { summaryFields?: SummaryFields }).summaryFields;
}

function nodePage(
	description: INodeTypeDescription,
	summaryFields: SummaryFields | undefined,
): string {
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	const lines = [
		`# ${description.displayName}`,
		'',
		description.description,
		'',
		`- Type: \`${PACKAGE}.${description.name}\`, version${versions.length > 1 ? 's' : ''} ${versions.join(', ')}${description.defaultVersion ? ` (new nodes: ${description.defaultVersion})` : ''}`,
		`- Usable as an AI agent's tool: ${description.usableAsTool ? 'yes' : 'no'}`,
		...connectionLines(description),
		...credentialLines(description),
		'',
		// Table nodes (an Output field: Rows or Table) open every output with the summary sentence.
		...summaryLines(
			summaryFields,
			description.properties.some((property) => property.name === 'outputMode'),
		),
		'## Parameters',
		'',
		...description.properties.flatMap((property) => propertyLines(property, 0)),
		'',
	];
	return lines.join('\n');
}

function summaryLines(fields: SummaryFields | undefined, tableNode: boolean): string[] {
	if (!fields) return [];
	const declared = Object.entries(fields).map(
		([name, meaning]) => `- \`${name}\`: ${oneLine(meaning)}`,
	);
	if (!tableNode)
		return [
			'## Summary fields',
			'',
			'The fields of each output item a person reads first, in this order.',
			'',
			...declared,
			'',
		];
	return [
		'## Summary fields',
		'',
		'What each output opens with: the first fields of a Table item, and the sentence shown above the output in every view.',
		'',
		...(fields.summary
			? []
			: ['- `summary`: one sentence saying what the node did, with rounded figures']),
		...declared,
		...(fields.warnings
			? []
			: [
					'- `warnings`: what went surprisingly (e.g. a step removed every row), when something did',
				]),
		'',
	];
}

type Connections = INodeTypeDescription['inputs'];

/** The connection names an editor shows: evaluated for each operation and output mode when the node computes them. */
function connectionLines(description: INodeTypeDescription): string[] {
	const variants = parameterVariants(description);
	const shown = (connections: Connections) =>
		variants.map(({ label, parameters }) => {
			const list =
				typeof connections === 'string'
					? (evaluate(connections, parameters) as unknown[])
					: (connections as unknown[]);
			const names = list.map((connection, index) =>
				typeof connection === 'object' && connection && 'displayName' in connection
					? String(connection.displayName)
					: (description.outputNames?.[index] ?? 'main'),
			);
			return `${label}${names.join(', ')}`;
		});
	const block = (title: string, connections: Connections) => {
		const each = shown(connections);
		return each.length === 1
			? [`- ${title}: ${each[0]}`]
			: [`- ${title}:`, ...each.map((line) => `  - ${line}`)];
	};
	return [...block('Inputs', description.inputs), ...block('Outputs', description.outputs)];
}

/** The defaults, then one variant per operation and per output mode, when the node has those fields. */
function parameterVariants(
	description: INodeTypeDescription,
): Array<{ label: string; parameters: Record<string, unknown> }> {
	const defaults = Object.fromEntries(
		description.properties
			.filter((property) => property.default !== undefined)
			.map((property) => [property.name, property.default]),
	);
	const choices = (name: string) =>
		description.properties.find((property) => property.name === name)?.options as
			| INodePropertyOptions[]
			| undefined;
	const operations = choices('operation') ?? [undefined];
	const modes = choices('outputMode') ?? [undefined];
	if (typeof description.inputs !== 'string' && typeof description.outputs !== 'string')
		return [{ label: '', parameters: defaults }];
	return operations.flatMap((operation) =>
		modes.map((mode) => ({
			label:
				[operation && `${operation.name}`, mode && `Output ${mode.name}`]
					.filter(Boolean)
					.join(', ') + (operation || mode ? ': ' : ''),
			parameters: {
				...defaults,
				...(operation ? { operation: operation.value } : {}),
				...(mode ? { outputMode: mode.value } : {}),
			},
		})),
	);
}

/** The editor's own evaluation of a `={{ … }}` connections expression, given `$parameter`. */
function evaluate(expression: string, parameters: Record<string, unknown>): unknown {
	const body = expression.replace(/^=\{\{/, '').replace(/\}\}$/, '');
	return new Function('$parameter', `return (${body});`)(parameters);
}

function credentialLines(description: INodeTypeDescription): string[] {
	if (!description.credentials?.length) return [];
	return [
		'- Credentials:',
		...description.credentials.map(
			(credential) =>
				`  - \`${credential.name}\`${credential.required ? ' (required' : ' (optional'}${credential.displayOptions ? `, ${conditionText(credential.displayOptions)}` : ''})`,
		),
	];
}

function propertyLines(property: INodeProperties, depth: number): string[] {
	const indent = '  '.repeat(depth);
	if (property.type === 'notice')
		return [
			`${indent}- *Notice*: ${oneLine(property.displayName)}${property.displayOptions ? ` (${conditionText(property.displayOptions)})` : ''}`,
		];
	const facts = [
		`\`${property.name}\``,
		property.type,
		`default ${defaultText(property.default)}`,
		...(property.required ? ['required'] : []),
		...(property.noDataExpression ? ['no expression'] : []),
		...(property.displayOptions ? [conditionText(property.displayOptions)] : []),
	];
	const lines = [
		`${indent}- **${property.displayName}** (${facts.join(', ')})${property.description ? `: ${oneLine(property.description)}` : ''}`,
	];
	for (const option of property.options ?? []) {
		if ('values' in option) {
			const collection = option as INodePropertyCollection;
			lines.push(
				`${indent}  - *${collection.displayName}* (\`${collection.name}\`):`,
				...collection.values.flatMap((value) => propertyLines(value, depth + 2)),
			);
		} else if ('type' in option) {
			lines.push(...propertyLines(option as INodeProperties, depth + 1));
		} else {
			const choice = option as INodePropertyOptions;
			lines.push(
				`${indent}  - \`${String(choice.value)}\`: ${choice.name}${choice.description ? ` — ${oneLine(choice.description)}` : ''}`,
			);
		}
	}
	return lines;
}

function conditionText(displayOptions: NonNullable<INodeProperties['displayOptions']>): string {
	const part = (verb: string, conditions: Record<string, unknown> | undefined) =>
		Object.entries(conditions ?? {}).map(
			([name, values]) =>
				`${verb} ${name.replace(/^@/, '')} is ${(values as unknown[]).map((value) => conditionValue(value)).join(' or ')}`,
		);
	return [
		...part('shown when', displayOptions.show),
		...part('hidden when', displayOptions.hide),
	].join('; ');
}

const CONDITIONS: Record<string, string> = {
	gte: '≥',
	gt: '>',
	lte: '≤',
	lt: '<',
	eq: '=',
	not: '≠',
};

/** `2`, or n8n's `{ _cnd: { gte: 2 } }` as "≥ 2". */
function conditionValue(value: unknown): string {
	const condition =
		typeof value === 'object' && value !== null
			? (value as { _cnd?: Record<string, unknown> })._cnd
			: undefined;
	if (!condition) return typeof value === 'object' ? JSON.stringify(value) : `\`${String(value)}\``;
	return Object.entries(condition)
		.map(([operator, operand]) => `${CONDITIONS[operator] ?? operator} \`${String(operand)}\``)
		.join(' and ');
}

function defaultText(value: unknown): string {
	if (value === '' || value === undefined) return 'empty';
	return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');
