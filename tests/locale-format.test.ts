import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localeProblem, numberFormats } from '../nodes/shared/reports/format';

// Intl's own spaces: fr-FR groups with a narrow no-break space and puts a no-break space before €.
const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('money and numbers in the reader’s locale', () => {
	test('fr-FR / EUR: 70 568,60 €', () => {
		const fr = numberFormats('fr-FR', 'EUR');
		assert.equal(fr.money('70568.60'), `70${NNBSP}568,60${NBSP}€`);
		assert.equal(fr.money('70568.6'), `70${NNBSP}568,60${NBSP}€`);
		assert.equal(fr.count(1513), `1${NNBSP}513`);
		assert.equal(fr.percent(0.0442), `4,4${NBSP}%`);
	});

	test('en-US / USD: $70,568.60', () => {
		const us = numberFormats('en-US', 'USD');
		assert.equal(us.money('70568.60'), '$70,568.60');
		assert.equal(us.count(1513), '1,513');
		assert.equal(us.percent(0.0442), '4.4%');
	});

	test('a negative delta keeps its sign; a rise gets a plus; zero gets none', () => {
		const fr = numberFormats('fr-FR', 'EUR');
		assert.equal(fr.signedMoney('-2961.20'), `-2${NNBSP}961,20${NBSP}€`);
		assert.equal(fr.signedMoney('2961.2'), `+2${NNBSP}961,20${NBSP}€`);
		assert.equal(fr.signedMoney('0.00'), `0,00${NBSP}€`);
		assert.equal(numberFormats('en-US', 'USD').signedMoney('-20'), '-$20.00');
		assert.equal(fr.signedPercent(-0.0347), `-3,5${NBSP}%`);
		assert.equal(numberFormats('en-US').signedPercent(0.12), '+12%');
	});

	test('exact decimal strings are formatted exactly, beyond what a float holds', () => {
		const us = numberFormats('en-US', 'USD');
		assert.equal(us.money('12345678901234567.85'), '$12,345,678,901,234,567.85');
		// Half-up at the cent, on the decimal text itself (0.125 as a float is exact, 1.005 is not).
		assert.equal(us.money('1.005'), '$1.01');
		assert.equal(us.money('-0.125'), '-$0.13');
	});

	test('other locales and currencies: de-CH, en-GB, ja-JP', () => {
		assert.equal(numberFormats('de-CH', 'CHF').money('1234.5'), `CHF${NBSP}1'234.50`);
		assert.equal(numberFormats('en-GB', 'GBP').money('1234.5'), '£1,234.50');
		assert.equal(numberFormats('ja-JP', 'JPY').money('1234'), '￥1,234');
	});

	test('a unit that is no ISO currency goes after the amount; no currency gives the number alone', () => {
		assert.equal(numberFormats('fr-FR', 'pts').money('1234.5'), `1${NNBSP}234,50${NBSP}pts`);
		assert.equal(numberFormats('en-US', '').money('1234.5'), '1,234.50');
		assert.equal(numberFormats('fr-FR', 'eur').money('1'), `1,00${NBSP}€`);
	});

	test('missing values read as a dash; text that is no amount is shown as it is', () => {
		const fr = numberFormats('fr-FR', 'EUR');
		assert.equal(fr.money(null), '—');
		assert.equal(fr.money(''), '—');
		assert.equal(fr.count(undefined), '—');
		assert.equal(fr.percent(Number.NaN), '—');
		assert.equal(fr.money('n/a'), 'n/a');
	});

	test('an empty locale is en-US; a wrong one is refused, naming it', () => {
		assert.equal(numberFormats('', 'USD').locale, 'en-US');
		assert.throws(() => numberFormats('not a locale', 'EUR'), /"not a locale" is not a locale tag/);
		assert.equal(localeProblem('fr-FR'), undefined);
		assert.match(localeProblem('zz-ZZ-x') ?? 'refused', /./);
	});

	test('the symbols a chart library needs', () => {
		assert.deepEqual(numberFormats('fr-FR', 'EUR').symbols, {
			decimal: ',',
			group: NNBSP,
			currencyPrefix: '',
			currencySuffix: `${NBSP}€`,
		});
		assert.deepEqual(numberFormats('en-US', 'USD').symbols, {
			decimal: '.',
			group: ',',
			currencyPrefix: '$',
			currencySuffix: '',
		});
	});
});
