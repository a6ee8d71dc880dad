/**
 * Deterministic BottleNeck-shaped exports at any scale: the ERP, the liaison table and the
 * WooCommerce web export, with the real files' columns and quirks (missing skus, a product
 * and an attachment row per sku, conflicting duplicates, numbers and text mixed in sku),
 * and the figures the agreed monthly process must find in them, computed here independently.
 */
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export type SampleFormat = 'xlsx' | 'csv' | 'parquet';
export type ExportName = 'erp' | 'liaison' | 'web';

export interface SampleOptions {
	webRows: number;
	outDir: string;
	formats: SampleFormat[];
	seed?: number;
	/** 'newer' has duplicates whose total_sales disagree; '2020' has none. */
	variant?: 'newer' | '2020';
	/** 'french': latin-1, ';' and decimal commas, as a French Excel saves CSV. */
	csvStyle?: 'standard' | 'french';
}

export interface ExpectedFigures {
	erp_rows: number;
	liaison_rows: number;
	web_clean_rows: number;
	web_dedup_rows: number;
	merged_rows: number;
	revenue_total: string;
	premium_count: number;
	ordinary_count: number;
	/** What a dedup keeping the first row in file order would wrongly report. */
	revenue_keep_first: string;
	top_product: { sku: string; revenue: string };
}

export interface GeneratedSample {
	files: Record<ExportName, Partial<Record<SampleFormat, string>>>;
	expected: ExpectedFigures;
}

export const ERP_COLUMNS = ['product_id', 'onsale_web', 'price', 'stock_quantity', 'stock_status'];
export const LIAISON_COLUMNS = ['product_id', 'id_web'];
export const WEB_COLUMNS = [
	'sku', 'virtual', 'downloadable', 'rating_count', 'average_rating', 'total_sales', 'tax_status', 'tax_class',
	'post_author', 'post_date', 'post_date_gmt', 'post_content', 'post_title', 'post_excerpt', 'post_status',
	'comment_status', 'ping_status', 'post_password', 'post_name', 'post_modified', 'post_modified_gmt',
	'post_content_filtered', 'post_parent', 'guid', 'menu_order', 'post_type', 'post_mime_type', 'comment_count',
];

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const DOMAINS = ['Château Lacombe', 'Domaine des Hautes Terres', 'Clos Saint-Aubin', 'Maison Verlaine', 'Domaine Rivière', 'Cave de Montrelay', 'Château Belair-Roche', 'Domaine Fournier'];
const CUVEES = ['Rouge', 'Blanc', 'Rosé', 'Grande Réserve', 'Vieilles Vignes', 'Brut', 'Côtes Rôties', 'Cuvée Prestige'];

type Cell = string | number | Date | null;

interface Product {
	productId: number;
	sku: string | number;
	priceCents: number;
	totalSales: number;
	/** Lower total_sales on the attachment row (newer variant's anomaly). */
	attachmentSales: number;
	title: string;
	date: Date;
}

