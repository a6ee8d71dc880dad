import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import {
	COLUMN_FIELD,
	COLUMN_LIST_FIELD,
	ColumnNotFoundError,
	findColumn,
} from '../nodes/shared/table';
import type { EmitRequest, Table } from '../nodes/shared/table';
import { TableEmitter } from '../nodes/shared/table/emit';
import { CLEAN_STEPS } from '../nodes/Clean/steps';
import { json, runNode } from './helpers/small';
import { nodeTypes, type } from './helpers/nodes';

const clean = (steps: object[], rows: IDataObject[], extra: object = {}) =>
	runNode('cleanTable', { steps: { step: steps }, ...extra }, [rows]);

const SALES = [
	{ sku: 'A', total_sales: 5, price: 10 },
	{ sku: null, total_sales: 1, price: 20 },
	{ sku: '  ', total_sales: 2, price: null },
	{ sku: 'A', total_sales: 9, price: 10 },
	{ sku: 'B', total_sales: 1, price: 20 },
];

const NO_COLUMNS =
	'Step 1 (Drop Rows With Missing Values): no columns given — list the columns, e.g. sku, or set Look In to Any Column';

/** What Clean Table hands the emitter: its summary, figures and warnings, however the emitter shows them. */
const emitted: EmitRequest[] = [];
const realEmit = TableEmitter.prototype.emit;
before(() => {
	TableEmitter.prototype.emit = async function (this: TableEmitter, request: EmitRequest) {
		emitted.push(request);
		return await realEmit.call(this, request);
	};
});
after(() => {
	TableEmitter.prototype.emit = realEmit;
});
const lastEmitted = () => emitted[emitted.length - 1];

describe('Drop Rows With Missing Values: an empty column list never means "any column"', () => {
	test('a step saved before Look In existed, with columns, keeps working (the monthly report workflow)', async () => {
		const result = await clean([{ stepType: 'dropMissing', missingColumns: 'sku' }], SALES);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			json(result).map((r) => r.total_sales),
			[5, 9, 1],
		);
	});

	test('a step saved without Look In and without columns stops with how to fix it', async () => {
		for (const step of [
			{ stepType: 'dropMissing' },
			{ stepType: 'dropMissing', missingColumns: '' },
			{ stepType: 'dropMissing', missingColumns: ' , ' },
		]) {
			const result = await clean([step], SALES);
			assert.equal(result.error!.message, NO_COLUMNS);
			assert.equal(
				result.error!.description,
				'Type the column names in Columns, comma-separated (or drag them from the input panel), or set Look In to Any Column to drop rows with an empty value in any column.',
			);
		}
	});

	test('Chosen Columns with an empty list stops too, naming the step position', async () => {
		const result = await clean(
			[
				{ stepType: 'trimText' },
				{ stepType: 'dropMissing', missingScope: 'columns', missingColumns: '' },
			],
			SALES,
		);
		assert.equal(result.error!.message, NO_COLUMNS.replace('Step 1', 'Step 2'));
	});

	test('Any Column looks in every column and ignores a leftover column list', async () => {
		for (const missingColumns of [undefined, '', 'skuu']) {
			const result = await clean(
				[{ stepType: 'dropMissing', missingScope: 'any', missingColumns }],
				SALES,
			);
			assert.equal(result.error, undefined, result.error?.message);
			assert.deepEqual(
				json(result).map((r) => r.total_sales),
				[5, 9, 1],
			);
		}
	});

	test('the fields: Look In first (Chosen Columns by default), Columns only for chosen columns, with a hint', () => {
		const fields = stepFields('dropMissing');
		assert.deepEqual(
			fields.map((f) => f.name),
			['missingScope', 'missingColumns', 'blankIsMissing'],
		);
		const [scope, columns] = fields;
		assert.equal(scope.displayName, 'Look In');
		assert.equal(scope.default, 'columns');
		assert.deepEqual(
			scope.options!.map((o) => [(o as { name: string }).name, (o as { value: string }).value]),
			[
				['Chosen Columns', 'columns'],
				['Any Column', 'any'],
			],
		);
		assert.deepEqual(columns.displayOptions, {
			show: { missingScope: ['columns'], stepType: ['dropMissing'] },
		});
		assert.equal(columns.placeholder, 'e.g. sku, price');
		assert.equal(columns.hint, 'Comma-separated; drag columns from the input panel');
	});

	test('every column field of every step says how to fill it, and no placeholder looks like a value', () => {
		const columnFields = [
			'missingColumns',
			'trimColumns',
			'castColumns',
			'filterColumn',
			'dedupKeys',
			'dedupOrderColumn',
			'dedupCompareColumns',
		];
		const fields = CLEAN_STEPS.flatMap((step) => step.properties).filter((f) =>
			columnFields.includes(f.name),
		);
		assert.equal(fields.length, columnFields.length);
		for (const field of fields) {
			const single = field.name === 'filterColumn' || field.name === 'dedupOrderColumn';
			// A dragged column lands as its name, added to a list where the field takes several.
			assert.deepEqual(
				{ hint: field.hint, requiresDataPath: field.requiresDataPath },
				single ? COLUMN_FIELD : COLUMN_LIST_FIELD,
				field.name,
			);
			assert.match(field.placeholder ?? '', /^e\.g\. /, field.name);
		}
	});
});

