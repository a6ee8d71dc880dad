/**
 * Deterministic BottleNeck-shaped monthly exports at any scale: the ERP, the liaison table and
 * the WooCommerce web export, with the real files' columns (in their order) and their quirks,
 * and the figures the agreed monthly process must find in them (`expected.json`), computed
 * here in plain integer arithmetic from what was generated.
 *
 * Every value is invented (wine-shop vocabulary, log-normal prices, long-tailed sales); no row
 * of the real exports is reproduced. Shapes and quirks, scaled from the real month
 * (see ../shared/bottleneck/SOURCE.md), for N web rows:
 * - web: P ≈ N / 2.12 skus, each on one `product` row and one `attachment` row (the
 *   attachment has no tax_status and, but for the conflicts below, the same total_sales);
 *   ~5.5 % fully blank rows (only virtual, downloadable and rating_count, all 0); 2 product
 *   rows without a sku; all rows in a seeded shuffled order. sku is mostly an integer, with
 *   text ones ('gift-card-25', 'NNNNN-1').
 * - 'newer' variant: ~0.4 % of the skus (at least one from 100 rows) have an attachment row
 *   with fewer total_sales than the product row (a dropped digit: 62 → 2), placed first in the
 *   file, so a dedup keeping the first row under-reports. Product guids end in p=<sku>. The
 *   ERP has a few negative prices (only on rows without id_web), negative stock (one row
 *   reaches the merge) and stock above 0 on `outofstock` rows. The '2020' variant is the same
 *   month without those anomalies: same counts, same revenue, same premium split.
 * - liaison: one row per ERP row, ~11 % empty id_web (kept by the cleaning), ~2.5 % id_web
 *   absent from the web (one of them text); id_web numbers and text match the sku cells.
 * - erp: product_id unique; every row that reaches the merge is on sale with a positive price.
 * - htmlDescriptions: product rows carry long HTML in post_content (500–3000 characters) and
 *   post_excerpt (500–1500), as real WooCommerce exports do: paragraphs, tags with quoted
 *   attributes, entities, accents, commas, semicolons and newlines. Off by default, and then
 *   both columns are as before (post_content empty, short excerpts); the figures never change.
 * - period (the month-over-month history): month `period` of one shop whose month 0, the month
 *   `drift.baseline`, is byte for byte the month generated without `period`. Each later month
 *   delists ~2 % of the catalogue and lists as many new products (new skus and product ids, above
 *   all earlier ones); a product keeps its sku, product_id, texts and dates while listed, its price
 *   is its list price moved by up to ±3 % and its sales vary around its usual level; conflicts,
 *   web order and ERP stock are the month's own. The ERP rows without a product on the web stay
 *   as in month 0. Everything follows from (rows, seed, variant, drift, period): see DriftOptions.
 * - webVolumeFactor: the web export keeps that share of its rows (0.6: a 40 % drop, as a partial
 *   export would); the products left out stay in the ERP and the liaison. expected.json is that
 *   smaller month's truth.
 *
 * Formats: xlsx (ExcelJS streaming writer, sheet 'Sheet1', numbers as numeric cells, text skus
 * as text cells, dates as dates), csv (streamed; 'standard': UTF-8, ',' and '.'; 'french':
 * latin-1, ';' and decimal commas, as a French Excel saves it) and parquet (DuckDB from the
 * csv, every column typed: sku and id_web VARCHAR, price DOUBLE, total_sales BIGINT, dates
 * TIMESTAMP). Memory stays at a few tens of bytes per row: the month is held in typed arrays
 * and every row is formatted when it is written.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type SampleFormat = 'xlsx' | 'csv' | 'parquet';
export type ExportName = 'erp' | 'liaison' | 'web';
export type SampleVariant = 'newer' | '2020';
export type CsvStyle = 'standard' | 'french';

export interface SampleOptions {
	/** Total rows of the web export (header excluded), at least 20. */
	webRows: number;
	/** PRNG seed (an integer, taken modulo 2^32); default 42. */
	seed?: number;
	/** 'newer' (default) carries the anomalies of the newer real files; '2020' has none. */
	variant?: SampleVariant;
	/** Created if missing. Files: erp|liaison|web .xlsx|.csv|.parquet, and expected.json. */
	outDir: string;
	formats: SampleFormat[];
	/** 'french': latin-1, ';' delimiter and decimal commas, as a French Excel saves CSV. Default 'standard'. */
	csvStyle?: CsvStyle;
	/** Long HTML in the web export's post_content and post_excerpt, as in real exports. Default false; same figures either way. */
	htmlDescriptions?: boolean;
	/** 'YYYY-MM': that month of the shop's history (see DriftOptions), named in expected.json. Without it, month 0 without a name. */
	period?: string;
	/** How the shop changes from month to month; only with `period`. */
	drift?: DriftOptions;
	/** Share of the web export's rows kept, in (0, 1]: 0.6 plants a 40 % volume drop. Default 1 (all). */
	webVolumeFactor?: number;
}

/**
 * The shop's month-to-month drift. Month n (n months after `baseline`) is month n − 1 with a
 * seeded `churn` share of the products (at random between half and one and a half times it,
 * at least one; never the gift card) delisted and as many new ones listed, every price at its
 * product's list price moved by a seeded share of up to ±`priceDrift`, every product's sales
 * around its usual level (its month-0 sales, or a level drawn when listed) by about ±30 %, and
 * conflicting duplicates, web order and ERP stock drawn for the month. Every month follows from
 * (rows, seed, variant, drift, period) alone, so months generated one by one are one shop's history.
 */
export interface DriftOptions {
	/** 'YYYY-MM' of month 0 (the month generated without `period`); earlier periods are refused. Default '2020-08', the real exports' month. */
	baseline?: string;
	/** Share of the catalogue replaced each month, in [0, 0.5]. Default 0.02. */
	churn?: number;
	/** Largest relative move of a price from its product's list price, in [0, 0.5]. Default 0.03. */
	priceDrift?: number;
}

/** The figures of the agreed monthly process on the generated month (written to expected.json). */
export interface ExpectedFigures {
	/** The month's 'YYYY-MM', when it was generated with `period` (else absent). */
	period?: string;
	erp_rows: number;
	liaison_rows: number;
	/** Web rows left after dropping the rows with an empty sku. */
	web_clean_rows: number;
	/** One row per sku, keeping the highest total_sales. */
	web_dedup_rows: number;
	/** ERP ⋈ LIAISON on product_id ⋈ WEB on id_web = sku compared as text (inner joins). */
	merged_rows: number;
	/** sum(price × total_sales) over the merged rows, exact, two decimals ("70568.60"). */
	revenue_total: string;
	/** z = (price − mean) / population std over the merged rows; premium if z > 2. */
	premium_count: number;
	ordinary_count: number;
	/** The revenue a dedup keeping the FIRST row in file order would (wrongly) report. */
	revenue_keep_first: string;
	/** The sku with the highest price × total_sales; the generator makes it unique. */
	top_product: { sku: string; revenue: string };
}

/** How the month was built: counts of each quirk, for tests and for the CLI's summary. */
export interface SampleShape {
	variant: SampleVariant;
	seed: number;
	web_rows: number;
	skus: number;
	blank_web_rows: number;
	product_rows_without_sku: number;
	erp_rows: number;
	empty_id_web: number;
	id_web_absent_from_web: number;
	/** Skus whose attachment row has fewer total_sales than the product row (and comes first). */
	conflicting_skus: string[];
	/** Text skus on the web (and in liaison.id_web). */
	text_skus: string[];
	/** Text id_web values that are absent from the web. */
	text_id_web_absent: string[];
	negative_price_rows: number;
	negative_stock_rows: number;
	outofstock_with_stock_rows: number;
	/** With `period`: the month, its distance from drift.baseline and how many products it listed and delisted (0 and 0 in month 0). */
	period?: string;
	months_since_baseline?: number;
	new_products?: number;
	gone_products?: number;
}

export interface GeneratedSample {
	/** Absolute paths, by export and by format. */
	files: Record<ExportName, Partial<Record<SampleFormat, string>>>;
	expected: ExpectedFigures;
	/** Absolute path of expected.json. */
	expectedFile: string;
	shape: SampleShape;
}