function money(cents: bigint | number): string {
	const value = BigInt(cents);
	const sign = value < 0n ? '-' : '';
	const abs = value < 0n ? -value : value;
	return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export async function generateSample(options: SampleOptions): Promise<GeneratedSample> {
	const rand = random(options.seed ?? 42);
	const variant = options.variant ?? 'newer';
	const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
	const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

	const blankRows = Math.round(options.webRows * 0.055);
	const productCount = Math.max(3, Math.floor((options.webRows - blankRows - 2) / 2));
	const withoutWeb = Math.round(productCount * 0.1275);
	const absentFromWeb = Math.max(1, Math.round(productCount * 0.028));
	const conflicts = variant === 'newer' ? Math.max(1, Math.round(productCount * 0.0042)) : 0;

	const products: Product[] = [];
	for (let i = 0; i < productCount; i++) {
		const id = 3800 + i;
		let sku: string | number = 10000 + i * 3 + int(0, 2);
		if (i === 5) sku = 'gift-card-25';
		else if (i % 331 === 7) sku = `${sku}-1`;
		const priceCents = Math.max(390, Math.round(Math.exp(3.2 + 0.62 * normal()) * 10) * 10);
		const totalSales = rand() < 0.46 ? 0 : Math.min(120, Math.floor(-Math.log(1 - rand()) * 8) + 1);
		const title = `${DOMAINS[int(0, DOMAINS.length - 1)]} ${CUVEES[int(0, CUVEES.length - 1)]} ${int(2010, 2021)}`;
		const date = new Date(Date.UTC(2018, int(0, 11), int(1, 28), int(8, 18), int(0, 59), int(0, 59)));
		products.push({ productId: id, sku, priceCents, totalSales, attachmentSales: totalSales, title, date });
	}
	// Conflicting duplicates: the attachment row says fewer sales, and comes first in the file.
	const conflicted = new Set<number>();
	while (conflicted.size < conflicts) {
		const i = int(0, productCount - 1);
		if (products[i].totalSales < 2 || conflicted.has(i)) continue;
		conflicted.add(i);
		products[i].attachmentSales = int(0, products[i].totalSales - 1);
	}

	// ERP and liaison: every web product, then rows without id_web, then ids the web does not know.
	const erp: Cell[][] = [];
	const liaison: Cell[][] = [];
	for (const p of products) {
		const stock = int(0, 150);
		erp.push([p.productId, 1, p.priceCents / 100, stock, stock > 0 ? 'instock' : 'outofstock']);
		liaison.push([p.productId, p.sku]);
	}
	if (erp.length > 3) (erp[3][3] as number) = -1; // negative stock that reaches the merge
	for (let i = 0; i < withoutWeb + absentFromWeb; i++) {
		const id = 3800 + productCount + i;
		const stock = int(0, 40);
		const price = i < 2 ? -int(1, 9) : Math.round(Math.exp(3 + 0.5 * normal()) * 10) / 10;
		erp.push([id, int(0, 1), price, i === 2 ? -1 : stock, stock > 0 ? 'instock' : 'outofstock']);
		liaison.push([id, i < withoutWeb ? null : 90000000 + i]);
	}

	// Web rows in a shuffled, seeded order.
	type WebRow = { product?: Product; kind: 'product' | 'attachment' | 'blank' | 'nosku' };
	const web: WebRow[] = [];
	for (const p of products) web.push({ product: p, kind: 'product' }, { product: p, kind: 'attachment' });
	for (let i = 0; i < blankRows; i++) web.push({ kind: 'blank' });
	web.push({ kind: 'nosku', product: products[0] }, { kind: 'nosku', product: products[1] });
	for (let i = web.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[web[i], web[j]] = [web[j], web[i]];
	}
	const position = new Map<string, number>();
	web.forEach((row, index) => {
		if (row.product && row.kind !== 'nosku' && row.kind !== 'blank') position.set(`${row.kind}:${row.product.productId}`, index);
	});
	for (const i of conflicted) {
		const p = products[i];
		const [a, b] = [position.get(`product:${p.productId}`)!, position.get(`attachment:${p.productId}`)!];
		if (a < b) [web[a], web[b]] = [web[b], web[a]];
	}

	const webCells = (row: WebRow): Cell[] => {
		if (row.kind === 'blank') return WEB_COLUMNS.map((c) => (c === 'virtual' || c === 'downloadable' || c === 'rating_count' ? 0 : null));
		const p = row.product!;
		const isProduct = row.kind !== 'attachment';
		const slug = p.title.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-');
		const values: Record<string, Cell> = {
			sku: row.kind === 'nosku' ? null : p.sku,
			virtual: 0, downloadable: 0, rating_count: 0, average_rating: 0,
			total_sales: row.kind === 'attachment' ? p.attachmentSales : p.totalSales,
			tax_status: isProduct ? 'taxable' : null, tax_class: null, post_author: 2,
			post_date: p.date, post_date_gmt: p.date, post_content: null, post_title: p.title,
			post_excerpt: isProduct ? `${p.title}: "a wine for the table",\nserved at 16°C.` : null,
			post_status: isProduct ? 'publish' : 'inherit', comment_status: isProduct ? 'closed' : 'open', ping_status: 'closed',
			post_password: null, post_name: slug, post_modified: p.date, post_modified_gmt: p.date, post_content_filtered: null,
			post_parent: 0, guid: isProduct ? `https://shop.example/?post_type=product&p=${row.kind === 'nosku' ? '' : p.sku}` : `https://shop.example/wp-content/uploads/${slug}.jpg`,
			menu_order: 0, post_type: row.kind === 'attachment' ? 'attachment' : 'product',
			post_mime_type: isProduct ? null : 'image/jpeg', comment_count: 0,
		};
		return WEB_COLUMNS.map((c) => values[c]);
	};

	mkdirSync(options.outDir, { recursive: true });
	const tables: Record<ExportName, { columns: string[]; rows: () => Iterable<Cell[]> }> = {
		erp: { columns: ERP_COLUMNS, rows: () => erp },
		liaison: { columns: LIAISON_COLUMNS, rows: () => liaison },
		web: { columns: WEB_COLUMNS, rows: () => (function* () { for (const row of web) yield webCells(row); })() },
	};
	const files: GeneratedSample['files'] = { erp: {}, liaison: {}, web: {} };
	const french = options.csvStyle === 'french';
	const needsCsv = options.formats.includes('csv') || options.formats.includes('parquet');
	for (const name of Object.keys(tables) as ExportName[]) {
		const table = tables[name];
		if (needsCsv) files[name].csv = await writeCsv(join(options.outDir, `${name}.csv`), table.columns, table.rows(), french);
		if (options.formats.includes('xlsx')) files[name].xlsx = await writeXlsx(join(options.outDir, `${name}.xlsx`), table.columns, table.rows());
	}
	if (options.formats.includes('parquet')) await writeParquet(options.outDir, files, french);
	// The CSV was only the road to Parquet: it leaves the folder unless it was asked for.
	if (!options.formats.includes('csv')) {
		for (const name of Object.keys(files) as ExportName[]) {
			if (files[name].csv) rmSync(files[name].csv, { force: true });
			delete files[name].csv;
		}
	}

	const expected = expectedFigures(products, web.map((row) => row.kind === 'product' || row.kind === 'attachment' ? row : undefined), erp.length);
	writeFileSync(join(options.outDir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
	return { files, expected };

	function expectedFigures(all: Product[], order: Array<WebRow | undefined>, erpRows: number): ExpectedFigures {
		let revenue = 0n;
		let top = { sku: '', cents: -1n };
		for (const p of all) {
			const cents = BigInt(p.priceCents) * BigInt(Math.max(p.totalSales, p.attachmentSales));
			revenue += cents;
			if (cents > top.cents) top = { sku: String(p.sku), cents };
		}
		const firstSeen = new Map<number, number>();
		for (const row of order) {
			if (!row || firstSeen.has(row.product!.productId)) continue;
			firstSeen.set(row.product!.productId, row.kind === 'attachment' ? row.product!.attachmentSales : row.product!.totalSales);
		}
		let keepFirst = 0n;
		for (const p of all) keepFirst += BigInt(p.priceCents) * BigInt(firstSeen.get(p.productId)!);
		const prices = all.map((p) => p.priceCents / 100);
		const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
		const std = Math.sqrt(prices.reduce((a, b) => a + (b - mean) ** 2, 0) / prices.length);
		const premium = prices.filter((price) => (price - mean) / std > 2).length;
		return {
			erp_rows: erpRows,
			liaison_rows: erpRows,
			web_clean_rows: all.length * 2,
			web_dedup_rows: all.length,
			merged_rows: all.length,
			revenue_total: money(revenue),
			premium_count: premium,
			ordinary_count: all.length - premium,
			revenue_keep_first: money(keepFirst),
			top_product: { sku: top.sku, revenue: money(top.cents) },
		};
	}
}

function csvField(value: Cell, french: boolean): string {
	if (value === null) return '';
	if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 19);
	if (typeof value === 'number') return french ? String(value).replace('.', ',') : String(value);
	return /[",;\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function writeCsv(path: string, columns: string[], rows: Iterable<Cell[]>, french: boolean): Promise<string> {
	const out = createWriteStream(path, { encoding: french ? 'latin1' : 'utf8' });
	const delimiter = french ? ';' : ',';
	out.write(columns.join(delimiter) + '\n');
	let chunk = '';
	for (const row of rows) {
		chunk += row.map((value) => csvField(value, french)).join(delimiter) + '\n';
		if (chunk.length > 1 << 16) {
			if (!out.write(chunk)) await once(out, 'drain');
			chunk = '';
		}
	}
	out.end(chunk);
	await once(out, 'finish');
	return path;
}

async function writeXlsx(path: string, columns: string[], rows: Iterable<Cell[]>): Promise<string> {
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
	const sheet = workbook.addWorksheet('Sheet1');
	sheet.addRow(columns).commit();
	for (const row of rows) {
		const added = sheet.addRow(row);
		row.forEach((value, index) => {
			if (value instanceof Date) added.getCell(index + 1).numFmt = 'yyyy-mm-dd hh:mm:ss';
		});
		added.commit();
	}
	sheet.commit();
	await workbook.commit();
	return path;
}

/** Parquet from the CSV, every column typed explicitly: sku and id_web mix numbers and text, so text. */
async function writeParquet(dir: string, files: GeneratedSample['files'], french: boolean): Promise<void> {
	const types: Record<ExportName, Record<string, string>> = {
		erp: { product_id: 'BIGINT', onsale_web: 'BIGINT', price: 'DOUBLE', stock_quantity: 'BIGINT', stock_status: 'VARCHAR' },
		liaison: { product_id: 'BIGINT', id_web: 'VARCHAR' },
		web: Object.fromEntries(
			WEB_COLUMNS.map((c) => [
				c,
				/^post_(date|modified)/.test(c) ? 'TIMESTAMP' : ['virtual', 'downloadable', 'rating_count', 'average_rating', 'total_sales', 'post_author', 'post_parent', 'menu_order', 'comment_count'].includes(c) ? 'BIGINT' : 'VARCHAR',
			]),
		),
	};
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	try {
		for (const name of Object.keys(types) as ExportName[]) {
			const columnTypes = Object.entries(types[name]).map(([c, t]) => `'${c}': '${t}'`).join(', ');
			const options = french ? `delim = ';', decimal_separator = ',', encoding = 'latin-1'` : `delim = ','`;
			const target = join(dir, `${name}.parquet`);
			await connection.run(
				`COPY (SELECT * FROM read_csv('${files[name].csv}', header = true, ${options}, columns = {${columnTypes}})) TO '${target}' (FORMAT parquet)`,
			);
			files[name].parquet = target;
		}
	} finally {
		connection.closeSync();
		instance.closeSync();
	}
}
