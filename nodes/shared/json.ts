import type { IDataObject } from 'n8n-workflow';

/** A JSON object (not null, not a list): what a summary and its parts must be before they are read. */
export const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The objects of a list; anything else reads as an empty list. */
export const objectList = (value: unknown): IDataObject[] =>
	Array.isArray(value) ? value.filter(isObject) : [];
