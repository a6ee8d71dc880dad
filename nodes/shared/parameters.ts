import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Typed reads of a node's parameters. Each node declares one small interface of what it reads and
 * fills it in one function (its `parameters.ts`) with these readers, instead of casting
 * getNodeParameter's loose result where it is used. A value of the wrong kind, which only an
 * expression can give, is refused with the parameter's name and what it should be.
 */
export class ParameterReader {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly itemIndex = 0,
	) {}

	private raw(name: string, fallback: unknown): unknown {
		return this.ctx.getNodeParameter(name, this.itemIndex, fallback);
	}

	private refuse(name: string, value: unknown, wanted: string): never {
		throw new NodeOperationError(
			this.ctx.getNode(),
			`${this.ctx.getNode().name}: the parameter "${name}" is ${JSON.stringify(value)}, not ${wanted}`,
			{
				description: `Give "${name}" ${wanted}; an expression there must evaluate to it.`,
				itemIndex: this.itemIndex,
			},
		);
	}

	/**
	 * Text as typed; nothing gives the fallback. A number, a boolean or a date from an expression
	 * (`{{ $now }}` is a Luxon DateTime) is taken as its text; a list or an object is refused.
	 */
	text(name: string, fallback = ''): string {
		const value = this.raw(name, fallback);
		if (value === undefined || value === null) return fallback;
		const date =
			value instanceof Date ||
			(typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function');
		if (typeof value === 'object' && !date) this.refuse(name, value, 'text');
		return value instanceof Date ? value.toISOString() : String(value);
	}

	/** Text without its surrounding spaces (names, paths, column lists). */
	trimmed(name: string, fallback = ''): string {
		return this.text(name, fallback).trim();
	}

	/** A finite number; text from an expression that reads as one is taken. */
	number(name: string, fallback: number): number {
		const value = this.raw(name, fallback);
		const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof number !== 'number' || !Number.isFinite(number))
			this.refuse(name, value, 'a number');
		return number;
	}

	flag(name: string, fallback = false): boolean {
		const value = this.raw(name, fallback);
		if (typeof value !== 'boolean') this.refuse(name, value, 'true or false');
		return value;
	}

	/** One of the parameter's options. */
	choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
		const value = this.raw(name, fallback);
		if (!options.includes(value as T))
			this.refuse(name, value, `one of ${options.map((option) => `"${option}"`).join(', ')}`);
		return value as T;
	}

	/** A JSON field as n8n gives it: the text typed, or what an expression evaluated to; the node checks its shape. */
	json(name: string): unknown {
		return this.raw(name, '');
	}

	/** An options collection (the fields set in it). */
	collection<T extends object = IDataObject>(name: string): Partial<T> {
		const value = this.raw(name, {});
		if (value === null || typeof value !== 'object' || Array.isArray(value))
			this.refuse(name, value, 'a set of options');
		return value as Partial<T>;
	}

	/** The entries of a fixed collection's list, e.g. `steps.step`. */
	entries<T extends object = IDataObject>(path: string): Array<Partial<T>> {
		const value = this.raw(path, []);
		if (!Array.isArray(value)) this.refuse(path, value, 'a list');
		return value as Array<Partial<T>>;
	}
}
