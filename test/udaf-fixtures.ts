/** Aggregate functions shared by the UDAF tests. */
import { AggregateFunction, MapView } from '../src/index';

interface SumAcc {
  sum: bigint;
}

/** Sums ids. */
export class Sum extends AggregateFunction<bigint, SumAcc, [bigint]> {
  createAccumulator(): SumAcc {
    return { sum: 0n };
  }
  accumulate(acc: SumAcc, id: bigint): void {
    acc.sum += id;
  }
  retract(acc: SumAcc, id: bigint): void {
    acc.sum -= id;
  }
  getValue(acc: SumAcc): bigint {
    return acc.sum;
  }
}

/** The exact final rows of `SELECT id % m AS k, sum(id) AS total, COUNT(*) AS n ... GROUP BY id % m` over ids 1..n. */
export function expectedSums(n: number, m: number): { k: number; total: bigint; n: bigint }[] {
  return Array.from({ length: m }, (_, k) => {
    let total = 0n;
    let count = 0n;
    for (let id = 1; id <= n; id++) if (id % m === k) (total += BigInt(id)), count++;
    return { k, total, n: count };
  });
}

/** Sums ids; open() writes the worker's pid to a file, so a test can find (and kill) the worker. */
export class PidReportingSum extends Sum {
  constructor(private readonly pidFile: string) {
    super();
  }
  open(): void {
    require('node:fs').writeFileSync(this.pidFile, String(process.pid));
  }
}

interface ViewSumAcc {
  /** ids seen per id % 7: a MapView, so in Flink's map state */
  perResidue: MapView<bigint, bigint>;
  sum: bigint;
}

/**
 * Sums ids and counts them per id % 7 in a MapView; the value is sum * 1e6 + the count of the
 * view's entries, so a view lost or counted twice in a restore changes the result. open() writes
 * the worker's pid to a file (the TaskManager's own in embedded mode's node engine).
 */
export class PidReportingViewSum extends AggregateFunction<bigint, ViewSumAcc, [bigint]> {
  constructor(private readonly pidFile: string) {
    super();
  }
  open(): void {
    require('node:fs').writeFileSync(this.pidFile, String(process.pid));
  }
  createAccumulator(): ViewSumAcc {
    return { perResidue: new MapView(), sum: 0n };
  }
  async accumulate(acc: ViewSumAcc, id: bigint): Promise<void> {
    const r = id % 7n;
    acc.perResidue.put(r, ((await acc.perResidue.get(r)) ?? 0n) + 1n);
    acc.sum += id;
  }
  async getValue(acc: ViewSumAcc): Promise<bigint> {
    let counted = 0n;
    for await (const n of acc.perResidue.values()) counted += n ?? 0n;
    return acc.sum * 1_000_000n + counted;
  }
}
