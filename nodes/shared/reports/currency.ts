/** Currencies offered in reports, with Excel number formats that show the symbol where users expect it. */
export const CURRENCIES: Record<string, { name: string; excelFormat: string }> = {
	EUR: { name: 'Euro (€)', excelFormat: '#,##0.00 "€"' },
	USD: { name: 'US Dollar ($)', excelFormat: '"$"#,##0.00' },
	GBP: { name: 'Pound Sterling (£)', excelFormat: '"£"#,##0.00' },
	CHF: { name: 'Swiss Franc (CHF)', excelFormat: '#,##0.00 "CHF"' },
	CAD: { name: 'Canadian Dollar (CA$)', excelFormat: '"CA$"#,##0.00' },
	JPY: { name: 'Yen (¥)', excelFormat: '"¥"#,##0' },
};

export const currencyOptions = Object.entries(CURRENCIES).map(([value, { name }]) => ({
	name,
	value,
}));

export function excelCurrencyFormat(currency: string): string {
	return CURRENCIES[currency]?.excelFormat ?? `#,##0.00 "${currency.replace(/"/g, '')}"`;
}
