/**
 * Money and numbers in the reader's locale, for everything a manager reads: Slack, the email,
 * the chart and the dashboard ("70 568,60 €" in fr-FR, "$70,568.60" in en-US). The one place
 * the package formats figures for a locale. Exact decimal strings are given to Intl as strings,
 * which formats them exactly (ECMA-402 NumberFormat v3): no cent is lost through a float.
 * summary.json keeps the exact machine values; these strings are for reading only.
 */

export interface NumberFormats {
	readonly locale: string;
	/** ISO 4217 code ("EUR"), another unit ("pts") shown after the amount, or empty. */
	readonly currency: string;
	/** "70568.6" → "70 568,60 €"; a missing amount → "—". */
	money(amount: string | number | null | undefined): string;
	/** With its sign unless zero: "+2 961,20 €", "-20,00 €", "0,00 €". */
	signedMoney(amount: string | number | null | undefined): string;
	/** 1513 → "1 513". */
	count(value: number | null | undefined): string;
	/** A decimal rounded to `digits` (default 2): 28.106 → "28,11". */
	number(value: number | null | undefined, digits?: number): string;
	/** A share of 1 as a percentage, 1 decimal by default: 0.0442 → "4,4 %". */
	percent(share: number | null | undefined, digits?: number): string;
	/** "+4,4 %", "-3 %", "0 %". */
	signedPercent(share: number | null | undefined, digits?: number): string;
	/** The separators and currency affixes, e.g. for a chart library's own number formatting. */
	readonly symbols: {
		decimal: string;
		group: string;
		currencyPrefix: string;
		currencySuffix: string;
	};
}

/** The locale used when none is set: what the package showed before locales existed. */
export const DEFAULT_LOCALE = 'en-US';

const MISSING = '—';
/** The ISO 4217 codes this runtime's Intl knows. */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Why `locale` cannot be used, or undefined when it can. */
export function localeProblem(locale: string): string | undefined {
	try {
		if (Intl.NumberFormat.supportedLocalesOf([locale]).length) return undefined;
		return `"${locale}" is not a locale this n8n knows`;
	} catch {
		return `"${locale}" is not a locale tag`;
	}
}

/**
 * The formats for `locale` (a BCP 47 tag such as "fr-FR"; empty: DEFAULT_LOCALE) and `currency`.
 * Throws a RangeError naming the locale when it is not one.
 */
export function numberFormats(locale: string, currency = ''): NumberFormats {
	const tag = locale.trim() || DEFAULT_LOCALE;
	const problem = localeProblem(tag);
	if (problem) throw new RangeError(`${problem}: use a tag such as fr-FR, en-US or de-CH.`);
	const code = currency.trim();
	const iso = ISO_CURRENCIES.has(code.toUpperCase()) ? code.toUpperCase() : undefined;
	const unit = !iso && code ? `\u00a0${code}` : '';
	const moneyOptions: Intl.NumberFormatOptions = iso
		? { style: 'currency', currency: iso }
		: { minimumFractionDigits: 2, maximumFractionDigits: 2 };
	const moneyFormat = new Intl.NumberFormat(tag, moneyOptions);
	const signedMoneyFormat = new Intl.NumberFormat(tag, {
		...moneyOptions,
		signDisplay: 'exceptZero',
	});
	const countFormat = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
	const cache = new Map<string, Intl.NumberFormat>();
	const cached = (key: string, options: Intl.NumberFormatOptions) => {
		let format = cache.get(key);
		if (!format) cache.set(key, (format = new Intl.NumberFormat(tag, options)));
		return format;
	};
	// Intl takes exact decimal strings (typed as numbers in TypeScript's lib).
	const exact = (amount: string | number) =>
		typeof amount === 'string' ? (amount.trim() as unknown as number) : amount;
	const isMissing = (value: unknown) =>
		value === null ||
		value === undefined ||
		value === '' ||
		(typeof value === 'number' && !Number.isFinite(value));
	const validAmount = (amount: string | number) =>
		typeof amount === 'number' || /^\s*-?\d+(\.\d*)?\s*$/.test(amount);

	const parts = new Intl.NumberFormat(
		tag,
		iso ? { style: 'currency', currency: iso } : {},
	).formatToParts(12345.5);
	// A positive amount: a negative one puts the sign between the symbol and the digits ("CHF-12'345.50").
	const before = parts.slice(
		0,
		parts.findIndex((part) => part.type === 'integer'),
	);
	const after = parts.slice(parts.findIndex((part) => part.type === 'fraction') + 1);
	const affix = (side: Intl.NumberFormatPart[]) =>
		side
			.filter((part) => part.type === 'currency' || part.type === 'literal')
			.map((part) => part.value)
			.join('');

	return {
		locale: tag,
		currency: code,
		money: (amount) => {
			if (isMissing(amount)) return MISSING;
			if (!validAmount(amount!)) return `${String(amount)}${unit}`;
			return moneyFormat.format(exact(amount!)) + unit;
		},
		signedMoney: (amount) => {
			if (isMissing(amount)) return MISSING;
			if (!validAmount(amount!)) return `${String(amount)}${unit}`;
			return signedMoneyFormat.format(exact(amount!)) + unit;
		},
		count: (value) => (isMissing(value) ? MISSING : countFormat.format(value!)),
		number: (value, digits = 2) =>
			isMissing(value)
				? MISSING
				: cached(`n${digits}`, { maximumFractionDigits: digits }).format(value!),
		percent: (share, digits = 1) =>
			isMissing(share)
				? MISSING
				: cached(`p${digits}`, { style: 'percent', maximumFractionDigits: digits }).format(share!),
		signedPercent: (share, digits = 1) =>
			isMissing(share)
				? MISSING
				: cached(`s${digits}`, {
						style: 'percent',
						maximumFractionDigits: digits,
						signDisplay: 'exceptZero',
					}).format(share!),
		symbols: {
			decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
			group: parts.find((part) => part.type === 'group')?.value ?? ',',
			currencyPrefix: iso ? affix(before) : '',
			currencySuffix: iso ? affix(after) : unit,
		},
	};
}
