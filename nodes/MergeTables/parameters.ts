import type { IExecuteFunctions } from 'n8n-workflow';
import { ParameterReader } from '../shared/parameters';
import { MAX_INPUTS } from './description';
import type { JoinType } from './description';
import type { JoinPlan } from './join';

/** One entry of the Joins list. */
export interface JoinEntry {
	input: number;
	joinType: JoinType;
	/** Column lists as typed, matched in order. */
	leftKeys: string;
	rightKeys: string;
	/** Empty: _input2, _input3… */
	clashSuffix: string;
}

interface JoinOptions {
	keyComparison: JoinPlan['comparison'];
	ignoreCase: boolean;
}

export interface MergeTablesParameters {
	/** From 2 to MAX_INPUTS. */
	inputCount: number;
	/** As set, not yet checked: the node checks them against the inputs, with messages naming each join. */
	joins: Array<Partial<JoinEntry>>;
	keyComparison: JoinPlan['comparison'];
	ignoreCase: boolean;
}

export function readMergeTablesParameters(ctx: IExecuteFunctions): MergeTablesParameters {
	const reader = new ParameterReader(ctx);
	const options = reader.collection<JoinOptions>('joinOptions');
	return {
		inputCount: Math.min(MAX_INPUTS, Math.max(2, reader.number('numberInputs', 2))),
		joins: reader.entries<JoinEntry>('joins.join'),
		keyComparison: options.keyComparison === 'exact' ? 'exact' : 'text',
		ignoreCase: options.ignoreCase === true,
	};
}