/** The summary's first sentence; the second names the input read (a file, a table or items). */
function sentence(summary: string | undefined): string {
	const match = /^(.*?\.) Input: .+\.$/.exec(summary ?? '');
	assert.ok(match, `a sentence, then the input read: ${summary}`);
	return match[1];
}

describe('Clean Table tells a person what happened', () => {
	test('summary with thousands separators, figures in reading order, one per step', async () => {
		const rows = Array.from({ length: 1513 }, (_, i) => ({
			sku: i < 85 ? null : `S${i % 714}`,
			total_sales: i,
		}));
		const result = await clean(
			[
				{ stepType: 'dropMissing', missingColumns: 'sku' },
				{
					stepType: 'deduplicate',
					dedupKeys: 'sku',
					dedupStrategy: 'highest',
					dedupOrderColumn: 'total_sales',
				},
				{ stepType: 'trimText' },
			],
			rows,
			{ outputMode: 'table' },
		);
		assert.equal(result.error, undefined, result.error?.message);
		const request = lastEmitted();
		assert.equal(
			sentence(request.summary),
			'1,513 rows in, 714 out: 85 without sku dropped, 714 duplicate sku removed.',
		);
		assert.deepEqual(Object.entries(request.figures!), [
			['rowsIn', 1513],
			['rowsOut', 714],
			['removed · drop rows without sku', 85],
			['removed · remove duplicate sku (keep highest total_sales)', 714],
			['removed · trim text in all text columns', 0],
		]);
		assert.deepEqual(request.warnings, []);
		assert.deepEqual((json(result)[0] as { statistics: IDataObject }).statistics.warnings, []);
	});

	test('no steps, or steps that remove nothing, say so', async () => {
		await clean([], SALES);
		assert.equal(sentence(lastEmitted().summary), '5 rows in, 5 out: no cleaning steps.');
		assert.deepEqual(lastEmitted().figures, { rowsIn: 5, rowsOut: 5 });
		await clean([{ stepType: 'trimText', trimColumns: 'sku' }], SALES);
		assert.equal(sentence(lastEmitted().summary), '5 rows in, 5 out: no rows removed.');
	});

	test('a filter is named by its condition; two steps with the same words keep a figure each', async () => {
		const filter = {
			stepType: 'filterRows',
			filterColumn: 'price',
			filterOperator: 'greaterThan',
			filterValue: '10',
		};
		await clean([filter, filter], SALES);
		assert.equal(
			sentence(lastEmitted().summary),
			'5 rows in, 2 out: 3 removed by keep rows where price is over 10.',
		);
		assert.deepEqual(lastEmitted().figures, {
			rowsIn: 5,
			rowsOut: 2,
			'removed · keep rows where price is over 10': 3,
			'removed · keep rows where price is over 10 (step 2)': 0,
		});
	});

	test('a step that removes every row is a warning, in the output and in the statistics', async () => {
		const rows = Array.from({ length: 1513 }, (_, i) => ({
			sku: null,
			post_type: 'product',
			n: i,
		}));
		const result = await clean(
			[
				{
					stepType: 'filterRows',
					filterColumn: 'post_type',
					filterOperator: 'equals',
					filterValue: 'product',
				},
				{ stepType: 'dropMissing', missingColumns: 'sku' },
				{ stepType: 'filterRows', filterColumn: 'n', filterOperator: 'isEmpty' },
			],
			rows,
			{ outputMode: 'table' },
		);
		assert.equal(result.error, undefined, result.error?.message);
		const expected = [
			"Step 2 (drop rows without sku) removed all 1,513 rows — check the step's columns",
		];
		assert.deepEqual(lastEmitted().warnings, expected);
		assert.equal(
			sentence(lastEmitted().summary),
			'1,513 rows in, 0 out: 1,513 without sku dropped.',
		);
		assert.deepEqual(
			(json(result)[0] as { statistics: IDataObject }).statistics.warnings,
			expected,
		);

		await clean(
			[
				{
					stepType: 'filterRows',
					filterColumn: 'post_type',
					filterOperator: 'notEquals',
					filterValue: 'product',
				},
			],
			rows.slice(0, 3),
		);
		assert.deepEqual(lastEmitted().warnings, [
			"Step 1 (keep rows where post_type is not product) removed all 3 rows — check the step's condition",
		]);
	});
});