/** The real files' headers, in order (SOURCE.md, "Raw structure"). */
export const ERP_COLUMNS = [
	'product_id',
	'onsale_web',
	'price',
	'stock_quantity',
	'stock_status',
] as const;
export const LIAISON_COLUMNS = ['product_id', 'id_web'] as const;
export const WEB_COLUMNS = [
	'sku',
	'virtual',
	'downloadable',
	'rating_count',
	'average_rating',
	'total_sales',
	'tax_status',
	'tax_class',
	'post_author',
	'post_date',
	'post_date_gmt',
	'post_content',
	'post_title',
	'post_excerpt',
	'post_status',
	'comment_status',
	'ping_status',
	'post_password',
	'post_name',
	'post_modified',
	'post_modified_gmt',
	'post_content_filtered',
	'post_parent',
	'guid',
	'menu_order',
	'post_type',
	'post_mime_type',
	'comment_count',
] as const;

const INTEGER_WEB_COLUMNS = new Set([
	'virtual',
	'downloadable',
	'rating_count',
	'total_sales',
	'post_author',
	'post_parent',
	'menu_order',
	'comment_count',
]);
/** DuckDB types of every column, used to turn the csv into parquet. */
export const COLUMN_TYPES: Record<ExportName, Record<string, string>> = {
	erp: {
		product_id: 'BIGINT',
		onsale_web: 'BIGINT',
		price: 'DOUBLE',
		stock_quantity: 'BIGINT',
		stock_status: 'VARCHAR',
	},
	liaison: { product_id: 'BIGINT', id_web: 'VARCHAR' },
	web: Object.fromEntries(
		WEB_COLUMNS.map((c) => [
			c,
			/^post_(date|modified)/.test(c)
				? 'TIMESTAMP'
				: c === 'average_rating'
					? 'DOUBLE'
					: INTEGER_WEB_COLUMNS.has(c)
						? 'BIGINT'
						: 'VARCHAR',
		]),
	),
};

const FORMATS: readonly SampleFormat[] = ['xlsx', 'csv', 'parquet'];
const EXPORTS: readonly ExportName[] = ['erp', 'liaison', 'web'];

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny, fast, and the same sequence for the same seed everywhere. */
class Rng {
	private state: number;
	constructor(seed: number) {
		this.state = seed >>> 0;
	}
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
	/** Standard normal (Box–Muller, one value per two draws). */
	normal(): number {
		return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
	}
	shuffle(values: Int32Array): void {
		for (let i = values.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			const v = values[i];
			values[i] = values[j];
			values[j] = v;
		}
	}
}

/** A 32-bit mix of (seed, stream): each part of the month draws from its own sequence. */
function subSeed(seed: number, stream: number): number {
	let h =
		Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 0x632be5ab, 0xc2b2ae35);
	h ^= h >>> 16;
	h = Math.imul(h, 0x7feb352d);
	h ^= h >>> 15;
	h = Math.imul(h, 0x846ca68b);
	h ^= h >>> 16;
	return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary (invented; every character is in latin-1 so the French CSV can hold it)

const DOMAINS = [
	'Château Lacombe',
	'Domaine des Hautes Terres',
	'Clos Saint-Aubin',
	'Maison Verlaine',
	'Château Belair-Roche',
	'Domaine Fournier-Ravel',
	'Château de la Grève',
	'Domaine Émile Garnaud',
	'Mas des Cigales',
	'Château Peyrolle',
	'Domaine du Vieux Tilleul',
	'Cave de Montrelay',
	'Maison Ardouin Frères',
	'Château Haut-Mirande',
	'Domaine Sorbière',
	'Clos des Pierres Sèches',
	"Domaine de l'Écluse",
	'Château Lestrade',
	'Maison Dubreuil & Fils',
	'Domaine Chanteloup',
	'Château Vignaud',
	'Domaine des Terrasses Rouges',
	'Mas Ferréol',
	'Château Bellevue-Lagarde',
];
const APPELLATIONS = [
	'Bordeaux Supérieur',
	'Côtes du Rhône',
	'Crozes-Hermitage',
	'Saint-Émilion Grand Cru',
	'Mâcon-Villages',
	'Chablis',
	'Sancerre',
	'Alsace Gewürztraminer',
	'Crémant de Loire',
	'Côtes de Provence',
	'Pessac-Léognan',
	'Muscadet Sèvre et Maine',
	'Cahors',
	'Madiran',
	'Vouvray',
	'Châteauneuf-du-Pape',
	'Bourgogne Pinot Noir',
	'Languedoc',
	'Jurançon',
	'Champagne Brut',
	'Minervois',
	'Saumur-Champigny',
	'Pouilly-Fumé',
	'Côte-Rôtie',
	'Banyuls',
	"Armagnac Hors d'Âge",
];
const CUVEES = [
	'',
	'',
	'',
	'Rouge',
	'Blanc',
	'Rosé',
	'Vieilles Vignes',
	'Cuvée Prestige',
	'Les Galets',
	'La Réserve',
	'Grande Cuvée',
	"L'Éclat",
	'Terres Brûlées',
	'Clos des Écureuils',
	'Cuvée « Les Amis »',
	'Rouge, élevé en fût',
	'Sélection "Fût Numéro Un"',
];
const SENTENCES = [
	'Robe grenat aux reflets violines.',
	'Robe or pâle, limpide et brillante.',
	'Nez expressif de fruits noirs, de réglisse et de poivre.',
	"Nez délicat de fleurs blanches et d'agrumes.",
	'Bouche ample, tanins soyeux ; finale longue et fraîche.',
	'Bouche vive et minérale ; belle tension.',
	'Un vin « gourmand » à partager entre amis.',
	'Le vigneron le décrit comme "un vin de copains".',
	"À servir à 16°C sur un gigot d'agneau ou des fromages affinés.",
	"À servir frais, entre 8 et 10°C, à l'apéritif.",
	'Élevé 12 mois en fût de chêne, dont 30 % de fûts neufs.',
	'Vendanges manuelles, tri à la parcelle.',
	'Garde : 5 à 8 ans.',
];
const HTML_SENTENCES = [
	'<strong>Accord mets-vins :</strong> volaille rôtie, champignons.',
	"<em>Médaille d'or</em> au concours régional.",
];

function slugOf(text: string): string {
	return text
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}
const DOMAIN_SLUGS = DOMAINS.map(slugOf);
const APPELLATION_SLUGS = APPELLATIONS.map(slugOf);
const CUVEE_SLUGS = CUVEES.map(slugOf);

const SITE = 'https://www.cave-exemple.fr';
const GIFT_CARD_SKU = 'gift-card-25';
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

// Long HTML descriptions. Characters outside latin-1 (’ — … œ) are written as entities, as
// WordPress often stores them, so the French CSV still holds every description.
const HTML_DETAILS = [
	'Le domaine, fondé en 1898, s&#8217;étend sur 24 hectares de coteaux argilo-calcaires ; les vignes ont en moyenne 45 ans.',
	'Vinification en cuves inox thermorégulées, macération de 21 jours ; pigeages quotidiens, puis élevage sur lies fines.',
	'Notre "coup de c&oelig;ur" de l&#8217;année : fruité, gourmand et d&#8217;une belle fraîcheur.',
	'Certifié Agriculture Biologique (AB) depuis 2012 ; labours au cheval, aucun désherbant, enherbement naturel.',
	'Production limitée à 3&nbsp;200 bouteilles, numérotées à la main &mdash; il n&#8217;y en aura pas pour tout le monde.',
	'Carafer une heure avant le service ; il n&#8217;en sera que meilleur.',
	'Notes de cerise burlat, de violette et d&#8217;épices douces, avec une pointe de cacao en finale&hellip;',
	'Livraison sous 48&nbsp;h &amp; emballage anti-casse offert dès 6 bouteilles.',
	'Jean-Marc, notre caviste, le conseille "sans hésiter" pour les repas de fête, les grillades et les plats mijotés.',
	'Les raisins sont récoltés à la main, triés grain par grain, puis éraflés à 100&nbsp;%.',
	'Un millésime solaire, aux rendements faibles (28 hl/ha) ; concentration et équilibre sont au rendez-vous.',
	'L&#8217;abus d&#8217;alcool est dangereux pour la santé, à consommer avec modération.',
];
const HTML_POOL = [...SENTENCES, ...HTML_DETAILS];
const HTML_HEADINGS = [
	'Dégustation',
	'Le domaine',
	'Vinification &amp; élevage',
	'Accords mets-vins',
	'Conseils de service',
	'Le millésime',
	'Notre avis',
];
const GRAPES = [
	'Merlot',
	'Cabernet franc',
	'Cabernet-sauvignon',
	'Syrah',
	'Grenache',
	'Mourvèdre',
	'Chardonnay',
	'Sauvignon blanc',
	'Chenin',
	'Pinot noir',
	'Gamay',
	'Malbec',
	'Tannat',
	'Sémillon',
	'Viognier',
];
const SOILS = [
	'argilo-calcaire',
	'graves et sables',
	'schistes bleus',
	'galets roulés sur argiles rouges',
	'granite décomposé',
	'marnes à huîtres fossiles',
];
const GUIDES = [
	'Guide Hachette des Vins 2020',
	'La Revue du Vin de France',
	'Bettane &amp; Desseauve',
	'Gilbert &amp; Gaillard',
	'Le Petit Ballon',
];
/** No block after the list, with its separator, is longer (417 with this vocabulary), so blocks added below max − this never pass max. */
const HTML_BLOCK_MAX = 420;

