/**
 * Mirrors org.apache.flink.api.common.eventtime.WatermarkStrategy. The strategy itself is Java's
 * (built on the JVM side from this description); a TS timestamp assigner runs in the worker in
 * front of it, as PyFlink's does (see DataStream.assignTimestampsAndWatermarks). Durations are ms.
 */
export interface TimestampAssigner<T> {
  /** The element's event time in ms; recordTimestamp is the timestamp it already has, or null. */
  extractTimestamp(element: T, recordTimestamp: number | null): number;
}

/** What the JVM side builds (DataStreams.assignTimestampsAndWatermarks). */
export interface WatermarkStrategySpec {
  kind: 'monotonous' | 'bounded' | 'none';
  maxOutOfOrdernessMs?: number;
  idlenessMs?: number;
}

function checkMs(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${what} must be a non-negative whole number of ms, got ${String(ms)}`);
  return ms;
}

export class WatermarkStrategy<T> {
  private constructor(
    readonly spec: WatermarkStrategySpec,
    readonly timestampAssigner?: TimestampAssigner<T> | ((element: T, recordTimestamp: number | null) => number),
  ) {}

  /** Watermarks at the highest timestamp seen (minus 1 ms): for timestamps that never decrease. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'monotonous' });
  }

  /** Watermarks trailing the highest timestamp seen by maxOutOfOrdernessMs (minus 1 ms). */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'bounded', maxOutOfOrdernessMs: checkMs('maxOutOfOrderness', maxOutOfOrdernessMs) });
  }

  /** No watermarks at all (timestamps only). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'none' });
  }

  /** The same strategy, with the element's timestamp taken from a TS function. */
  withTimestampAssigner(assigner: TimestampAssigner<T> | ((element: T, recordTimestamp: number | null) => number)): WatermarkStrategy<T> {
    if (typeof assigner !== 'function' && (typeof assigner !== 'object' || assigner === null || typeof assigner.extractTimestamp !== 'function')) {
      throw new TypeError('withTimestampAssigner() needs a function or an object with extractTimestamp()');
    }
    return new WatermarkStrategy<T>(this.spec, assigner);
  }

  /** The same strategy, marking a source split idle after idleMs without records (it then holds back no watermark). */
  withIdleness(idleMs: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ ...this.spec, idlenessMs: checkMs('idleness', idleMs) }, this.timestampAssigner);
  }
}
