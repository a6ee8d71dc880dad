import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DuckSession } from '../../shared/duckdb';
import { PRODUCT_COLUMN_TYPES } from '../../shared/history/types';
import { keyText } from '../../shared/keys';
import { quoteIdentifier } from '../../shared/sql';
import { COLUMN_FIELD, findColumn } from '../../shared/table';
import type { Column, Table } from '../../shared/table';
import type { SalesHistoryProductColumns } from '../parameters';

/** The fields naming a products table's columns; `defaults` differ per operation (raw merged table, or Compare's This Period). */
export function productColumnFields(
	operation: string,
	defaults: { key: string; label: string; price: string; quantity: string; revenue: string },
): INodeProperties[] {
	const show = { show: { operation: [operation] } };
	const field = (
		displayName: string,
		name: string,
		value: string,
		description: string,
	): INodeProperties => ({
		displayName,
		name,
		type: 'string',
		default: value,
		placeholder: `e.g. ${value}`,
		description,
		displayOptions: show,
		...COLUMN_FIELD,
	});
	return [
		field(
			'Product Key Column',
			'keyColumn',
			defaults.key,
			'Identifies a product from month to month; compared as text by the rule Merge Tables uses',
		),
		field(
			'Label Column',
			'labelColumn',
			defaults.label,
			'What a person calls the product in messages',
		),
		field('Price Column', 'priceColumn', defaults.price, 'Unit price'),
		field('Quantity Column', 'quantityColumn', defaults.quantity, 'Units sold in the period'),
		field(
			'Revenue Column',
			'revenueColumn',
			defaults.revenue,
			'Revenue of the product in the period, exact to the cent',
		),
	];
}

/** Where a product's premium flag comes from: a boolean column of the table, or membership of another table. */
export type PremiumSource = { column: Column } | { table: Table; key: Column };

/**
 * A temp table of `session` with the history's product columns (PRODUCT_COLUMNS) from `table`,
 * its `columns` as the node names them. Rows without a key are left out (counted); a key twice
 * in the period is refused, naming it.
 */
export async function periodProducts(
	ctx: IExecuteFunctions,
	session: DuckSession,
	table: Table,
	columns: SalesHistoryProductColumns,
	premium: PremiumSource,
	name: string,
): Promise<{ relation: string; rows: number; withoutKey: number }> {
	const column = (field: keyof SalesHistoryProductColumns) => findColumn(table, columns[field]);
	const key = column('keyColumn');
	const cast = (source: Column, target: keyof typeof PRODUCT_COLUMN_TYPES) =>
		`CAST(${quoteIdentifier(source.name)} AS ${PRODUCT_COLUMN_TYPES[target]})`;
	const premiumSql =
		'column' in premium
			? `coalesce(CAST(${quoteIdentifier(premium.column.name)} AS BOOLEAN), false)`
			: `${keyText(key)} IN (SELECT ${keyText(premium.key)} FROM ${premium.table.relation})`;
	const relation = quoteIdentifier(name);
	try {
		await session.run(
			`CREATE OR REPLACE TEMP TABLE ${relation} AS SELECT ${keyText(key)} AS product_key, ${cast(column('labelColumn'), 'label')} AS label, ${cast(column('priceColumn'), 'price')} AS price, ` +
				`${cast(column('quantityColumn'), 'quantity')} AS quantity, ${cast(column('revenueColumn'), 'revenue')} AS revenue, ${premiumSql} AS premium ` +
				`FROM ${table.relation} WHERE ${keyText(key)} IS NOT NULL`,
		);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The products table's columns cannot be read as prices, quantities and revenue: ${(error as Error).message}`,
			{
				description:
					'Point Price, Quantity and Revenue Column at numeric columns (Clean Table → Change Column Type converts text).',
			},
		);
	}
	const [duplicate] = await session.rows(
		`SELECT product_key, count(*) AS times FROM ${relation} GROUP BY product_key HAVING count(*) > 1 ORDER BY times DESC, product_key LIMIT 1`,
	);
	if (duplicate) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Product key "${String(duplicate.product_key)}" appears ${String(duplicate.times)} times in column "${key.name}"`,
			{
				description:
					'The history keeps one row per product and month: remove duplicates first (Clean Table → Remove Duplicates), or choose a Product Key Column that identifies one product.',
			},
		);
	}
	const rows = await session.count(`SELECT count(*) FROM ${relation}`);
	return { relation, rows, withoutKey: table.rows - rows };
}