function htmlSentences(rng: Rng, count: number, separator: string): string {
	let text = rng.pick(HTML_POOL);
	for (let k = 1; k < count; k++) text += separator + rng.pick(HTML_POOL);
	return text;
}

function htmlDetailsList(rng: Rng): string {
	const share = rng.int(5, 9) * 10;
	let list = `<ul class="caracteristiques">\n<li><strong>Cépages&nbsp;:</strong> ${rng.pick(GRAPES)} ${share}&nbsp;%, ${rng.pick(GRAPES)} ${100 - share}&nbsp;%</li>`;
	if (rng.chance(0.7))
		list += `\n<li><strong>Degré :</strong> ${rng.int(11, 15)},${rng.int(0, 9)}&nbsp;% vol.</li>`;
	if (rng.chance(0.7)) list += `\n<li><strong>Sol :</strong> ${rng.pick(SOILS)}</li>`;
	if (rng.chance(0.7))
		list += `\n<li><strong>Service :</strong> ${rng.int(8, 18)}&deg;C ; carafage conseillé</li>`;
	if (rng.chance(0.7))
		list += `\n<li><strong>Garde :</strong> jusqu&#8217;en ${rng.int(2022, 2040)}</li>`;
	return list + '\n<li><strong>Contenance :</strong> 75&nbsp;cl</li>\n</ul>';
}

/** One block after the opening paragraph and the list: the kinds of markup real product pages mix. */
function htmlBlock(rng: Rng): string {
	switch (rng.int(0, 5)) {
		case 0:
			return `<p>${htmlSentences(rng, rng.int(2, 3), ' ')}</p>`;
		case 1: // pasted from a word processor
			return `<p><span style="font-weight: 400;">${htmlSentences(rng, rng.int(1, 2), ' ')}</span></p>`;
		case 2: // no tags: WordPress adds the <p> on display
			return htmlSentences(rng, rng.int(2, 3), ' ');
		case 3:
			return `<h3>${rng.pick(HTML_HEADINGS)}</h3>\n<p>${htmlSentences(rng, rng.int(2, 3), '<br />\n')}</p>`;
		case 4:
			return `<blockquote>&laquo;&nbsp;${rng.pick(HTML_POOL)}&nbsp;&raquo; &mdash; <em>${rng.pick(GUIDES)}</em></blockquote>`;
		default: {
			const a = rng.int(0, APPELLATIONS.length - 1);
			const image = rng.int(1000, 99999);
			return (
				`[caption id="attachment_${image}" align="alignright" width="300"]<img class="size-medium wp-image-${image}" ` +
				`src="${SITE}/wp-content/uploads/2019/05/bouteille-${image}-300x300.jpg" alt="" width="300" height="300" /> Étiquette[/caption]\n` +
				`<p>Voir aussi : <a href="${SITE}/categorie/${APPELLATION_SLUGS[a]}/" title="Nos vins ${APPELLATIONS[a]}">tous nos ${APPELLATIONS[a]}</a>.</p>`
			);
		}
	}
}

/** An HTML description of `min`–`max` characters: an opening paragraph, the list of details, then blocks up to a drawn length. */
function htmlDescription(rng: Rng, title: string, min: number, max: number): string {
	const separator = rng.chance(0.5) ? '\n' : '\n\n';
	const target = rng.int(min, max - HTML_BLOCK_MAX);
	let html = `<p><strong>${title}</strong>&nbsp;: ${htmlSentences(rng, rng.int(2, 3), ' ')}</p>${separator}${htmlDetailsList(rng)}`;
	while (html.length < target) html += separator + htmlBlock(rng);
	return html;
}

// ---------------------------------------------------------------------------------------------
// The month, in typed arrays

/** A cell; in a table's date columns, a number is a wall-clock time in seconds since 1970. */
type Cell = string | number | null;

interface Month {
	variant: SampleVariant;
	webRows: number;
	/** Joined products (one sku each), indexed 0..P-1. */
	products: number;
	productId: Int32Array;
	/** Integer sku, or -1 when the sku is text (see textSku). */
	skuNumber: Int32Array;
	textSku: Map<number, string>;
	priceCents: Int32Array;
	/** total_sales on the product row and on the attachment row. */
	sales: Int32Array;
	attachmentSales: Int32Array;
	/** The products of the conflicting skus (in the 2020 files the same products, their two rows equal). */
	conflicted: number[];
	/** Per-product seed for its title, excerpt and author. */
	textSeed: Uint32Array;
	/** Local (Paris) wall-clock times, seconds since 1970 read as UTC. */
	postDate: Float64Array;
	postModified: Float64Array;
	/** Product rows without a sku: their own text seed, dates, sales and post id. */
	noSku: Array<{
		textSeed: number;
		postDate: number;
		postModified: number;
		sales: number;
		postId: number;
	}>;
	/** Web file order: position → slot (2i product row of product i, 2i+1 its attachment, then no-sku rows, then blank rows). */
	order: Int32Array;
	/** ERP rows, in product_id order. */
	erpId: Int32Array;
	/** ≥ 0: the joined product; -1: empty id_web; -2 - k: id_web absentIdWeb[k], unknown to the web. */
	erpLink: Int32Array;
	erpPriceCents: Int32Array;
	erpOnsale: Uint8Array;
	erpStock: Int32Array;
	erpOutOfStock: Uint8Array;
	absentIdWeb: Array<number | string>;
}

function skuOf(month: Month, i: number): string | number {
	const n = month.skuNumber[i];
	return n >= 0 ? n : month.textSku.get(i)!;
}

/** Prices in cents: log-normal (median ~24 €), rounded to whole euros, tenths or cents like a wine list. */
function winePriceCents(rng: Rng, median: number, sigma: number): number {
	const euros = Math.min(990, Math.max(3.9, median * Math.exp(sigma * rng.normal())));
	const roll = rng.next();
	if (roll < 0.27) return Math.max(4, Math.round(euros)) * 100;
	if (roll < 0.97) return Math.round(euros * 10) * 10;
	return Math.round(euros) * 100 - 5;
}

/** Units sold in the month: ~46 % zero, else a long tail (median 3, max a few hundred). */
function monthlySales(rng: Rng): number {
	if (rng.chance(0.46)) return 0;
	return Math.min(400, Math.max(1, Math.round(Math.exp(0.9 + 1.3 * rng.normal()))));
}

const SECONDS_FIRST_POST = Date.UTC(2018, 1, 1) / 1000;
const SECONDS_LAST_POST = Date.UTC(2020, 6, 20) / 1000;
const SECONDS_FIRST_MODIFIED = Date.UTC(2020, 6, 21) / 1000;
const SECONDS_LAST_MODIFIED = Date.UTC(2020, 7, 31) / 1000;

/** A wall-clock time of day between 08:00 and 19:59, on a random day of the range. */
function postTime(rng: Rng, from: number, to: number): number {
	const day = Math.floor(from / 86400) + rng.int(0, Math.floor((to - from) / 86400));
	return day * 86400 + rng.int(8 * 3600, 20 * 3600 - 1);
}

function lastSundayUtc(year: number, month: number): number {
	const last = new Date(Date.UTC(year, month + 1, 0));
	return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay()) / 1000;
}
const summerTime = new Map<number, [number, number]>();
/** Paris wall clock → GMT: minus 2 h in summer time (last Sunday of March to last Sunday of October), else 1 h. */
function gmtOf(local: number): number {
	const year = new Date(local * 1000).getUTCFullYear();
	let summer = summerTime.get(year);
	if (!summer)
		summerTime.set(
			year,
			(summer = [lastSundayUtc(year, 2) + 2 * 3600, lastSundayUtc(year, 9) + 3 * 3600]),
		);
	return local - (local >= summer[0] && local < summer[1] ? 7200 : 3600);
}

