import { COLUMN_LIST_FIELD, findColumns, isText, type Column } from '../../shared/table';
import { quoteIdentifier } from '../../shared/sql';
import type { CleanStep } from './types';
import { listInWords } from './words';

/** The only type names that reach SQL: chosen from this list, never typed by the user. */
const TARGET_TYPES = {
	text: { name: 'Text', words: 'text', sql: () => 'VARCHAR' },
	integer: { name: 'Whole Number', words: 'whole number', sql: () => 'BIGINT' },
	decimal: {
		name: 'Exact Decimal (Money)',
		words: 'money',
		sql: (scale) => `DECIMAL(18, ${scale})`,
	},
	number: { name: 'Number (Floating Point)', words: 'number', sql: () => 'DOUBLE' },
	date: { name: 'Date', words: 'date', sql: () => 'DATE' },
	timestamp: { name: 'Date and Time', words: 'date and time', sql: () => 'TIMESTAMP' },
	boolean: { name: 'True/False', words: 'true/false', sql: () => 'BOOLEAN' },
} satisfies Record<string, { name: string; words: string; sql: (scale: number) => string }>;

export type CastType = keyof typeof TARGET_TYPES;

const NUMERIC_TARGETS = new Set<CastType>(['integer', 'decimal', 'number']);

export const castColumns: CleanStep = {
	value: 'castColumns',
	name: 'Change Column Type',
	description: 'Convert columns to a type, failing or emptying values that do not convert',
	properties: [
		{
			displayName: 'Columns',
			name: 'castColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. price, total_sales',
			...COLUMN_LIST_FIELD,
		},
		{
			displayName: 'To Type',
			name: 'castType',
			type: 'options',
			default: 'number',
			options: Object.entries(TARGET_TYPES).map(([value, { name }]) => ({ name, value })),
		},
		{
			displayName: 'Decimal Places',
			name: 'castScale',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 6 },
			default: 2,
			displayOptions: { show: { castType: ['decimal'] } },
		},
		{
			displayName: 'Accept Decimal Commas',
			name: 'castDecimalComma',
			type: 'boolean',
			default: false,
			description: 'Whether text such as "24,2" or "1 250,50" is read as a number (French exports)',
			displayOptions: { show: { castType: ['integer', 'decimal', 'number'] } },
		},
		{
			displayName: 'When a Value Does Not Convert',
			name: 'onCastError',
			type: 'options',
			default: 'fail',
			options: [
				{ name: 'Stop With an Error Listing the Values', value: 'fail' },
				{ name: 'Set It to Empty (Null)', value: 'null' },
			],
		},
	],
	label: (p) =>
		`convert ${listInWords(p.castColumns, 'and')} to ${(p.castType && TARGET_TYPES[p.castType]?.words) ?? p.castType}`,
	async build({ session, table, parameters, fail }) {
		// A column listed twice is converted once (REPLACE refuses a name twice).
		const columns = [...new Set(findColumns(table, parameters.castColumns))];
		if (!columns.length) fail('No column to convert', 'List the columns to convert, e.g. "price".');
		const targetKey = parameters.castType;
		// Typed by the list, but an expression may give any text.
		const target = targetKey ? TARGET_TYPES[targetKey] : undefined;
		if (!targetKey || !target)
			return fail(
				`Unknown type "${targetKey}"`,
				`Choose one of: ${Object.keys(TARGET_TYPES).join(', ')}.`,
			);
		const scale = Math.max(0, Math.min(6, Math.floor(Number(parameters.castScale ?? 2))));
		const sqlType = target.sql(scale);
		const decimalComma = parameters.castDecimalComma === true && NUMERIC_TARGETS.has(targetKey);

		const converted = (column: Column) => {
			const name = quoteIdentifier(column.name);
			if (decimalComma && isText(column)) {
				return `try_cast(replace(replace(replace(trim(${name}), ' ', ''), chr(160), ''), ',', '.') AS ${sqlType})`;
			}
			return `try_cast(${name} AS ${sqlType})`;
		};

		let emptied = 0;
		for (const column of columns) {
			const name = quoteIdentifier(column.name);
			const bad = `FROM ${table.relation} WHERE ${name} IS NOT NULL AND ${converted(column)} IS NULL`;
			const count = await session.count(`SELECT count(*) ${bad}`);
			if (!count) continue;
			if (parameters.onCastError === 'null') {
				emptied += count;
				continue;
			}
			const samples = await session.rows(
				`SELECT DISTINCT CAST(${name} AS VARCHAR) AS v ${bad} LIMIT 5`,
			);
			fail(
				`${count} value(s) in column "${column.name}" cannot be converted to ${target.name}, e.g. ${samples.map((s) => JSON.stringify(s.v)).join(', ')}`,
				'Fix these values in the export, turn on "Accept Decimal Commas" for French numbers, or choose "Set It to Empty (Null)".',
			);
		}
		const replacements = columns.map((c) => `${converted(c)} AS ${quoteIdentifier(c.name)}`);
		return {
			select: `SELECT * REPLACE (${replacements.join(', ')}) FROM ${table.relation}`,
			details: { valuesEmptied: emptied },
		};
	},
};
