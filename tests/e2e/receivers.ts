/** Real notification receivers on 127.0.0.1: an HTTP endpoint for Slack incoming webhooks and an SMTP server. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export class SlackReceiver {
	readonly messages: Array<Record<string, unknown>> = [];
	/** HTTP status to answer with; 500 simulates Slack being down. */
	status = 200;
	/** Every request, answered or not: retries show here. */
	attempts = 0;
	private server?: Server;

	async start(): Promise<string> {
		this.server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				this.attempts++;
				if (this.status === 200)
					this.messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				response
					.writeHead(this.status, { 'content-type': 'text/plain' })
					.end(this.status === 200 ? 'ok' : 'error');
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
	}

	async stop(): Promise<void> {
		if (this.server) await new Promise((resolve) => this.server!.close(resolve));
	}
}

export class SmtpReceiver {
	readonly mails: ParsedMail[] = [];
	/** When set, every recipient is refused with 550, as a server refusing to relay. */
	refuse = false;
	private server?: SMTPServer;

	/** Returns "127.0.0.1:PORT". */
	async start(): Promise<string> {
		this.server = new SMTPServer({
			authOptional: true,
			disabledCommands: ['STARTTLS'],
			logger: false,
			onRcptTo: (_address, _session, callback) =>
				callback(
					this.refuse
						? Object.assign(new Error('Relay access denied'), { responseCode: 550 })
						: undefined,
				),
			onData: (stream, _session, callback) => {
				simpleParser(stream)
					.then((mail) => {
						this.mails.push(mail);
						callback();
					})
					.catch(callback);
			},
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const address = (this.server as unknown as { server: Server }).server.address() as AddressInfo;
		return `127.0.0.1:${address.port}`;
	}

	async stop(): Promise<void> {
		if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}
}
