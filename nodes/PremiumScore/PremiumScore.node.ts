import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DuckSession } from '../shared/duckdb';
import { csv as csvFormat } from '../shared/table/formats';
import { storeFile } from '../shared/table/store';
import { quoteIdentifier, quoteList } from '../shared/sql';
import { countText, identifyingColumns, percentText, rounded, rowLabel } from '../shared/reading';
import {
	findColumn,
	rowsToJson,
	runTableNode,
	TABLE_NODE_DEFAULTS,
	tableNodeOutputs,
} from '../shared/table';
import type { Table } from '../shared/table';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { premiumProperties } from './description';
import { readPremiumScoreParameters } from './parameters';
import type { PremiumScoreParameters } from './parameters';
import { premiumRule, scoredSql, splitSql, statsSql, numericValue } from './sql';
import type { ScorePlan } from './sql';

export class PremiumScore implements INodeType {
	static readonly summaryFields = {
		premiumCount: 'rows found premium (both outputs)',
		ordinaryCount: 'rows found ordinary, unscored rows included (both outputs)',
		premiumShare: "the premium rows' share of all rows (Premium output)",
		premiumAbove:
			"the score column's value above which a row is premium, rounded; empty when no row can be (Premium output)",
		mean: 'the average of the numeric values, rounded (Premium output)',
		topPremium:
			'up to five premium rows with the highest scores, each named with its value (Premium output)',
		ordinaryBelow:
			'the value up to which a row is ordinary, the same cut as premiumAbove (Ordinary output)',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Premium Score',
		name: 'premiumScore',
		icon: { light: 'file:premiumScore.svg', dark: 'file:premiumScore.dark.svg' },
		subtitle:
			'={{ $parameter["method"] === "iqr" ? ($parameter["scoreColumn"] || "price") + " above the IQR fence, k = " + $parameter["iqrK"] : "z-score of " + ($parameter["scoreColumn"] || "price") + " > " + $parameter["threshold"] }}',
		description:
			'Find premium products: prices far above the average (z-score) or above the usual range (IQR fence)',
		outputs: tableNodeOutputs(['Premium', 'Ordinary']),
		properties: premiumProperties,
		defaults: { name: 'Premium Score' },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(
			this,
			2,
			async ({ session, loader, emitter, clock }) => {
				const parameters = readPremiumScoreParameters(this);
				const input = await loader.load(0, 'input', 'the input table');
				const plan: ScorePlan = {
					source: input.relation,
					sourceOrder: input.order,
					column: findColumn(input, parameters.scoreColumn).name,
					method: parameters.method,
					threshold: sane(this, 'Threshold', parameters.threshold),
					deviation: parameters.deviation,
					k: sane(this, 'K', parameters.k),
					scoreName: parameters.scoreName,
				};
				if (input.columns.some((c) => c.name.toLowerCase() === plan.scoreName.toLowerCase())) {
					throw new NodeOperationError(
						this.getNode(),
						`The input already has a column "${plan.scoreName}"`,
						{
							description: 'Choose another "Score Column Name".',
						},
					);
				}
				const [stats] = await session.rows(statsSql(plan));
				const num = (key: string) => (stats[key] === null ? null : Number(stats[key]));
				const spread =
					plan.method === 'zscore'
						? num('std')
						: num('q3') === null
							? null
							: num('q3')! - num('q1')!;
				const centre = plan.method === 'zscore' ? num('mean') : num('q3');
				const scored = (
					await loader.createTable('scored', scoredSql(plan), [centre ?? 0, spread ?? 0])
				).relation;

				const rule = premiumRule(plan, centre, spread);
				const tables: Table[] = [];
				for (const [name, premium] of [
					['premium', true],
					['ordinary', false],
				] as const) {
					tables.push({
						...input,
						...(await loader.createTable(
							name,
							splitSql(scored, plan, rule, premium),
							rule ? [rule.cut] : [],
						)),
						label: name,
					});
				}
				const [premium, ordinary] = tables;

				const premiumFrom = !rule
					? null
					: rule.on === 'value'
						? rule.cut
						: centre! + rule.cut * spread!;
				const notes = scoringNotes(plan, stats);
				const unscored = Number(stats.rows) - Number(stats.scored);

				const shown = identifyingColumns(premium.columns, [plan.column, plan.scoreName]);
				const statistics: IDataObject = {
					input: input.source.detail,
					method:
						plan.method === 'zscore'
							? `z-score > ${plan.threshold}, ${plan.deviation} standard deviation`
							: `IQR fence: Q3 + ${plan.k} × IQR`,
					column: plan.column,
					scoreColumn: plan.scoreName,
					rows: Number(stats.rows),
					scoredRows: Number(stats.scored),
					unscoredRows: unscored,
					nonNumericRows: Number(stats.non_numeric),
					emptyRows: Number(stats.empty),
					premiumCount: premium.rows,
					ordinaryCount: ordinary.rows,
					mean: num('mean'),
					standardDeviation: num('std'),
					standardDeviationType: plan.deviation,
					min: num('min'),
					q1: num('q1'),
					median: num('median'),
					q3: num('q3'),
					max: num('max'),
					premiumFrom,
					topPremium: rowsToJson(
						await session.rows(
							`SELECT ${quoteList(shown.map((c) => c.name))} FROM ${premium.relation} ORDER BY ${quoteIdentifier(plan.scoreName)} DESC, ${numericValue(plan)} DESC, rowid LIMIT 5`,
						),
						shown,
					),
					notes,
				};
				const csv = parameters.createCsv
					? await clock.measure(
							'report',
							async () => await csvFiles(this, session, parameters.csv, premium, ordinary),
						)
					: undefined;
				const cut = rounded(premiumFrom);
				const summary =
					`${countText(premium.rows)} premium and ${countText(ordinary.rows)} ordinary of ${countText(Number(stats.rows))} rows` +
					`${cut !== null ? `: premium when ${plan.column} is above ${cut}` : ''} (${statistics.method as string}).`;
				const top = statistics.topPremium as IDataObject[];
				const figures: SummaryFigures<typeof PremiumScore.summaryFields> = {
					premiumCount: premium.rows,
					ordinaryCount: ordinary.rows,
					premiumShare: percentText(Number(stats.rows) ? premium.rows / Number(stats.rows) : null),
					premiumAbove: cut,
					mean: rounded(num('mean')),
					...(top.length ? { topPremium: top.map((row) => topName(row, plan)).join(', ') } : {}),
				};
				// The Ordinary output has its own few figures; the scoring's statistics live with Premium.
				const ordinaryFigures: SummaryFigures<typeof PremiumScore.summaryFields> = {
					ordinaryCount: ordinary.rows,
					premiumCount: premium.rows,
					ordinaryBelow: cut,
				};
				const ordinarySummary = `${countText(ordinary.rows)} ordinary rows${cut !== null ? `: ${plan.column} up to ${cut}` : ''}; ${countText(premium.rows)} premium went to the Premium output.`;
				return [
					await emitter.emit({
						table: premium,
						statistics,
						summary,
						figures,
						warnings: notes,
						outputName: 'premium',
						attachments: csv?.premium,
					}),
					await emitter.emit({
						table: ordinary,
						statistics: {
							input: statistics.input,
							method: statistics.method,
							ordinaryCount: ordinary.rows,
							premiumFrom,
						},
						summary: ordinarySummary,
						figures: ordinaryFigures,
						outputName: 'ordinary',
						attachments: csv?.ordinary,
					}),
				];
			},
			{ previewOutput: true },
		);
	}
}