const NO_SKU_ROWS = 2;
/** Joined products for N web rows: each has two rows; 2 product rows without sku and ~5.5 % blank rows fill the rest. */
function productsFor(webRows: number): number {
	return Math.floor((webRows - NO_SKU_ROWS - Math.round(webRows * 0.055)) / 2);
}

function buildMonth(webRows: number, seed: number, variant: SampleVariant): Month {
	const newer = variant === 'newer';
	const rng = (stream: number) => new Rng(subSeed(seed, stream));

	// Sizes, scaled from the real month (1513 web rows: 83 blank, 2 without sku, 714 skus; 825 ERP rows: 91 without id_web, 20 unknown to the web).
	const products = productsFor(webRows);
	const emptyIdWeb = Math.max(2, Math.round((products * 91) / 714));
	const absentFromWeb = Math.max(2, Math.round((products * 20) / 714));
	const erpRows = products + emptyIdWeb + absentFromWeb;
	const anomalies =
		webRows >= 100
			? Math.max(1, Math.round((products * 3) / 714))
			: Math.round((products * 3) / 714);
	const dashSkus = Math.max(1, Math.round(products / 714));
	const dashAbsent = Math.max(1, Math.round(products / 714));

	// Skus and the id_web values unknown to the web: one pool of distinct integers, shuffled.
	const skuRng = rng(1);
	const pool = new Int32Array(products + absentFromWeb);
	for (let k = 0, value = skuRng.int(100, 400); k < pool.length; k++, value += skuRng.int(1, 40))
		pool[k] = value;
	skuRng.shuffle(pool);
	const skuNumber = pool.slice(0, products);
	const textSku = new Map<number, string>();
	textSku.set(0, GIFT_CARD_SKU);
	while (textSku.size < 1 + dashSkus) {
		const i = skuRng.int(1, products - 1);
		if (!textSku.has(i)) textSku.set(i, `${10000 + skuNumber[i]}-1`);
	}
	for (const i of textSku.keys()) skuNumber[i] = -1;
	const absentIdWeb: Array<number | string> = Array.from(pool.subarray(products));
	for (let k = 0; k < dashAbsent; k++) absentIdWeb[k] = `${10000 + (absentIdWeb[k] as number)}-1`;

	// Prices, sales, texts and dates of the products.
	const valueRng = rng(2);
	const priceCents = new Int32Array(products);
	const sales = new Int32Array(products);
	for (let i = 0; i < products; i++) {
		priceCents[i] = winePriceCents(valueRng, 24, 0.7);
		sales[i] = monthlySales(valueRng);
	}
	priceCents[0] = 2500; // the gift card
	const textRng = rng(3);
	const textSeed = new Uint32Array(products);
	const postDate = new Float64Array(products);
	const postModified = new Float64Array(products);
	for (let i = 0; i < products; i++) {
		textSeed[i] = textRng.int(0, 0xffffffff);
		postDate[i] = postTime(textRng, SECONDS_FIRST_POST, SECONDS_LAST_POST);
		postModified[i] = postTime(textRng, SECONDS_FIRST_MODIFIED, SECONDS_LAST_MODIFIED);
	}

	// Top sellers whose attachment row drops a digit in the newer files (62 → 2). Both variants
	// carry the same sales on the product row, so the two variants share every figure.
	const attachmentSales = sales.slice();
	const conflicted = plantConflicts(rng(4), anomalies, sales, attachmentSales, newer);
	makePremiumSplitRobust(priceCents);
	makeTopProductUnique(priceCents, sales, attachmentSales);
	const order = webOrder(rng(5), webRows, products, conflicted, newer);

	// ERP: ascending product ids; a shuffled role per row (joined product, empty id_web, unknown id_web).
	const erpRng = rng(6);
	const erpId = new Int32Array(erpRows);
	for (
		let r = 0, id = erpRng.int(3800, 3900);
		r < erpRows;
		r++, id += 1 + (erpRng.chance(0.35) ? erpRng.int(1, 5) : 0)
	)
		erpId[r] = id;
	const erpLink = new Int32Array(erpRows);
	for (let r = 0; r < erpRows; r++) erpLink[r] = r;
	erpRng.shuffle(erpLink);
	const productId = new Int32Array(products);
	const erpPriceCents = new Int32Array(erpRows);
	const erpOnsale = new Uint8Array(erpRows);
	const erpStock = new Int32Array(erpRows);
	const erpOutOfStock = new Uint8Array(erpRows);
	const withoutIdWeb: number[] = [];
	const joinedRows: number[] = [];
	for (let r = 0; r < erpRows; r++) {
		const role = erpLink[r];
		erpStock[r] = drawStock(erpRng);
		erpOutOfStock[r] = erpStock[r] === 0 ? 1 : 0;
		if (role < products) {
			productId[role] = erpId[r];
			erpPriceCents[r] = priceCents[role];
			erpOnsale[r] = 1;
			joinedRows.push(r);
			if (role === 0) {
				erpStock[r] = 0; // the gift card: no stock, yet 'instock'
				erpOutOfStock[r] = 0;
			}
		} else {
			erpPriceCents[r] = winePriceCents(erpRng, 20, 0.6);
			erpOnsale[r] = erpRng.chance(0.03) ? 1 : 0;
			if (role < products + emptyIdWeb) {
				erpLink[r] = -1;
				withoutIdWeb.push(r);
			} else {
				erpLink[r] = -2 - (role - products - emptyIdWeb);
			}
		}
	}

	// The newer files' ERP anomalies (in the 2020 files the same rows hold the positive values).
	const negativePrices = Math.min(
		withoutIdWeb.length,
		Math.max(1, Math.round((erpRows * 2) / 825)),
	);
	const priceRows = sample(erpRng, withoutIdWeb, negativePrices);
	for (const r of priceRows) erpPriceCents[r] = (newer ? -1 : 1) * erpRng.int(1, 9) * 100;
	const negativeStockJoined = sample(
		erpRng,
		joinedRows.filter((r) => erpLink[r] !== 0),
		Math.max(1, Math.round(products / 714)),
	);
	const negativePriceRows = new Set(priceRows);
	const negativeStockOther = sample(
		erpRng,
		withoutIdWeb.filter((r) => !negativePriceRows.has(r)),
		Math.max(1, Math.round(erpRows / 825)),
	);
	for (const r of [...negativeStockJoined, ...negativeStockOther]) {
		erpStock[r] = newer ? -1 : 0;
		erpOutOfStock[r] = 1;
	}
	const negativeStock = new Set([...negativeStockJoined, ...negativeStockOther]);
	const outOfStockRows: number[] = [];
	for (let r = 0; r < erpRows; r++)
		if (erpStock[r] === 0 && erpOutOfStock[r] === 1 && erpLink[r] !== 0 && !negativeStock.has(r))
			outOfStockRows.push(r);
	const stockedButOut = sample(
		erpRng,
		outOfStockRows,
		Math.max(1, Math.round((erpRows * 5) / 825)),
	);
	for (const r of stockedButOut) erpStock[r] = newer ? erpRng.int(1, 48) : 0;

	// Product rows without a sku.
	const noSkuRng = rng(7);
	const noSku = Array.from({ length: NO_SKU_ROWS }, (_, k) => ({
		textSeed: noSkuRng.int(0, 0xffffffff),
		postDate: postTime(noSkuRng, SECONDS_FIRST_POST, SECONDS_LAST_POST),
		postModified: postTime(noSkuRng, SECONDS_FIRST_MODIFIED, SECONDS_LAST_MODIFIED),
		sales: monthlySales(noSkuRng),
		postId: erpId[erpRows - 1] + 1 + k,
	}));

	return {
		variant,
		webRows,
		products,
		productId,
		skuNumber,
		textSku,
		priceCents,
		sales,
		attachmentSales,
		conflicted,
		textSeed,
		postDate,
		postModified,
		noSku,
		order,
		erpId,
		erpLink,
		erpPriceCents,
		erpOnsale,
		erpStock,
		erpOutOfStock,
		absentIdWeb,
	};
}

