/**
 * What the chart and the dashboard draw: plain data read from the history store and this
 * month's products by Sales History's Compare. Money as exact decimal strings, as the store keeps it.
 */

/** One month's revenue total. */
export interface MonthRevenue {
	/** YYYY-MM. */
	period: string;
	/** Exact decimal string, e.g. "70568.60". */
	revenue: string;
	/** True for the month this report is for (drawn highlighted). */
	current: boolean;
}

/** The Pareto curve of this month's products: cumulative revenue share against share of products, best sellers first. */
export interface ParetoCurve {
	/** From (0, 0) to (1, 1), productShare ascending; at most a few hundred points, sampled from every product. */
	points: Array<{ productShare: number; revenueShare: number }>;
	/** Products with revenue this month. */
	products: number;
	/** The fewest best sellers that make 80 % of the revenue; null when there is no revenue. */
	eighty: { products: number; productShare: number } | null;
}

export interface ChartData {
	/** YYYY-MM: the month of this report. */
	period: string;
	/** The last 12 recorded months up to this one, oldest first, this month included (current: true). */
	trend: MonthRevenue[];
	pareto: ParetoCurve;
}

/** One product, this month against the month before. */
export interface ProductChangeRow {
	key: string;
	label: string | null;
	/** Null when the product has no sales this month (gone). */
	revenue: string | null;
	/** Null when the product had no sales the month before (new). */
	revenuePrevious: string | null;
	/** revenue - revenuePrevious, a missing side counting as 0. */
	change: string;
	premium: boolean;
	premiumPrevious: boolean;
}

export interface CheckStatus {
	name: string;
	/** pass, warn, fail, skipped, or what a check reported. */
	status: string;
	observed: string | null;
	expected: string | null;
}

export interface DashboardData {
	period: string;
	/** The month compared with; null when none is recorded before this one. */
	previousPeriod: string | null;
	/** Generated at (ISO 8601). */
	generatedAt: string;
	revenueTotal: string;
	revenueChange: string | null;
	/** Percent rounded to 1 decimal (4.4 means +4.4 %), null without a previous total. */
	revenueChangePercent: number | null;
	premiumCount: number;
	/** As ChartData's. */
	trend: MonthRevenue[];
	/** The products with the largest changes first (by absolute change); capped, see productsTotal. */
	products: ProductChangeRow[];
	/** How many products the comparison had in all (more than products.length when capped). */
	productsTotal: number;
	premiumIn: Array<{ key: string; label: string | null }>;
	premiumOut: Array<{ key: string; label: string | null }>;
	/** Every recorded month's checks, oldest first, this month last. */
	checkHistory: Array<{ period: string; checks: CheckStatus[] }>;
	/** Recorded runs, oldest first (this month's run is recorded after the report is sent). */
	durations: Array<{ period: string; startedAt: string; durationMs: number }>;
}
