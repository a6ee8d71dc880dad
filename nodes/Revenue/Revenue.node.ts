import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DuckSession } from '../shared/duckdb';
import { xlsx, XLSX_MAX_ROWS, writeRevenueWorkbook } from '../shared/table/formats';
import type { SheetColumn } from '../shared/table/formats';
import { storeFile } from '../shared/table/store';
import { quoteIdentifier, quoteList } from '../shared/sql';
import {
	countText,
	identifyingColumns,
	isLabelColumn,
	moneyText,
	rowLabel,
} from '../shared/reading';
import {
	findColumn,
	findColumns,
	isText,
	isWholeNumber,
	rowsToJson,
	runTableNode,
	TABLE_NODE_DEFAULTS,
	tableNodeOutputs,
} from '../shared/table';
import type { Column, Table } from '../shared/table';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { revenueProperties } from './description';
import { readRevenueParameters } from './parameters';
import type { RevenueParameters } from './parameters';
import { GROUP_ROW_COUNT, revenueSql, totalsSql } from './sql';
import type { RevenuePlan } from './sql';

export class Revenue implements INodeType {
	static readonly summaryFields = {
		totalRevenue: 'the revenue of every row added up, exact to the cent, with its currency',
		rowsWithRevenue: 'rows (or groups) with a numeric price and quantity, so with a revenue',
		unitsSold: 'the quantities added up',
		topProduct: 'the row (or group) with the most revenue, named by its id, sku or title columns',
		reportFile: "the Excel report's file name, when Create Excel Report is on",
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Revenue',
		name: 'revenue',
		icon: { light: 'file:revenue.svg', dark: 'file:revenue.dark.svg' },
		subtitle:
			'={{ ($parameter["priceColumn"] || "price") + " × " + ($parameter["quantityColumn"] || "quantity") + ($parameter["groupBy"] ? " per " + $parameter["groupBy"] : "") }}',
		description:
			'Total revenue per product (price × quantity), exact to the cent, with an optional Excel report',
		outputs: tableNodeOutputs(['Table']),
		properties: revenueProperties,
		defaults: { name: 'Revenue' },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(
			this,
			1,
			async ({ session, loader, emitter, clock }) => {
				const parameters = readRevenueParameters(this);
				const input = await loader.load(0, 'input', 'the input table');
				const plan: RevenuePlan = {
					source: input.relation,
					sourceOrder: input.order,
					price: findColumn(input, parameters.priceColumn),
					quantity: findColumn(input, parameters.quantityColumn),
					groupBy: [...new Set(findColumns(input, parameters.groupBy))],
					names: parameters.names,
				};
				const { currency } = parameters;
				checkOutputNames(this, plan, input);
				const result: Table = {
					...input,
					...(await loader.createTable('revenue', revenueSql(plan))),
					label: 'revenue',
				};
				const relation = result.relation;

				const [totals] = await session.rows(totalsSql(plan, relation));
				const negativePriceRows = await session.count(
					`SELECT count(*) FROM ${input.relation} WHERE try_cast(${quoteIdentifier(plan.price.name)} AS DOUBLE) < 0`,
				);
				const shown = identifyingColumns(result.columns, [
					plan.price.name,
					plan.quantity.name,
					plan.names.revenue,
				]);
				const [top] = rowsToJson(
					await session.rows(
						`SELECT ${quoteList(shown.map((c) => c.name))} FROM ${relation} WHERE ${quoteIdentifier(plan.names.revenue)} IS NOT NULL ORDER BY rowid LIMIT 1`,
					),
					shown,
				);
				const statistics: IDataObject = {
					input: input.source.detail,
					totalRevenue: String(totals.total_revenue),
					currency,
					rows: result.rows,
					rowsWithRevenue: Number(totals.rows_with_revenue),
					rowsWithoutRevenue: Number(totals.rows_without_revenue),
					units: Number(totals.units),
					negativePriceRows,
					topProduct: top ?? null,
				};
				const warnings: string[] = [];
				if (Number(totals.rows_without_revenue))
					warnings.push(
						`${Number(totals.rows_without_revenue)} row(s) have no numeric ${plan.price.name} or ${plan.quantity.name} and no revenue`,
					);
				if (negativePriceRows)
					warnings.push(`${negativePriceRows} row(s) have a negative ${plan.price.name}`);
				if (warnings.length) statistics.warnings = warnings;

				const attachments = parameters.createReport
					? await clock.measure(
							'report',
							async () => await report(this, session, result, plan, parameters, statistics),
						)
					: undefined;
				const total = moneyText(statistics.totalRevenue as string, currency);
				const rowsWithRevenue = Number(totals.rows_with_revenue);
				const topName = top
					? rowLabel(top, [plan.price.name, plan.quantity.name, plan.names.revenue])
					: undefined;
				const summary =
					`Total revenue ${total} from ${countText(rowsWithRevenue)} ${rowsWithRevenue === 1 ? 'row' : 'rows'} (${countText(Number(totals.units))} units)` +
					`${topName ? `; top: ${topName}, ${moneyText(top![plan.names.revenue] as number, currency)}` : ''}. Input: ${input.source.detail}.`;
				const figures: SummaryFigures<typeof Revenue.summaryFields> = {
					totalRevenue: total,
					rowsWithRevenue,
					unitsSold: Number(totals.units),
					...(topName ? { topProduct: topName } : {}),
					...(attachments ? { reportFile: parameters.report.fileName } : {}),
				};
				return [
					await emitter.emit({
						table: result,
						statistics,
						summary,
						figures,
						warnings,
						attachments,
					}),
				];
			},
			{ previewOutput: true },
		);
	}
}

