/**
 * The month-over-month history: what one recorded period holds, and the one small interface
 * both stores implement (an embedded DuckDB database file, and Postgres for queue mode).
 * Products are tables and stay tables: they move between the node's DuckDB session and a store
 * without a row ever passing through JavaScript.
 */
import type { DuckSession } from '../duckdb';

/** A period key, `YYYY-MM`. */
export type Period = string;

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The version of the stores' tables this package writes and reads; a store from a newer one is refused. */
export const HISTORY_SCHEMA_VERSION = 1;

/**
 * The columns of a period's products, in this order, as a relation in the session:
 * product_key VARCHAR (normalised key text, never NULL, unique in a period), label VARCHAR,
 * price DECIMAL(18,2), quantity DOUBLE, revenue DECIMAL(38,2), premium BOOLEAN.
 */
export const PRODUCT_COLUMNS = [
	'product_key',
	'label',
	'price',
	'quantity',
	'revenue',
	'premium',
] as const;
export const PRODUCT_COLUMN_TYPES: Readonly<Record<(typeof PRODUCT_COLUMNS)[number], string>> = {
	product_key: 'VARCHAR',
	label: 'VARCHAR',
	price: 'DECIMAL(18,2)',
	quantity: 'DOUBLE',
	revenue: 'DECIMAL(38,2)',
	premium: 'BOOLEAN',
};

export interface CheckResult {
	name: string;
	status: string;
	observed: string | null;
	expected: string | null;
}

/** Everything but the products of one recorded period. */
export interface PeriodRun {
	period: Period;
	/**
	 * The run's figures: the seven reference keys (erp_rows, liaison_rows, web_clean_rows,
	 * web_dedup_rows, merged_rows, revenue_total, premium_count) plus ordinary_count, and any
	 * other figure the run had. Money as exact decimal strings ("70568.60"), counts as numbers.
	 */
	figures: Record<string, number | string>;
	checks: CheckResult[];
	/** ISO 8601. */
	startedAt: string;
	durationMs: number;
}

export interface HistoryStore {
	/** What a person reads in a message: "history file /data/history.duckdb", "Postgres history (db@host:5432)". */
	readonly description: string;
	/**
	 * Stores `run` and the products in `productsRelation` (a relation of `session` with
	 * PRODUCT_COLUMNS) under run.period, replacing that period atomically if it is already
	 * there: a reader sees the old period or the new one, never both or neither. Records of
	 * different periods at the same time never lose one another.
	 */
	record(session: DuckSession, run: PeriodRun, productsRelation: string): Promise<void>;
	/** Every recorded period's run, oldest period first. */
	runs(): Promise<PeriodRun[]>;
	/**
	 * A recorded period's products as a temporary table of `session` (PRODUCT_COLUMNS), its name
	 * returned (already quoted, ready for SQL); undefined when the period is not recorded.
	 */
	loadProducts(session: DuckSession, period: Period): Promise<string | undefined>;
	/** Releases what the store holds (a file lock, a connection pool). Safe to call twice. */
	close(): Promise<void>;
}

/** A store that cannot be used as it is: corrupt, locked past the wait, missing a table, from a newer schema. */
export class HistoryStoreError extends Error {
	constructor(
		message: string,
		/** How to fix it, for the NodeOperationError's description. */
		readonly fix: string,
	) {
		super(message);
		this.name = 'HistoryStoreError';
	}
}