/** The month's quirks, counted from what it holds. */
function shapeOf(month: Month, seed: number): SampleShape {
	const {
		variant,
		webRows,
		products,
		noSku,
		erpId,
		erpLink,
		erpPriceCents,
		erpStock,
		erpOutOfStock,
		absentIdWeb,
	} = month;
	let emptyIdWeb = 0;
	let negativePrices = 0;
	let negativeStock = 0;
	let stockedButOut = 0;
	for (let r = 0; r < erpId.length; r++) {
		if (erpLink[r] === -1) emptyIdWeb++;
		if (erpPriceCents[r] < 0) negativePrices++;
		if (erpStock[r] < 0) negativeStock++;
		else if (erpStock[r] > 0 && erpOutOfStock[r] === 1) stockedButOut++;
	}
	return {
		variant,
		seed,
		web_rows: webRows,
		skus: products,
		blank_web_rows: webRows - noSku.length - 2 * products,
		product_rows_without_sku: noSku.length,
		erp_rows: erpId.length,
		empty_id_web: emptyIdWeb,
		id_web_absent_from_web: absentIdWeb.length,
		conflicting_skus:
			variant === 'newer' ? month.conflicted.map((i) => String(skuOf(month, i))) : [],
		text_skus: [...month.textSku.values()],
		text_id_web_absent: absentIdWeb.filter((v): v is string => typeof v === 'string'),
		negative_price_rows: negativePrices,
		negative_stock_rows: negativeStock,
		outofstock_with_stock_rows: stockedButOut,
	};
}

/** Top sellers whose attachment row drops a digit in the newer files (62 → 2); the gift card (0) never. */
function plantConflicts(
	rng: Rng,
	count: number,
	sales: Int32Array,
	attachmentSales: Int32Array,
	newer: boolean,
): number[] {
	const conflicted: number[] = [];
	const chosen = new Set<number>([0]);
	while (conflicted.length < count) {
		const i = rng.int(1, sales.length - 1);
		if (chosen.has(i)) continue;
		chosen.add(i);
		conflicted.push(i);
		sales[i] = rng.int(20, 99);
		attachmentSales[i] = newer ? sales[i] % 10 : sales[i];
	}
	return conflicted;
}

/** Web file order: a seeded shuffle; in the newer files each conflicting sku's lower (attachment) row goes first. */
function webOrder(
	rng: Rng,
	webRows: number,
	products: number,
	conflicted: readonly number[],
	newer: boolean,
): Int32Array {
	const order = new Int32Array(webRows);
	for (let k = 0; k < webRows; k++) order[k] = k;
	rng.shuffle(order);
	if (newer && conflicted.length) {
		const position = new Int32Array(2 * products);
		for (let k = 0; k < webRows; k++) if (order[k] < 2 * products) position[order[k]] = k;
		for (const i of conflicted) {
			const [p, a] = [position[2 * i], position[2 * i + 1]];
			if (p < a) [order[p], order[a]] = [order[a], order[p]];
		}
	}
	return order;
}

/** An ERP row's stock: 0 (out of stock) for ~22 % of rows, else log-normal up to 900. */
function drawStock(rng: Rng): number {
	return rng.chance(0.78)
		? Math.min(900, Math.max(1, Math.round(Math.exp(2.6 + 1.1 * rng.normal()))))
		: 0;
}

/** `count` distinct items of `items`, in a seeded order. */
function sample(rng: Rng, items: readonly number[], count: number): number[] {
	const copy = Int32Array.from(items);
	rng.shuffle(copy);
	return Array.from(copy.subarray(0, Math.min(count, copy.length)));
}

/**
 * Exact premium split: z > 2 ⇔ n·c − S > 0 and (n·c − S)² > 4·(n·Q − S²), with S and Q the sum
 * and sum of squares of the prices in cents (population variance = (n·Q − S²) / n²).
 */
function premiumCount(priceCents: Int32Array): number {
	const n = BigInt(priceCents.length);
	let sum = 0n;
	let squares = 0n;
	for (const c of priceCents) {
		sum += BigInt(c);
		squares += BigInt(c) * BigInt(c);
	}
	const spread = 4n * (n * squares - sum * sum);
	let count = 0;
	for (const c of priceCents) {
		const d = n * BigInt(c) - sum;
		if (d > 0n && d * d > spread) count++;
	}
	return count;
}

/**
 * A price whose z-score is within 1e-8 of 2 (where a floating-point z-score could land on either
 * side of the cut-off) is moved up 10 cents, so every engine finds the exact split.
 */
function makePremiumSplitRobust(priceCents: Int32Array): void {
	for (let attempt = 0; attempt < 20; attempt++) {
		const n = priceCents.length;
		let mean = 0;
		for (const c of priceCents) mean += c;
		mean /= n;
		let variance = 0;
		for (const c of priceCents) variance += (c - mean) ** 2;
		const std = Math.sqrt(variance / n);
		let moved = false;
		for (let i = 0; i < n; i++) {
			if (std > 0 && Math.abs((priceCents[i] - mean) / std - 2) < 1e-8) {
				priceCents[i] += 10;
				moved = true;
			}
		}
		if (!moved) return;
	}
}

/** One more unit sold for the first of several products tied at the top revenue. */
function makeTopProductUnique(
	priceCents: Int32Array,
	sales: Int32Array,
	attachmentSales: Int32Array,
): void {
	let best = -1;
	let top = -1;
	let tied = false;
	for (let i = 0; i < priceCents.length; i++) {
		const revenue = priceCents[i] * sales[i];
		if (revenue > best) [best, top, tied] = [revenue, i, false];
		else if (revenue === best) tied = true;
	}
	if (tied) {
		if (attachmentSales[top] === sales[top]) attachmentSales[top]++;
		sales[top]++;
	}
}

// ---------------------------------------------------------------------------------------------
// Month-over-month drift and the web volume drop

const DEFAULT_DRIFT: Required<DriftOptions> = {
	baseline: '2020-08',
	churn: 0.02,
	priceDrift: 0.03,
};
// Random streams of their own, apart from the month's (1–7).
const CHURN_STREAM = 8;
const NEW_PRODUCT_STREAM = 9;
const MONTH_STREAM = 10;
const VOLUME_STREAM = 11;

const streamRng = (seed: number, stream: number, index: number) =>
	new Rng(subSeed(subSeed(seed, stream), index));

/** 'YYYY-MM' → months since year 0. */
function monthNumber(period: unknown, name: string): number {
	const match = typeof period === 'string' ? /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period) : null;
	if (!match) throw new RangeError(`${name} must be a 'YYYY-MM' month (got ${String(period)})`);
	return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The first and the last day (00:00) of a month number, in seconds since 1970. */
function monthDays(month: number): [number, number] {
	const [year, index] = [Math.floor(month / 12), month % 12];
	return [Date.UTC(year, index, 1) / 1000, Date.UTC(year, index + 1, 0) / 1000];
}

/**
 * The catalogue `months` months after month 0. Each month delists a seeded ~`churn` share of the
 * products (never the gift card, index 0) and lists as many new ones in their places; the n-th
 * product listed since month 0 has identity `products + n`. Returns, per index, the identity and
 * the month it was listed (0: month 0's product of that index), and the last month's change.
 */
function catalogueAt(
	products: number,
	seed: number,
	months: number,
	churn: number,
): { identity: Int32Array; listedIn: Int32Array; changed: number } {
	const identity = new Int32Array(products);
	const listedIn = new Int32Array(products);
	for (let i = 0; i < products; i++) identity[i] = i;
	let next = products;
	let changed = 0;
	for (let month = 1; month <= months; month++) {
		const rng = streamRng(seed, CHURN_STREAM, month);
		changed =
			churn > 0
				? Math.min(products - 1, Math.max(1, Math.round(products * churn * (0.5 + rng.next()))))
				: 0;
		const delisted = new Set<number>();
		while (delisted.size < changed) delisted.add(rng.int(1, products - 1));
		for (const i of delisted) {
			identity[i] = next++;
			listedIn[i] = month;
		}
	}
	return { identity, listedIn, changed };
}