/** Added columns must not meet kept ones: DuckDB would quietly rename the second one "name_1". */
function checkOutputNames(ctx: IExecuteFunctions, plan: RevenuePlan, input: Table): void {
	const grouped = plan.groupBy.length > 0;
	if (grouped && plan.groupBy.includes(plan.quantity)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Group By includes the quantity column "${plan.quantity.name}"`,
			{
				description: 'The quantity is added up within each group: remove it from Group By.',
			},
		);
	}
	const kept = grouped
		? [...plan.groupBy.map((c) => c.name), plan.quantity.name, GROUP_ROW_COUNT]
		: input.columns.map((c) => c.name);
	const seen = new Set(kept.map((name) => name.toLowerCase()));
	for (const name of [plan.names.revenue, plan.names.share, plan.names.cumulative]) {
		if (seen.has(name.toLowerCase())) {
			throw new NodeOperationError(ctx.getNode(), `The output column "${name}" already exists`, {
				description: `Choose another name under Output Columns, or rename the column "${name}" upstream. Columns kept: ${kept.join(', ')}.`,
			});
		}
		seen.add(name.toLowerCase());
	}
}

async function report(
	ctx: IExecuteFunctions,
	session: DuckSession,
	result: Table,
	plan: RevenuePlan,
	parameters: RevenueParameters,
	statistics: IDataObject,
) {
	const { fileName, period, labelColumn, binaryPropertyName } = parameters.report;
	// The header and the totals row take two of the sheet's rows.
	if (result.rows + 2 > XLSX_MAX_ROWS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The Excel report cannot hold ${result.rows} rows`,
			{
				description: `An Excel sheet stops at ${countText(XLSX_MAX_ROWS)} rows. Set Group By (e.g. product_id) for one row per product, or turn off Create Excel Report and use Table output.`,
			},
		);
	}
	const chosen = findColumns(result, parameters.report.columns);
	const kept = new Set([plan.names.revenue, plan.names.share, plan.names.cumulative]);
	const columns: Column[] = chosen.length
		? [...chosen, ...result.columns.filter((c) => kept.has(c.name) && !chosen.includes(c))]
		: result.columns;
	const label = labelColumn
		? findColumn(result, labelColumn)
		: (result.columns.find((c) => isLabelColumn(c.name)) ??
			result.columns.find(isText) ??
			result.columns[0]);

	const sheetColumns: SheetColumn[] = columns.map((column) => ({
		...column,
		format:
			column.name === plan.names.revenue || column.name === plan.price.name
				? 'currency'
				: column.name === plan.names.share || column.name === plan.names.cumulative
					? 'percent'
					: isWholeNumber(column)
						? 'integer'
						: undefined,
	}));
	const topRows = await session.rows(
		`SELECT CAST(${quoteIdentifier(label.name)} AS VARCHAR) AS label, CAST(${quoteIdentifier(plan.names.revenue)} AS DOUBLE) AS revenue FROM ${result.relation} WHERE ${quoteIdentifier(plan.names.revenue)} IS NOT NULL ORDER BY rowid LIMIT 10`,
	);
	const path = session.scratchPath('report.xlsx');
	await writeRevenueWorkbook(session, {
		path,
		// The writer reads only the sheet's columns, in the table's own order: no copy needed.
		relation: result.relation,
		columns: sheetColumns,
		currency: parameters.currency,
		totals: [plan.names.revenue, plan.quantity.name].filter((name) =>
			columns.some((c) => c.name === name),
		),
		summary: [
			['Period', period],
			['Total revenue', Number(statistics.totalRevenue)],
			['Number of products', statistics.rowsWithRevenue as number],
			['Units sold', statistics.units as number],
		],
		top: {
			label: `Top 10 by revenue (${label.name})`,
			rows: topRows.map((r) => ({ label: String(r.label), revenue: Number(r.revenue) })),
		},
	});
	statistics.report = { fileName, period };
	return { [binaryPropertyName]: await storeFile(ctx, path, fileName, xlsx) };
}
