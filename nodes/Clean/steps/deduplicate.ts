import type { IDataObject } from 'n8n-workflow';
import { COLUMN_FIELD, COLUMN_LIST_FIELD, findColumn, findColumns } from '../../shared/table';
import { quoteIdentifier, quoteList } from '../../shared/sql';
import type { CleanStepParameters } from '../parameters';
import type { CleanStep } from './types';
import { listInWords } from './words';

const STRATEGIES = {
	highest: 'Keep the Row With the Highest Value',
	lowest: 'Keep the Row With the Lowest Value',
	first: 'Keep the First Row (File Order)',
	last: 'Keep the Last Row (File Order)',
	failOnConflict: 'Stop if Duplicates Disagree',
} satisfies Record<string, string>;

export type DedupStrategy = keyof typeof STRATEGIES;

/** How each rule reads in a step's label. */
const KEEP_IN_WORDS: Record<DedupStrategy, (p: CleanStepParameters) => string> = {
	highest: (p) => `keep highest ${listInWords(p.dedupOrderColumn, 'and')}`,
	lowest: (p) => `keep lowest ${listInWords(p.dedupOrderColumn, 'and')}`,
	first: () => 'keep first',
	last: () => 'keep last',
	failOnConflict: () => 'stop if they disagree',
};

// Helper columns, named so they cannot meet a real export's columns.
const ROW = '"__sales_analytics_row"';
const RANK = '"__sales_analytics_rank"';

export const deduplicate: CleanStep = {
	value: 'deduplicate',
	name: 'Remove Duplicates',
	description: 'Keep one row per key, chosen by a rule',
	properties: [
		{
			displayName: 'Key Columns',
			name: 'dedupKeys',
			type: 'string',
			default: '',
			placeholder: 'e.g. sku',
			description: 'Columns that identify a row; rows with the same values are duplicates',
			...COLUMN_LIST_FIELD,
		},
		{
			displayName: 'Which Row to Keep',
			name: 'dedupStrategy',
			type: 'options',
			default: 'highest',
			options: Object.entries(STRATEGIES).map(([value, name]) => ({ name, value })),
		},
		{
			displayName: 'By Column',
			name: 'dedupOrderColumn',
			type: 'string',
			default: '',
			placeholder: 'e.g. total_sales',
			description:
				'The column whose highest or lowest value wins; ties keep the first row in file order',
			...COLUMN_FIELD,
			displayOptions: { show: { dedupStrategy: ['highest', 'lowest'] } },
		},
		{
			displayName: 'Columns That Must Agree',
			name: 'dedupCompareColumns',
			type: 'string',
			default: '',
			placeholder: 'e.g. total_sales, price',
			description:
				'Duplicates that differ in these columns stop the run. Leave empty to compare every column.',
			...COLUMN_LIST_FIELD,
			displayOptions: { show: { dedupStrategy: ['failOnConflict'] } },
		},
	],
	label: (p) =>
		`remove duplicate ${listInWords(p.dedupKeys, 'and')} (${(p.dedupStrategy && KEEP_IN_WORDS[p.dedupStrategy]?.(p)) ?? p.dedupStrategy})`,
	removed: (p) => `duplicate ${listInWords(p.dedupKeys, 'and')} removed`,
	async build({ session, table, parameters, fail }) {
		const keys = findColumns(table, parameters.dedupKeys);
		if (!keys.length)
			fail('No key column given', 'List the columns that identify a row, e.g. "sku".');
		const keyList = quoteList(keys.map((key) => key.name));
		const strategy = parameters.dedupStrategy;
		if (strategy === undefined || !(strategy in STRATEGIES))
			fail(`Unknown rule "${strategy}"`, 'Choose which row to keep from the list.');

		const duplicateKeys = await session.count(
			`SELECT count(*) FROM (SELECT 1 FROM ${table.relation} GROUP BY ${keyList} HAVING count(*) > 1)`,
		);
		// Keys whose duplicates differ in the columns that matter: where the rule changes the result.
		const disagreeing = (columns: string) =>
			`SELECT ${keyList} FROM (SELECT DISTINCT ${keyList}, ${columns} FROM ${table.relation}) GROUP BY ${keyList} HAVING count(*) > 1`;
		const details: IDataObject = { duplicateKeys };
		if (strategy === 'failOnConflict') {
			const chosen = findColumns(table, parameters.dedupCompareColumns);
			const compared = (chosen.length ? chosen : table.columns).filter(
				(c) => !keys.some((k) => k.name === c.name),
			);
			const sql = disagreeing(compared.length ? quoteList(compared.map((c) => c.name)) : 'NULL');
			const conflicts = await session.count(`SELECT count(*) FROM (${sql})`);
			if (conflicts > 0) {
				const samples = await session.jsonRows(`${sql} LIMIT 5`);
				fail(
					`${conflicts} key(s) have duplicate rows that disagree, e.g. ${samples.map((s) => JSON.stringify(s)).join(', ')}`,
					'Choose a rule that says which row wins (for sales exports: the highest total_sales), narrow "Columns That Must Agree", or fix the export.',
				);
			}
		}

		let order = `${ROW}`;
		if (strategy === 'last') order = `${ROW} DESC`;
		if (strategy === 'highest' || strategy === 'lowest') {
			const by = findColumn(table, parameters.dedupOrderColumn ?? '');
			order = `${quoteIdentifier(by.name)} ${strategy === 'highest' ? 'DESC' : 'ASC'} NULLS LAST, ${ROW}`;
			details[`keysWithDifferent_${by.name}`] = await session.count(
				`SELECT count(*) FROM (${disagreeing(quoteIdentifier(by.name))})`,
			);
		}
		return {
			select:
				`SELECT * EXCLUDE (${ROW}, ${RANK}) FROM (` +
				`SELECT *, row_number() OVER (PARTITION BY ${keyList} ORDER BY ${order}) AS ${RANK} ` +
				`FROM (SELECT *, ${table.order} AS ${ROW} FROM ${table.relation})) WHERE ${RANK} = 1 ORDER BY ${ROW}`,
			details,
		};
	},
};
