import type { IDataObject } from 'n8n-workflow';

/**
 * A node's summary fields: the figures that follow its summary sentence in a Table item (and in
 * the hint above its output), each name with what it means. Declared once per node, as the node
 * class's static `summaryFields`: the node's figures are typed by it, and docs/nodes lists it.
 * A name in angle brackets stands for names the node makes up as it runs (e.g. a Clean step's).
 */
export type SummaryFields = Readonly<Record<string, string>>;

/** Figures that only use declared names. */
export type SummaryFigures<F extends SummaryFields> = { [K in keyof F]?: IDataObject[string] };
