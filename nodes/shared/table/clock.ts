/**
 * Where a node's time goes, shown in its Table summary as `timings`: reading its inputs,
 * writing report files, and handing its table on as Parquet; the rest is the SQL itself.
 * It answers "which step is slow, and why" without a profiler.
 */
export type Phase = 'load' | 'report' | 'handOff';

export interface Timings {
	loadMs: number;
	computeMs: number;
	reportMs: number;
	handOffMs: number;
	totalMs: number;
}

export class StepClock {
	private readonly started = performance.now();
	private readonly spent: Record<Phase, number> = { load: 0, report: 0, handOff: 0 };

	async measure<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
		const start = performance.now();
		try {
			return await work();
		} finally {
			this.spent[phase] += performance.now() - start;
		}
	}

	timings(): Timings {
		const totalMs = performance.now() - this.started;
		const { load, report, handOff } = this.spent;
		const round = Math.round;
		return {
			loadMs: round(load),
			computeMs: round(Math.max(0, totalMs - load - report - handOff)),
			reportMs: round(report),
			handOffMs: round(handOff),
			totalMs: round(totalMs),
		};
	}
}
