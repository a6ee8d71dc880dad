import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeTypeAndVersion,
} from 'n8n-workflow';
import { rowLabel } from '../reading';
import { TABLE_MARKER } from '../table/types';
import { isObject, objectList as list } from '../json';

/** A node that runs before Save Report Files: its output 0 in this run, or undefined when it did not run. */
export interface UpstreamNode {
	name: string;
	/** The node type without the package prefix: `revenue`, `premiumScore`… */
	kind: string;
	items: INodeExecutionData[] | undefined;
}

/** "Check Web Dedup" → "check_web_dedup": a figure's key from its node's name. */
export const snakeCase = (name: string) =>
	name
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '_')
		.replace(/^_+|_+$/g, '');

/**
 * The Sales Analytics nodes before `ctx`'s node, each after the nodes it reads from, and where
 * branches join, in the order of the joining node's inputs: the order n8n runs the shipped
 * workflow in (branches ERP, Liaison, Web into Merge Tables' inputs 1, 2, 3).
 */
export function upstreamNodes(ctx: IExecuteFunctions): UpstreamNode[] {
	const self = ctx.getNode();
	// Our package's prefix, as installed ("n8n-nodes-sales-analytics." or a scoped name).
	const prefix = self.type.slice(0, self.type.lastIndexOf('.') + 1);
	const ordered: NodeTypeAndVersion[] = [];
	const seen = new Set([self.name]);
	const visit = (name: string) => {
		// n8n lists a node's direct parents last input first.
		for (const parent of ctx.getParentNodes(name, { depth: 1 }).reverse()) {
			if (seen.has(parent.name)) continue;
			seen.add(parent.name);
			visit(parent.name);
			ordered.push(parent);
		}
	};
	visit(self.name);

	const proxy = ctx.getWorkflowDataProxy(0);
	return (
		ordered
			// A disabled node hands its input on: its items are another node's.
			.filter((node) => !node.disabled && node.type.startsWith(prefix))
			.map((node) => ({
				name: node.name,
				kind: node.type.slice(prefix.length),
				// Last run, output 0: a check's passing output, Premium Score's premium table.
				items: proxy.$(node.name).isExecuted ? proxy.$items(node.name, 0, -1) : undefined,
			}))
	);
}

/** The statistics a node put in its Table item; Rows-mode output carries none. */
function statisticsOf(items: INodeExecutionData[]): IDataObject | undefined {
	const json = items[0]?.json;
	return json?.tableFormat === TABLE_MARKER && isObject(json.statistics)
		? json.statistics
		: undefined;
}

/**
 * The run's summary, as the shipped workflow's expression used to build it: period and
 * currency, figures, every check of every Data Quality Check, the top premium products, and
 * notes on what could not be read. Undefined when no Sales Analytics node ran before.
 */
export function runSummary(nodes: UpstreamNode[], currency: string): IDataObject | undefined {
	const figures: IDataObject = {};
	const checks: IDataObject[] = [];
	const notes: string[] = [];
	/** What went wrong without stopping the report; the messages show these. */
	const warnings: string[] = [];
	const found: {
		revenue?: IDataObject;
		revenueNode?: string;
		topPremium?: IDataObject[];
		comparison?: IDataObject | null;
		comparedPeriod?: string;
	} = {};

	const rowsKey = (name: string) => {
		let key = `${snakeCase(name)}_rows`;
		// Two names may read alike ("Check-ERP", "Check ERP"): both figures are kept.
		for (let n = 2; key in figures; n++) key = `${snakeCase(name)}_${n}_rows`;
		return key;
	};
	// Per kind: what to read from its statistics, and what the summary lacks without them.
	const kinds: Record<
		string,
		{ read: (stats: IDataObject, name: string) => void; lost: (name: string) => string }
	> = {
		cleanTable: {
			read: (stats, name) => (figures[rowsKey(name)] = stats.rowsOut),
			lost: (name) => `figures.${snakeCase(name)}_rows`,
		},
		dataQualityCheck: {
			read: (stats, name) => {
				figures[rowsKey(name)] = stats.rows;
				for (const check of list(stats.checks))
					checks.push({
						name: check.name,
						status: check.status,
						observed: check.observed,
						expected: check.expected,
					});
			},
			lost: (name) => `figures.${snakeCase(name)}_rows and its checks`,
		},
		mergeTables: {
			read: (stats) => (figures.merged_rows = stats.rowsOut),
			lost: () => 'figures.merged_rows',
		},
		revenue: {
			read: (stats, name) => {
				figures.revenue_total = stats.totalRevenue;
				found.revenue = stats;
				found.revenueNode = name;
			},
			lost: () => 'figures.revenue_total and the period',
		},
		// Sales History's Compare: the month-over-month figures, and the lines the messages carry.
		salesHistory: {
			read: (stats) => {
				if (!isObject(stats.comparison)) return;
				found.comparedPeriod = String(stats.comparison.period);
				found.comparison = stats.comparison.previous_period
					? { ...stats.comparison, lines: Array.isArray(stats.lines) ? stats.lines : [] }
					: null;
			},
			lost: () => 'the comparison with the history',
		},
		premiumScore: {
			read: (stats) => {
				figures.premium_count = stats.premiumCount;
				figures.ordinary_count = stats.ordinaryCount;
				found.topPremium = list(stats.topPremium).map((row) => ({
					name: rowLabel(row, [String(stats.column), String(stats.scoreColumn)]) ?? null,
					// The value Premium Score ranked by: the price in the shipped workflow.
					price: row[String(stats.column)] ?? null,
				}));
			},
			lost: () => 'figures.premium_count, figures.ordinary_count and topPremium',
		},
	};

	const read = nodes.filter((node) => node.kind in kinds);
	if (!read.length) return undefined;
	for (const node of read) {
		const kind = kinds[node.kind];
		const stats = node.items && statisticsOf(node.items);
		const failure = node.items?.[0]?.json.error;
		if (stats) kind.read(stats, node.name);
		// A node set to continue on error (Sales History) failed: the report goes out, saying what it lacks.
		else if (failure)
			warnings.push(
				`"${node.name}" failed, so ${kind.lost(node.name)} is left out: ${String(failure)}`,
			);
		else if (!node.items)
			notes.push(`"${node.name}" did not run: ${kind.lost(node.name)} left out.`);
		else
			notes.push(
				`"${node.name}" hands on rows, not a table: ${kind.lost(node.name)} left out. Set its Output to Table to have them here.`,
			);
	}
	const { revenue, revenueNode, topPremium } = found;
	// The month Sales History compared (YYYY-MM), else the label Revenue's Excel report names.
	const period =
		found.comparedPeriod ?? (isObject(revenue?.report) ? revenue.report.period : undefined);
	if (revenue && !period)
		notes.push(
			`"${revenueNode}" made no Excel report, which names the period: the summary has none. Turn on its "Create Excel Report" for one.`,
		);

	const summary: IDataObject = {};
	if (period) summary.period = period;
	const shownCurrency = currency.trim() || revenue?.currency;
	if (shownCurrency) summary.currency = shownCurrency;
	summary.figures = figures;
	summary.checks = checks;
	if (topPremium) summary.topPremium = topPremium;
	if (found.comparison !== undefined) summary.comparison = found.comparison;
	if (warnings.length) summary.warnings = warnings;
	summary.notes = notes;
	return summary;
}
