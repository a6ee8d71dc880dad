import { parseColumnList } from '../../shared/table';

/** "sku", "sku or price", "sku, price or title"; "?" when nothing is listed yet. */
export function listInWords(text: unknown, conjunction: 'and' | 'or'): string {
	const names = parseColumnList(typeof text === 'string' ? text : '');
	if (names.length < 2) return names[0] ?? '?';
	return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}
