import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Streams JSON rows to a newline-delimited file with back-pressure, so big inputs never sit in one string. */
export class NdjsonWriter {
	private readonly stream;
	rows = 0;

	constructor(path: string) {
		this.stream = createWriteStream(path, { encoding: 'utf8' });
	}

	async write(row: unknown): Promise<void> {
		this.rows++;
		if (!this.stream.write(JSON.stringify(row) + '\n')) await once(this.stream, 'drain');
	}

	async close(): Promise<void> {
		this.stream.end();
		await once(this.stream, 'finish');
	}
}
