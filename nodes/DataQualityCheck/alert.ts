import type { IDataObject } from 'n8n-workflow';
import { escapeSlackMrkdwn } from '../shared/escape';
import { shownValue as show } from './report';
import type { CheckResult } from './report';

/**
 * The alert for checks that failed, ready for Slack: `text` (the notification line) and
 * `blocks`, every check name and value escaped, since both come from data and settings.
 * The workflow adds its own words around them (e.g. "Sales report NOT sent: ").
 */
export function failureAlert(nodeName: string, failing: CheckResult[]): IDataObject {
	const s = escapeSlackMrkdwn;
	const text = `${failing.length} failing check(s) — ${failing.map((c) => `${s(c.name)}: observed ${s(show(c.observed))}, expected ${s(show(c.expected))}`).join('; ')}`;
	const lines = failing.map(
		(c) => `• *${s(c.name)}*: observed ${s(show(c.observed))}, expected ${s(show(c.expected))}`,
	);
	return {
		slack: {
			text,
			blocks: [
				{
					type: 'section',
					text: {
						type: 'mrkdwn',
						text: `:rotating_light: *Stopped by a failing check in ${s(nodeName)}*\n${lines.join('\n')}`,
					},
				},
			],
		},
	};
}