describe('plain words: step labels and the node subtitle', () => {
	const CASES: Array<[IDataObject, string, string]> = [
		[
			{ stepType: 'dropMissing', missingColumns: 'sku' },
			'drop rows without sku',
			'drop rows without sku',
		],
		[
			{ stepType: 'dropMissing', missingColumns: 'sku, price' },
			'drop rows without sku or price',
			'drop rows without sku or price',
		],
		[
			{ stepType: 'dropMissing', missingScope: 'any' },
			'drop rows with any empty value',
			'drop rows with any empty value',
		],
		[{ stepType: 'dropMissing' }, 'drop rows without ?', 'drop rows without ?'],
		[
			{
				stepType: 'deduplicate',
				dedupKeys: 'sku',
				dedupStrategy: 'highest',
				dedupOrderColumn: 'total_sales',
			},
			'remove duplicate sku (keep highest total_sales)',
			'remove duplicate sku',
		],
		[
			{ stepType: 'deduplicate', dedupKeys: 'sku,date', dedupStrategy: 'first' },
			'remove duplicate sku and date (keep first)',
			'remove duplicate sku and date',
		],
		[
			{ stepType: 'deduplicate', dedupKeys: 'sku', dedupStrategy: 'failOnConflict' },
			'remove duplicate sku (stop if they disagree)',
			'remove duplicate sku',
		],
		[
			{ stepType: 'trimText', trimColumns: '' },
			'trim text in all text columns',
			'trim text in all text columns',
		],
		[
			{ stepType: 'trimText', trimColumns: 'post_title, stock_status, name' },
			'trim text in post_title, stock_status and name',
			'trim text in post_title, stock_status and name',
		],
		[
			{ stepType: 'castColumns', castColumns: 'price', castType: 'number' },
			'convert price to number',
			'convert price to number',
		],
		[
			{ stepType: 'castColumns', castColumns: 'price', castType: 'decimal' },
			'convert price to money',
			'convert price to money',
		],
		[
			{
				stepType: 'filterRows',
				filterColumn: 'post_type',
				filterOperator: 'equals',
				filterValue: 'product',
			},
			'keep rows where post_type is product',
			'keep rows where post_type …',
		],
		[
			{
				stepType: 'filterRows',
				filterColumn: 'sku',
				filterOperator: 'isNotEmpty',
				filterValue: 'stale',
			},
			'keep rows where sku is not empty',
			'keep rows where sku …',
		],
	];

	test('each step labels itself in plain words', () => {
		for (const [parameters, label] of CASES) {
			assert.equal(
				CLEAN_STEPS.find((s) => s.value === (parameters.stepType ?? 'dropMissing'))!.label(
					parameters,
				),
				label,
			);
		}
	});

	test('the subtitle, evaluated by n8n as the editor does, uses the same words', () => {
		assert.equal(subtitle(undefined), 'no steps');
		assert.equal(subtitle([]), 'no steps');
		for (const [parameters, , words] of CASES) assert.equal(subtitle([parameters]), words);
		assert.equal(
			subtitle([
				{ stepType: 'dropMissing', missingColumns: 'sku' },
				{ stepType: 'deduplicate', dedupKeys: 'sku' },
			]),
			'drop rows without sku → remove duplicate sku',
		);
		// Fields at their default may be left out of the saved parameters.
		assert.equal(
			subtitle([{ missingColumns: 'sku' }, { stepType: 'castColumns', castColumns: 'price' }]),
			'drop rows without sku → convert price to number',
		);
	});

	test('the node says what it does for the user first', () => {
		assert.equal(
			cleanType().description.description,
			'Remove duplicates, drop empty rows, trim text, convert types and filter rows of a table',
		);
	});
});

