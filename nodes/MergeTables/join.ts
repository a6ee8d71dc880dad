import type { Column, Table } from '../shared/table';
import { keyText } from '../shared/keys';
import { quoteIdentifier } from '../shared/sql';
import type { JoinType } from './description';

export interface KeyPair {
	left: Column;
	right: Column;
}

export interface JoinPlan {
	left: Table;
	right: Table;
	type: JoinType;
	keys: KeyPair[];
	suffix: string;
	comparison: 'text' | 'exact';
	ignoreCase: boolean;
}

/** The key as compared: exactly, or as the shared key text (nodes/shared/keys.ts), so 15298, 15298.0 and " 15298" all meet. */
function keyExpression(alias: string, column: Column, plan: JoinPlan): string {
	if (plan.comparison === 'exact') return `${alias}.${quoteIdentifier(column.name)}`;
	return keyText(column, { alias, ignoreCase: plan.ignoreCase });
}

export function joinCondition(plan: JoinPlan): string {
	return plan.keys
		.map((key) => `${keyExpression('l', key.left, plan)} = ${keyExpression('r', key.right, plan)}`)
		.join(' AND ');
}

const SQL_JOIN: Record<Exclude<JoinType, 'anti'>, string> = {
	inner: 'INNER JOIN',
	left: 'LEFT JOIN',
	right: 'RIGHT JOIN',
	full: 'FULL OUTER JOIN',
};

/**
 * Output columns: every column of the left side; a right key with the same name as its left
 * key folds into it (SQL USING); other right columns keep their name unless it is taken,
 * then get the suffix. DuckDB names are case-insensitive, so clashes are too.
 */
export function selectList(plan: JoinPlan): { select: string[]; renamed: Record<string, string> } {
	const taken = new Set(plan.left.columns.map((c) => c.name.toLowerCase()));
	const folded = new Map<string, KeyPair>();
	for (const key of plan.keys) {
		if (key.left.name.toLowerCase() === key.right.name.toLowerCase())
			folded.set(key.right.name, key);
	}
	const keepsRightOnly = plan.type === 'right' || plan.type === 'full';
	const select = plan.left.columns.map((column) => {
		const pair = [...folded.values()].find((key) => key.left.name === column.name);
		const leftRef = `l.${quoteIdentifier(column.name)}`;
		if (!pair || !keepsRightOnly) return `${leftRef} AS ${quoteIdentifier(column.name)}`;
		const rightRef = `r.${quoteIdentifier(pair.right.name)}`;
		const sameType = pair.left.type === pair.right.type;
		const merged = sameType
			? `coalesce(${leftRef}, ${rightRef})`
			: `coalesce(CAST(${leftRef} AS VARCHAR), CAST(${rightRef} AS VARCHAR))`;
		return `${merged} AS ${quoteIdentifier(column.name)}`;
	});
	const renamed: Record<string, string> = {};
	if (plan.type === 'anti') return { select, renamed };
	for (const column of plan.right.columns) {
		if (folded.has(column.name)) continue;
		let name = column.name;
		if (taken.has(name.toLowerCase())) {
			name = `${column.name}${plan.suffix}`;
			for (let n = 2; taken.has(name.toLowerCase()); n++)
				name = `${column.name}${plan.suffix}_${n}`;
			renamed[column.name] = name;
		}
		taken.add(name.toLowerCase());
		select.push(`r.${quoteIdentifier(column.name)} AS ${quoteIdentifier(name)}`);
	}
	return { select, renamed };
}

/** The joined rows, in the left table's order, then the right table's. */
export function joinSql(plan: JoinPlan): string {
	const on = joinCondition(plan);
	const { select } = selectList(plan);
	if (plan.type === 'anti') {
		return `SELECT ${select.join(', ')} FROM ${plan.left.relation} l ANTI JOIN ${plan.right.relation} r ON ${on} ORDER BY l.${plan.left.order}`;
	}
	return (
		`SELECT ${select.join(', ')} FROM ${plan.left.relation} l ${SQL_JOIN[plan.type]} ${plan.right.relation} r ON ${on} ` +
		`ORDER BY l.${plan.left.order} NULLS LAST, r.${plan.right.order} NULLS LAST`
	);
}

/** Rows of one side whose key finds no partner on the other side. */
export function unmatchedSql(plan: JoinPlan, side: 'left' | 'right'): string {
	const [from, other] = side === 'left' ? [plan.left, plan.right] : [plan.right, plan.left];
	const [a, b] = side === 'left' ? ['l', 'r'] : ['r', 'l'];
	return `SELECT ${a}.* FROM ${from.relation} ${a} ANTI JOIN ${other.relation} ${b} ON ${joinCondition(plan)}`;
}