/** Month `months` (≥ 1) of the shop whose month 0 is `base`: see `DriftOptions`. */
function driftMonth(
	base: Month,
	seed: number,
	months: number,
	baselineMonth: number,
	drift: Required<DriftOptions>,
): { month: Month; changed: number } {
	const { products, variant, webRows } = base;
	const newer = variant === 'newer';
	const { identity, listedIn, changed } = catalogueAt(products, seed, months, drift.churn);

	// New products get skus and product ids above all earlier ones (the no-sku rows' post ids follow the ERP's last id).
	let skuFloor = 0;
	for (const sku of base.skuNumber) skuFloor = Math.max(skuFloor, sku);
	for (const id of base.absentIdWeb) if (typeof id === 'number') skuFloor = Math.max(skuFloor, id);
	const idFloor = base.erpId[base.erpId.length - 1] + base.noSku.length;
	let newest = 0;
	for (const id of identity) newest = Math.max(newest, id - products + 1);
	if (skuFloor + 20 * newest > 0x7fffffff || idFloor + 3 * newest > 0x7fffffff) {
		throw new RangeError(
			`${newest} products listed since drift.baseline would take skus or product ids past 32 bits: a period nearer the baseline, or a smaller churn`,
		);
	}
	const productId = base.productId.slice();
	const skuNumber = base.skuNumber.slice();
	const textSku = new Map<number, string>();
	const priceCents = base.priceCents.slice(); // list prices
	const salesLevel = base.sales.slice();
	const textSeed = base.textSeed.slice();
	const postDate = base.postDate.slice();
	const postModified = base.postModified.slice();
	for (let i = 0; i < products; i++) {
		if (listedIn[i] === 0) {
			const text = base.textSku.get(i);
			if (text !== undefined) textSku.set(i, text);
			continue;
		}
		const rank = identity[i] - products;
		const rng = streamRng(seed, NEW_PRODUCT_STREAM, identity[i]);
		skuNumber[i] = skuFloor + 20 * rank + rng.int(1, 20);
		productId[i] = idFloor + 3 * rank + rng.int(1, 3);
		priceCents[i] = winePriceCents(rng, 24, 0.7);
		salesLevel[i] = monthlySales(rng);
		textSeed[i] = rng.int(0, 0xffffffff);
		const [first, last] = monthDays(baselineMonth + listedIn[i]);
		postDate[i] = postTime(rng, first, last);
		postModified[i] = Math.max(postDate[i], postTime(rng, first, last));
	}

	// The month's prices (the gift card's never moves), sales, conflicts and web order.
	const rng = streamRng(seed, MONTH_STREAM, months);
	const sales = new Int32Array(products);
	for (let i = 0; i < products; i++) {
		if (i > 0)
			priceCents[i] =
				Math.round((priceCents[i] * (1 + drift.priceDrift * (2 * rng.next() - 1))) / 10) * 10;
		sales[i] = monthSales(rng, salesLevel[i]);
	}
	const attachmentSales = sales.slice();
	const conflicted = plantConflicts(rng, base.conflicted.length, sales, attachmentSales, newer);
	makePremiumSplitRobust(priceCents);
	makeTopProductUnique(priceCents, sales, attachmentSales);
	const order = webOrder(rng, webRows, products, conflicted, newer);

	// ERP, in product_id order: month 0's rows without a product on the web, as they were, and a row
	// per listed product with the month's stock and, in the newer files, its stock anomalies.
	const baseRows: number[] = [];
	for (let r = 0; r < base.erpId.length; r++) if (base.erpLink[r] < 0) baseRows.push(r);
	const erpRows = baseRows.length + products;
	/** ≥ 0: the product of that index; < 0: month 0's ERP row −1 − source. */
	const sources = [
		...baseRows.map((r) => -1 - r),
		...Array.from({ length: products }, (_, i) => i),
	];
	const idOf = (source: number) => (source < 0 ? base.erpId[-1 - source] : productId[source]);
	sources.sort((a, b) => idOf(a) - idOf(b));
	const erpId = new Int32Array(erpRows);
	const erpLink = new Int32Array(erpRows);
	const erpPriceCents = new Int32Array(erpRows);
	const erpOnsale = new Uint8Array(erpRows);
	const erpStock = new Int32Array(erpRows);
	const erpOutOfStock = new Uint8Array(erpRows);
	const stocked: number[] = [];
	sources.forEach((source, r) => {
		erpId[r] = idOf(source);
		if (source < 0) {
			const b = -1 - source;
			[erpLink[r], erpPriceCents[r], erpOnsale[r], erpStock[r], erpOutOfStock[r]] = [
				base.erpLink[b],
				base.erpPriceCents[b],
				base.erpOnsale[b],
				base.erpStock[b],
				base.erpOutOfStock[b],
			];
			return;
		}
		[erpLink[r], erpPriceCents[r], erpOnsale[r]] = [source, priceCents[source], 1];
		if (source === 0) return; // the gift card: no stock, yet 'instock'
		erpStock[r] = drawStock(rng);
		erpOutOfStock[r] = erpStock[r] === 0 ? 1 : 0;
		stocked.push(r);
	});
	const negativeStock = new Set(sample(rng, stocked, Math.max(1, Math.round(products / 714))));
	for (const r of negativeStock) {
		erpStock[r] = newer ? -1 : 0;
		erpOutOfStock[r] = 1;
	}
	const outOfStock = stocked.filter((r) => erpStock[r] === 0 && !negativeStock.has(r));
	for (const r of sample(rng, outOfStock, Math.max(1, Math.round((products * 5) / 825))))
		erpStock[r] = newer ? rng.int(1, 48) : 0;

	const month: Month = {
		variant,
		webRows,
		products,
		productId,
		skuNumber,
		textSku,
		priceCents,
		sales,
		attachmentSales,
		conflicted,
		textSeed,
		postDate,
		postModified,
		noSku: base.noSku,
		order,
		erpId,
		erpLink,
		erpPriceCents,
		erpOnsale,
		erpStock,
		erpOutOfStock,
		absentIdWeb: base.absentIdWeb,
	};
	return { month, changed };
}

/** A month's units sold of a product that sells `level` in a typical month: about ±30 %; one in ten months none, or a first few sales. */
function monthSales(rng: Rng, level: number): number {
	if (rng.chance(0.1)) return level > 0 ? 0 : rng.int(1, 3);
	return level > 0
		? Math.min(400, Math.max(1, Math.round(level * Math.exp(0.3 * rng.normal()))))
		: 0;
}

/** The values of `values` at the indexes `keep`, in that order. */
function subset<T extends Int32Array | Uint32Array | Float64Array>(
	values: T,
	keep: readonly number[],
): T {
	const out = new (values.constructor as new (length: number) => T)(keep.length);
	keep.forEach((from, to) => (out[to] = values[from]));
	return out;
}

/**
 * The month with `factor` of its web rows: the gift card, the conflicting skus and a seeded
 * choice of the other products keep both their rows; blank rows shrink alike. The other products
 * stay in the ERP and the liaison, their id_web now unknown to the web.
 */
function shrinkWeb(month: Month, factor: number, rng: Rng): Month {
	const webRows = Math.round(month.webRows * factor);
	const products = Math.min(month.products, productsFor(webRows));
	const conflicts = month.conflicted.slice(0, products - 1);
	const pinned = new Set([0, ...conflicts]);
	const others: number[] = [];
	for (let i = 1; i < month.products; i++) if (!pinned.has(i)) others.push(i);
	const keep = [...pinned, ...sample(rng, others, products - pinned.size)].sort((a, b) => a - b);
	const indexOf = new Int32Array(month.products).fill(-1);
	keep.forEach((from, to) => (indexOf[from] = to));

	const textSku = new Map<number, string>();
	for (const [i, text] of month.textSku) if (indexOf[i] >= 0) textSku.set(indexOf[i], text);
	const priceCents = subset(month.priceCents, keep);
	const sales = subset(month.sales, keep);
	const attachmentSales = subset(month.attachmentSales, keep);
	const conflicted = conflicts.map((i) => indexOf[i]);
	makePremiumSplitRobust(priceCents);
	makeTopProductUnique(priceCents, sales, attachmentSales);

	const absentIdWeb = [...month.absentIdWeb];
	const erpLink = month.erpLink.slice();
	const erpPriceCents = month.erpPriceCents.slice();
	for (let r = 0; r < erpLink.length; r++) {
		const link = erpLink[r];
		if (link < 0) continue;
		if (indexOf[link] < 0) {
			erpLink[r] = -2 - absentIdWeb.length;
			absentIdWeb.push(skuOf(month, link));
		} else {
			erpLink[r] = indexOf[link];
			erpPriceCents[r] = priceCents[indexOf[link]];
		}
	}
	return {
		...month,
		webRows,
		products,
		textSku,
		priceCents,
		sales,
		attachmentSales,
		conflicted,
		erpLink,
		erpPriceCents,
		absentIdWeb,
		productId: subset(month.productId, keep),
		skuNumber: subset(month.skuNumber, keep),
		textSeed: subset(month.textSeed, keep),
		postDate: subset(month.postDate, keep),
		postModified: subset(month.postModified, keep),
		order: webOrder(rng, webRows, products, conflicted, month.variant === 'newer'),
	};
}

// ---------------------------------------------------------------------------------------------
// Expected figures

