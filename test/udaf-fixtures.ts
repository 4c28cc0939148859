/** Aggregate functions shared by the UDAF tests. */
import { AggregateFunction } from '../src/index';

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
