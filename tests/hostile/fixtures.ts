import type { IDataObject } from 'n8n-workflow';

/** Sales rows with what real exports hold: decimal commas, "N/A", negative and empty prices. */
export const HOSTILE_SALES: IDataObject[] = [
	{ product_id: 1, price: '24,2', total_sales: 2 },
	{ product_id: 2, price: 'N/A', total_sales: 1 },
	{ product_id: 3, price: -8, total_sales: 1 },
	{ product_id: 4, price: null, total_sales: 5 },
	{ product_id: 5, price: 10, total_sales: 3 },
];