describe('a mistyped column name suggests the nearest column', () => {
	const table = (...names: string[]) =>
		({
			label: 'the input table',
			columns: names.map((name) => ({ name, type: 'VARCHAR' })),
		}) as unknown as Table;
	const error = (name: string, t: Table) => {
		try {
			findColumn(t, name);
		} catch (caught) {
			assert.ok(caught instanceof ColumnNotFoundError);
			return caught;
		}
		assert.fail(`"${name}" was found`);
	};

	test('close names: one letter, a swap, case and spaces, a third of a long name', () => {
		const sales = table('id', 'sku', 'price', 'total_sales', 'post_title');
		assert.equal(
			error('skuu', sales).message,
			'Column "skuu" not found in the input table — did you mean "sku"?',
		);
		assert.equal(error('prcie', sales).suggestion, 'price');
		assert.equal(error('Total Sales', sales).suggestion, 'total_sales');
		assert.equal(error('totl_sale', sales).suggestion, 'total_sales');
		assert.equal(error('postitle', sales).suggestion, 'post_title');
		assert.equal(
			error('sku2', sales).hint,
			'Columns found: id, sku, price, total_sales, post_title. Check the spelling, or rename the column upstream.',
		);
	});

	test('nothing close, nothing suggested; ties go to the first column in table order', () => {
		const sales = table('id', 'sku', 'price', 'total_sales');
		assert.equal(error('revenue', sales).message, 'Column "revenue" not found in the input table');
		assert.equal(error('revenue', sales).suggestion, undefined);
		assert.equal(
			error('x', sales).suggestion,
			undefined,
			'a one-letter name is not a typo of "id"',
		);
		assert.equal(error('', sales).suggestion, undefined);
		assert.equal(error('ab', table('abc', 'abd')).suggestion, 'abc');
		assert.equal(error('ab', table('abd', 'abc')).suggestion, 'abd');
	});

	test('through Clean Table: the step, the suggestion, and the columns found', async () => {
		const result = await clean(
			[{ stepType: 'dropMissing', missingColumns: 'skuu' }],
			[{ sku: 1, price: 2 }],
		);
		assert.equal(
			result.error!.message,
			'Step 1 (Drop Rows With Missing Values): Column "skuu" not found in the input table — did you mean "sku"?',
		);
		assert.equal(
			result.error!.description,
			'Columns found: sku, price. Check the spelling, or rename the column upstream.',
		);
	});
});

function cleanType(): INodeType {
	return nodeTypes[type('cleanTable')] as INodeType;
}

function stepFields(stepType: string): INodeProperties[] {
	const steps = cleanType().description.properties.find((p) => p.name === 'steps')!;
	const values = (steps.options![0] as { values: INodeProperties[] }).values;
	return values.filter((field) => field.displayOptions?.show?.stepType?.includes(stepType));
}

/** The node's subtitle as the editor computes it from the stored parameters. */
function subtitle(steps: IDataObject[] | undefined): unknown {
	const parameters = (steps ? { steps: { step: steps } } : {}) as unknown as INodeParameters;
	const node: INode = {
		id: '1',
		name: 'Clean Table',
		type: type('cleanTable'),
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const types = {
		getByName: cleanType,
		getByNameAndVersion: cleanType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		id: 'subtitle',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: types,
		settings: {},
	});
	return workflow.expression.getSimpleParameterValue(
		node,
		cleanType().description.subtitle,
		'internal',
		{},
	);
}
