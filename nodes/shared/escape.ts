/**
 * Escaping for text from data (product names, check names, values) placed in messages.
 * The only place the package escapes message text: compose messages through these.
 */

const SLACK: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text for Slack mrkdwn and text objects. Slack parses only &, < and > as control characters
 * (links, mentions such as <!channel>) and decodes only their three entities, so only those are
 * replaced. Slack documents no escape for *, _, ~ or `: they are left as they are.
 */
export function escapeSlackMrkdwn(text: string): string {
	return text.replace(/[&<>]/g, (character) => SLACK[character]);
}

const HTML: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => HTML[character]);
}