/** A premium product as a person names it, with the value it was scored on: "Château X (250)". */
function topName(row: IDataObject, plan: ScorePlan): string {
	const value = row[plan.column];
	return `${rowLabel(row, [plan.column, plan.scoreName]) ?? '?'} (${typeof value === 'number' ? rounded(value) : String(value)})`;
}

/** What the user should know about the scoring: degenerate columns and rows left out. */
function scoringNotes(plan: ScorePlan, stats: Record<string, unknown>): string[] {
	const notes: string[] = [];
	const scored = Number(stats.scored);
	if (scored === 0) notes.push(`no row has a numeric ${plan.column}: nothing was scored`);
	else if (scored === 1)
		notes.push(
			`only one row has a numeric ${plan.column}: with nothing to compare it to, it is ordinary`,
		);
	else if (stats.min === stats.max)
		notes.push(
			`every scored ${plan.column} is the same (spread 0): no row can stand out, all are ordinary`,
		);
	else if (plan.method === 'iqr' && stats.q1 === stats.q3) {
		notes.push(
			`Q1 = Q3 = ${String(stats.q3)} (IQR 0: half the ${plan.column} values or more are equal): scores are empty and every ${plan.column} above ${String(stats.q3)} is premium`,
		);
	}
	const unscored = Number(stats.rows) - scored;
	if (unscored) {
		notes.push(
			`${unscored} row(s) without a numeric ${plan.column} (${Number(stats.empty)} empty, ${Number(stats.non_numeric)} not a number) were not scored and went to Ordinary with an empty ${plan.scoreName}`,
		);
	}
	return notes;
}

/** Thresholds are user numbers: refuse what cannot be meant rather than silently scoring nothing. */
function sane(ctx: IExecuteFunctions, label: string, value: number): number {
	if (!Number.isFinite(value) || value < 0 || value > 100) {
		throw new NodeOperationError(ctx.getNode(), `${label} ${value} is not usable`, {
			description: `${label} must be a number from 0 to 100 (2 for z-scores and 1.5 for IQR fences are the usual choices).`,
		});
	}
	return value;
}

async function csvFiles(
	ctx: IExecuteFunctions,
	session: DuckSession,
	options: PremiumScoreParameters['csv'],
	premium: Table,
	ordinary: Table,
) {
	const { style, formulaSafe, binaryPropertyName } = options;
	const files: Record<'premium' | 'ordinary', IBinaryKeyData> = { premium: {}, ordinary: {} };
	for (const [key, table, fileName] of [
		['premium', premium, options.premiumFileName],
		['ordinary', ordinary, options.ordinaryFileName],
	] as const) {
		const path = session.scratchPath(`${key}.csv`);
		await csvFormat.write!({
			session,
			relation: table.relation,
			orderBy: table.order,
			columns: table.columns,
			path,
			options: { style, formulaSafe },
		});
		files[key] = { [binaryPropertyName]: await storeFile(ctx, path, fileName, csvFormat) };
	}
	return files;
}
