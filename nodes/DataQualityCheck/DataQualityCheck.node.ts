import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import {
	ColumnNotFoundError,
	isTableBinary,
	runTableNode,
	TABLE_NODE_DEFAULTS,
} from '../shared/table';
import type { Table } from '../shared/table';
import type { SummaryFields, SummaryFigures } from '../shared/table/figures';
import { countText } from '../shared/reading';
import { numberFormats } from '../shared/reports/format';
import { readLocale } from '../shared/reports/locale';
import { historyError, historyFileCredentialTest, openHistoryStore } from '../shared/history/open';
import type { PeriodRun } from '../shared/history/types';
import { findCheckKind } from './checks';
import type { CheckOutcome } from './checks';
import { qualityProperties } from './description';
import { failureAlert } from './alert';
import { checkResult, qualityReport } from './report';
import type { CheckResult } from './report';
import { readDataQualityCheckParameters } from './parameters';

/** The history store could not be opened or read (its error, as a person reads it, is the message). */
class HistoryUnavailable extends Error {
	constructor(cause: Error) {
		super(
			`${cause.message}${(cause as { description?: string }).description ? ` — ${(cause as { description?: string }).description}` : ''}`,
		);
	}
}

export class DataQualityCheck implements INodeType {
	static readonly summaryFields = {
		checksPassed: 'Checks that passed',
		checksFailed: 'Error checks that failed: above 0 only on the Failed output',
		checksWarned:
			'Warning checks that failed, only when some did: reported, never stopping the run',
		checksSkipped:
			'Checks skipped for an empty expected value or a short history, only when some were',
		rows: 'Rows in the checked table',
	} as const satisfies SummaryFields;