function money(cents: bigint): string {
	const sign = cents < 0n ? '-' : '';
	const abs = cents < 0n ? -cents : cents;
	return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

function expectedFigures(month: Month): ExpectedFigures {
	const { products, priceCents, sales, attachmentSales, order } = month;
	const position = new Int32Array(2 * products);
	for (let k = 0; k < order.length; k++) if (order[k] < 2 * products) position[order[k]] = k;
	let revenue = 0n;
	let keepFirst = 0n;
	let top = 0;
	for (let i = 0; i < products; i++) {
		const price = BigInt(priceCents[i]);
		revenue += price * BigInt(Math.max(sales[i], attachmentSales[i]));
		keepFirst +=
			price * BigInt(position[2 * i] < position[2 * i + 1] ? sales[i] : attachmentSales[i]);
		if (
			priceCents[i] * Math.max(sales[i], attachmentSales[i]) >
			priceCents[top] * Math.max(sales[top], attachmentSales[top])
		)
			top = i;
	}
	const premium = premiumCount(priceCents);
	return {
		erp_rows: month.erpId.length,
		liaison_rows: month.erpId.length,
		web_clean_rows: 2 * products,
		web_dedup_rows: products,
		merged_rows: products,
		revenue_total: money(revenue),
		premium_count: premium,
		ordinary_count: products - premium,
		revenue_keep_first: money(keepFirst),
		top_product: {
			sku: String(skuOf(month, top)),
			revenue: money(BigInt(priceCents[top]) * BigInt(Math.max(sales[top], attachmentSales[top]))),
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Rows

interface TableSource {
	columns: readonly string[];
	/** Indexes of the columns whose numbers are wall-clock times (seconds since 1970). */
	dates: ReadonlySet<number>;
	rows: number;
	/** Fills `out` with row k's cells (the array is reused). */
	row(k: number, out: Cell[]): void;
}

/** Title, slug, excerpt and author of a product, all from its text seed. */
function productText(
	seed: number,
	withExcerpt: boolean,
): { title: string; slug: string; excerpt: string | null; author: number } {
	const rng = new Rng(seed);
	const d = rng.int(0, DOMAINS.length - 1);
	const a = rng.int(0, APPELLATIONS.length - 1);
	const c = rng.int(0, CUVEES.length - 1);
	const vintage = rng.chance(0.85) ? String(rng.int(2008, 2019)) : '';
	const author = rng.chance(0.002) ? 1 : 2;
	const title = [DOMAINS[d], APPELLATIONS[a], CUVEES[c], vintage].filter(Boolean).join(' ');
	const slug = [DOMAIN_SLUGS[d], APPELLATION_SLUGS[a], CUVEE_SLUGS[c], vintage]
		.filter(Boolean)
		.join('-');
	if (!withExcerpt) return { title, slug, excerpt: null, author };
	const sentences: string[] = [];
	for (let k = rng.int(1, 4); k > 0; k--) sentences.push(rng.pick(SENTENCES));
	if (rng.chance(0.2)) sentences.push(rng.pick(HTML_SENTENCES));
	let excerpt = sentences.join(rng.chance(0.2) ? '\n' : ' ');
	if (rng.chance(0.1)) excerpt = `<p>${excerpt}</p>`;
	return { title, slug, excerpt, author };
}

function giftCardText(): { title: string; slug: string; excerpt: string; author: number } {
	return {
		title: 'Carte cadeau 25 euros',
		slug: 'carte-cadeau-25-euros',
		excerpt: 'Offrez la carte cadeau de 25 euros, valable un an sur toute la boutique.',
		author: 2,
	};
}

function webSource(month: Month, htmlDescriptions: boolean): TableSource {
	const { products, order, noSku } = month;
	const newer = month.variant === 'newer';
	const index = Object.fromEntries(WEB_COLUMNS.map((c, k) => [c, k])) as Record<
		(typeof WEB_COLUMNS)[number],
		number
	>;
	return {
		columns: WEB_COLUMNS,
		dates: new Set([
			index.post_date,
			index.post_date_gmt,
			index.post_modified,
			index.post_modified_gmt,
		]),
		rows: month.webRows,
		row(k, out) {
			out.fill(null);
			const slot = order[k];
			out[index.virtual] = 0;
			out[index.downloadable] = 0;
			out[index.rating_count] = 0;
			if (slot >= 2 * products + noSku.length) return; // a blank row
			const isNoSku = slot >= 2 * products;
			const i = slot >> 1;
			const attachment = !isNoSku && (slot & 1) === 1;
			const extra = isNoSku ? noSku[slot - 2 * products] : undefined;
			const textSeed = extra ? extra.textSeed : month.textSeed[i];
			// With HTML descriptions the short excerpt is not drawn; the title, slug and author are the same either way.
			const text =
				!isNoSku && i === 0
					? giftCardText()
					: productText(textSeed, !attachment && !htmlDescriptions);
			const posted = extra ? extra.postDate : month.postDate[i];
			const modified = extra ? extra.postModified : month.postModified[i];
			out[index.sku] = isNoSku ? null : skuOf(month, i);
			out[index.average_rating] = 0;
			out[index.total_sales] = extra
				? extra.sales
				: attachment
					? month.attachmentSales[i]
					: month.sales[i];
			out[index.tax_status] = attachment ? null : 'taxable';
			out[index.post_author] = text.author;
			out[index.post_date] = posted;
			out[index.post_date_gmt] = gmtOf(posted);
			out[index.post_title] = text.title;
			if (attachment) out[index.post_excerpt] = null;
			else if (htmlDescriptions) {
				// Its own stream from the product's text seed, so the other columns draw exactly as without the option.
				const html = new Rng(subSeed(textSeed, 1));
				out[index.post_content] = htmlDescription(html, text.title, 500, 3000);
				out[index.post_excerpt] = htmlDescription(html, text.title, 500, 1500);
			} else out[index.post_excerpt] = text.excerpt;
			out[index.post_status] = 'publish';
			out[index.comment_status] = 'closed';
			out[index.ping_status] = 'closed';
			out[index.post_name] = text.slug;
			out[index.post_modified] = modified;
			out[index.post_modified_gmt] = gmtOf(modified);
			out[index.post_parent] = 0;
			if (attachment) {
				const folder = stampText(posted).slice(0, 7).replace('-', '/');
				out[index.guid] = `${SITE}/wp-content/uploads/${folder}/${text.slug}.jpg`;
			} else {
				const post = extra
					? newer
						? ''
						: String(extra.postId)
					: String(newer ? skuOf(month, i) : month.productId[i]);
				out[index.guid] = `${SITE}/?post_type=product&#038;p=${post}`;
			}
			out[index.menu_order] = 0;
			out[index.post_type] = attachment ? 'attachment' : 'product';
			out[index.post_mime_type] = attachment ? 'image/jpeg' : null;
			out[index.comment_count] = 0;
		},
	};
}

function erpSource(month: Month): TableSource {
	return {
		columns: ERP_COLUMNS,
		dates: new Set(),
		rows: month.erpId.length,
		row(r, out) {
			out[0] = month.erpId[r];
			out[1] = month.erpOnsale[r];
			out[2] = month.erpPriceCents[r] / 100;
			out[3] = month.erpStock[r];
			out[4] = month.erpOutOfStock[r] ? 'outofstock' : 'instock';
		},
	};
}

function liaisonSource(month: Month): TableSource {
	return {
		columns: LIAISON_COLUMNS,
		dates: new Set(),
		rows: month.erpId.length,
		row(r, out) {
			const link = month.erpLink[r];
			out[0] = month.erpId[r];
			out[1] = link >= 0 ? skuOf(month, link) : link === -1 ? null : month.absentIdWeb[-2 - link];
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Writers

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const dayTexts = new Map<number, string>();
/** 'YYYY-MM-DD HH:MM:SS' (ISO 8601 date and time, space-separated, no zone: a wall-clock time). */
function stampText(seconds: number): string {
	const day = Math.floor(seconds / 86400);
	let date = dayTexts.get(day);
	if (date === undefined)
		dayTexts.set(day, (date = new Date(day * 86400000).toISOString().slice(0, 10)));
	const time = seconds - day * 86400;
	return `${date} ${TWO_DIGITS[Math.floor(time / 3600)]}:${TWO_DIGITS[Math.floor(time / 60) % 60]}:${TWO_DIGITS[time % 60]}`;
}

async function writeCsv(path: string, source: TableSource, french: boolean): Promise<string> {
	const delimiter = french ? ';' : ',';
	const needsQuotes = french ? /[";\r\n]/ : /[",\r\n]/;
	const encoding: BufferEncoding = french ? 'latin1' : 'utf8';
	const field = (value: Cell, column: number): string => {
		if (value === null) return '';
		if (typeof value === 'number') {
			if (source.dates.has(column)) return stampText(value);
			return french ? String(value).replace('.', ',') : String(value);
		}
		return needsQuotes.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
	};
	/** The file in chunks of about 1 MB, formatted as the stream asks for them. */
	function* chunks(): Generator<Buffer> {
		const cells: Cell[] = new Array<Cell>(source.columns.length).fill(null);
		let buffer = source.columns.join(delimiter) + '\n';
		for (let k = 0; k < source.rows; k++) {
			source.row(k, cells);
			let line = field(cells[0], 0);
			for (let c = 1; c < cells.length; c++) line += delimiter + field(cells[c], c);
			buffer += line + '\n';
			if (buffer.length >= 1 << 20) {
				yield Buffer.from(buffer, encoding);
				buffer = '';
			}
		}
		yield Buffer.from(buffer, encoding);
	}
	await pipeline(Readable.from(chunks()), createWriteStream(path));
	return path;
}

/** Text written between two turns of the event loop: well under the 64 KB the zip compresses per turn, so it keeps pace. */
const XLSX_CHARS_PER_TURN = 16 * 1024;

async function writeXlsx(path: string, source: TableSource): Promise<string> {
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
		filename: path,
		useSharedStrings: false,
		useStyles: true,
	});
	const sheet = workbook.addWorksheet('Sheet1');
	sheet.addRow([...source.columns]).commit();
	const cells: Cell[] = new Array<Cell>(source.columns.length).fill(null);
	const values: Array<Cell | Date> = [];
	let written = 0;
	for (let k = 0; k < source.rows; k++) {
		source.row(k, cells);
		for (let c = 0; c < cells.length; c++) {
			const cell = cells[c];
			values[c] = typeof cell === 'number' && source.dates.has(c) ? new Date(cell * 1000) : cell;
			written += typeof cell === 'string' ? cell.length : 16;
		}
		const row = sheet.addRow(values);
		for (const c of source.dates) if (values[c] !== null) row.getCell(c + 1).numFmt = DATE_FORMAT;
		row.commit();
		// ExcelJS's sheet stream never pushes back, and the zip compresses only when the event loop turns:
		// without these turns the whole sheet's XML would wait in memory (RSS grew with the row count).
		if (written >= XLSX_CHARS_PER_TURN) {
			written = 0;
			await new Promise(setImmediate);
		}
	}
	sheet.commit();
	await workbook.commit();
	return path;
}

function sqlString(text: string): string {
	return `'${text.replace(/'/g, "''")}'`;
}

/** Parquet from each csv, every column typed explicitly (sku and id_web stay text). */
async function writeParquet(
	csv: Record<ExportName, string>,
	outDir: string,
	french: boolean,
): Promise<Record<ExportName, string>> {
	// A bounded buffer pool: the copy streams, so the file's size does not matter.
	const instance = await DuckDBInstance.create(':memory:', { memory_limit: '512MB' });
	const connection = await instance.connect();
	const written = {} as Record<ExportName, string>;
	try {
		for (const name of EXPORTS) {
			const columns = Object.entries(COLUMN_TYPES[name])
				.map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`)
				.join(', ');
			const dialect = french
				? `delim = ';', decimal_separator = ',', encoding = 'latin-1'`
				: `delim = ','`;
			const target = join(outDir, `${name}.parquet`);
			await connection.run(
				`COPY (SELECT * FROM read_csv(${sqlString(csv[name])}, header = true, auto_detect = false, ${dialect}, quote = '"', escape = '"', ` +
					`timestampformat = '%Y-%m-%d %H:%M:%S', columns = {${columns}})) TO ${sqlString(target)} (FORMAT parquet)`,
			);
			written[name] = target;
		}
	} finally {
		connection.closeSync();
		instance.closeSync();
	}
	return written;
}

// ---------------------------------------------------------------------------------------------

export async function generateSample(options: SampleOptions): Promise<GeneratedSample> {
	const { webRows, formats } = options;
	const seed = options.seed ?? 42;
	const variant = options.variant ?? 'newer';
	const csvStyle = options.csvStyle ?? 'standard';
	const htmlDescriptions = options.htmlDescriptions ?? false;
	if (!Number.isSafeInteger(webRows) || webRows < 20)
		throw new RangeError(`webRows must be an integer of at least 20 (got ${webRows})`);
	if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
	if (variant !== 'newer' && variant !== '2020')
		throw new RangeError(`variant must be 'newer' or '2020' (got ${String(variant)})`);
	if (csvStyle !== 'standard' && csvStyle !== 'french')
		throw new RangeError(`csvStyle must be 'standard' or 'french' (got ${String(csvStyle)})`);
	if (typeof htmlDescriptions !== 'boolean')
		throw new RangeError(
			`htmlDescriptions must be true or false (got ${String(htmlDescriptions)})`,
		);
	if (!formats.length || formats.some((f) => !FORMATS.includes(f)))
		throw new RangeError(
			`formats must be some of ${FORMATS.join(', ')} (got ${formats.join(', ')})`,
		);
	const { period } = options;
	if (options.drift !== undefined && period === undefined)
		throw new RangeError('drift needs a period');
	const drift: Required<DriftOptions> = {
		baseline: options.drift?.baseline ?? DEFAULT_DRIFT.baseline,
		churn: options.drift?.churn ?? DEFAULT_DRIFT.churn,
		priceDrift: options.drift?.priceDrift ?? DEFAULT_DRIFT.priceDrift,
	};
	const months =
		period === undefined
			? 0
			: monthNumber(period, 'period') - monthNumber(drift.baseline, 'drift.baseline');
	if (months < 0)
		throw new RangeError(`period ${period} is before drift.baseline ${drift.baseline}`);
	for (const knob of ['churn', 'priceDrift'] as const) {
		if (!(drift[knob] >= 0 && drift[knob] <= 0.5))
			throw new RangeError(
				`drift.${knob} must be a share from 0 to 0.5 (got ${String(drift[knob])})`,
			);
	}
	const webVolumeFactor = options.webVolumeFactor ?? 1;
	if (
		!(webVolumeFactor > 0 && webVolumeFactor <= 1) ||
		Math.round(webRows * webVolumeFactor) < 20
	) {
		throw new RangeError(
			`webVolumeFactor must be in (0, 1] and keep at least 20 web rows (got ${String(webVolumeFactor)})`,
		);
	}

	const outDir = resolve(options.outDir);
	mkdirSync(outDir, { recursive: true });
	let month = buildMonth(webRows, seed, variant);
	let changed = 0;
	if (months > 0)
		({ month, changed } = driftMonth(
			month,
			seed,
			months,
			monthNumber(drift.baseline, 'drift.baseline'),
			drift,
		));
	if (webVolumeFactor < 1)
		month = shrinkWeb(month, webVolumeFactor, streamRng(seed, VOLUME_STREAM, months));
	const sources: Record<ExportName, TableSource> = {
		erp: erpSource(month),
		liaison: liaisonSource(month),
		web: webSource(month, htmlDescriptions),
	};
	const files: GeneratedSample['files'] = { erp: {}, liaison: {}, web: {} };
	const french = csvStyle === 'french';

	if (formats.includes('xlsx'))
		for (const name of EXPORTS)
			files[name].xlsx = await writeXlsx(join(outDir, `${name}.xlsx`), sources[name]);
	if (formats.includes('csv') || formats.includes('parquet')) {
		// Without csv among the formats, the csv is only a step to the parquet and is written elsewhere,
		// so that the folder holds one file per export and format asked for.
		const csvDir = formats.includes('csv') ? outDir : mkdtempSync(join(tmpdir(), 'sample-csv-'));
		try {
			const csv = {} as Record<ExportName, string>;
			for (const name of EXPORTS)
				csv[name] = await writeCsv(join(csvDir, `${name}.csv`), sources[name], french);
			if (formats.includes('csv')) for (const name of EXPORTS) files[name].csv = csv[name];
			if (formats.includes('parquet')) {
				const parquet = await writeParquet(csv, outDir, french);
				for (const name of EXPORTS) files[name].parquet = parquet[name];
			}
		} finally {
			if (csvDir !== outDir) rmSync(csvDir, { recursive: true, force: true });
		}
	}

	const expected =
		period === undefined ? expectedFigures(month) : { period, ...expectedFigures(month) };
	const expectedFile = join(outDir, 'expected.json');
	writeFileSync(expectedFile, JSON.stringify(expected, null, 2) + '\n');
	const shape = shapeOf(month, seed);
	if (period !== undefined)
		Object.assign(shape, {
			period,
			months_since_baseline: months,
			new_products: changed,
			gone_products: changed,
		});
	return { files, expected, expectedFile, shape };
}