	description: INodeTypeDescription = {
		...TABLE_NODE_DEFAULTS,
		displayName: 'Data Quality Check',
		name: 'dataQualityCheck',
		icon: { light: 'file:dataQualityCheck.svg', dark: 'file:dataQualityCheck.dark.svg' },
		subtitle:
			'={{ ($parameter["checks"]?.check ?? []).length + (($parameter["checks"]?.check ?? []).length === 1 ? " check" : " checks") + ($parameter["onFailure"] === "route" ? " · failures to 2nd output" : "") }}',
		description:
			'Check a table before anything is sent: row counts, unique keys, empty values, ranges, totals',
		inputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Table' },
			{ type: NodeConnectionTypes.Main, displayName: 'Reference', required: false },
		],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Passed', 'Failed'],
		requiredInputs: 1,
		credentials: [
			...TABLE_NODE_DEFAULTS.credentials,
			{
				name: 'salesHistoryFile',
				required: true,
				testedBy: 'salesHistoryFileTest',
				displayOptions: { show: { historyStorage: ['file'] } },
			},
			// n8n's own Postgres credential, the one users already have.
			{
				name: 'postgres',
				required: true,
				displayOptions: { show: { historyStorage: ['postgres'] } },
			},
		],
		properties: qualityProperties,
		defaults: { name: 'Data Quality Check' },
	};

	methods = { credentialTest: { salesHistoryFileTest: historyFileCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runTableNode(this, 2, async ({ session, loader, emitter }) => {
			// Checks scan a few columns each and copy nothing: the table handed on is read in place.
			const table = await loader.load(0, 'input', 'the input table', { inPlace: true });
			let reference: Table | undefined;
			const loadReference = async () => {
				if (!reference) {
					const connected = (() => {
						try {
							return this.getInputData(1).length > 0;
						} catch {
							return false;
						}
					})();
					if (!connected) {
						throw new NodeOperationError(
							this.getNode(),
							'A referential-integrity check needs a reference table',
							{
								description:
									'Connect the reference table (for example the web export) to the second input, "Reference".',
							},
						);
					}
					reference = {
						...(await loader.load(1, 'reference', 'the reference table', { inPlace: true })),
						label: 'the reference table',
					};
				}
				return reference;
			};

			const formats = numberFormats(readLocale(this));
			const {
				historyStorage: storage,
				checks: entries,
				onFailure,
			} = readDataQualityCheckParameters(this);
			let history: Promise<PeriodRun[]> | undefined;
			// Read once for every check of the run; the store is released at once (a file lock, a pool).
			const loadHistory = () =>
				(history ??= (async (): Promise<PeriodRun[]> => {
					try {
						const store = await openHistoryStore(this);
						try {
							return await store.runs();
						} finally {
							await store.close();
						}
					} catch (error) {
						return await Promise.reject<PeriodRun[]>(
							new HistoryUnavailable(historyError(this, error)),
						);
					}
				})());

			const results: CheckResult[] = [];
			for (const [index, parameters] of entries.entries()) {
				const name = parameters.checkName?.trim() || `Check ${index + 1}`;
				const kind = findCheckKind(parameters.checkType);
				const misconfigured = (message: string, hint: string): never => {
					throw new NodeOperationError(this.getNode(), `Check "${name}" cannot run: ${message}`, {
						description: hint,
					});
				};
				const readHistory = () =>
					storage === 'none'
						? misconfigured(
								'it compares with the history, and History Storage is None',
								"Set the node's History Storage to File (DuckDB) or Postgres, and choose its credential.",
							)
						: loadHistory();
				if (!kind)
					misconfigured(
						`unknown check type "${parameters.checkType}"`,
						'Remove the check and add it again.',
					);
				const outcome = await kind!
					.run({
						session,
						table,
						reference: loadReference,
						history: readHistory,
						formats,
						nodeName: this.getNode().name,
						parameters,
						misconfigured,
					})
					.catch((error: Error): CheckOutcome => {
						if (error instanceof ColumnNotFoundError)
							return misconfigured(error.message, error.hint);
						// A history that cannot be read leaves this check unjudged, at its own severity: the rest of the run goes on.
						if (error instanceof HistoryUnavailable)
							return { passed: false, observed: 'history unavailable', expected: error.message };
						throw error;
					});
				results.push(
					checkResult(
						name,
						kind!.value,
						parameters.severity === 'warning' ? 'warning' : 'error',
						outcome,
					),
				);
			}

			const report = qualityReport(results);
			const failing = results.filter((check) => check.status === 'fail');
			const warned = results.filter((check) => check.status === 'warn');
			const passed = results.filter((check) => check.status === 'pass').length;
			const counted = [
				`${passed} passed`,
				`${failing.length} failed`,
				...(warned.length ? [`${warned.length} with a warning`] : []),
				...(report.skipped ? [`${report.skipped} skipped`] : []),
			];
			const summary = `${results.length} ${results.length === 1 ? 'check' : 'checks'} on ${countText(table.rows)} rows: ${counted.join(', ')}.${[...failing, ...warned].map((c) => ` ${c.message}.`).join('')}`;
			const figures: SummaryFigures<typeof DataQualityCheck.summaryFields> = {
				checksPassed: passed,
				checksFailed: failing.length,
				...(warned.length ? { checksWarned: warned.length } : {}),
				...(report.skipped ? { checksSkipped: report.skipped } : {}),
				rows: table.rows,
			};
			if (failing.length && onFailure === 'stop') {
				throw new NodeOperationError(
					this.getNode(),
					`${failing.length} data quality check(s) failed: ${failing.map((c) => c.name).join(', ')}`,
					{
						description: failing.map((c) => c.message).join('\n'),
					},
				);
			}
			if (failing.length) {
				this.addExecutionHints({ message: summary, type: 'danger', location: 'outputPane' });
				return [
					[],
					[
						{
							json: {
								summary,
								...figures,
								...report,
								alert: failureAlert(this.getNode().name, failing),
							},
							pairedItem: { item: 0 },
						},
					],
				];
			}
			const statistics: IDataObject = { input: table.source.detail, rows: table.rows, ...report };
			// Report files riding with the table (Revenue's Excel report) travel on with it.
			const incoming = this.getInputData(0)[0];
			const attachments = Object.fromEntries(
				Object.entries(incoming?.binary ?? {}).filter(([, data]) => !isTableBinary(incoming, data)),
			);
			const unchangedFrom = this.getInputData(0).length === 1 ? incoming : undefined;
			return [
				await emitter.emit({
					table,
					statistics,
					summary,
					figures,
					warnings: warned.map((c) => c.message),
					attachments: Object.keys(attachments).length ? attachments : undefined,
					unchangedFrom,
				}),
				[],
			];
		});
	}
}
