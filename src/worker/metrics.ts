/**
 * UDF metrics, reported to Flink as Beam user MonitoringInfos with every bundle response.
 * flink-python's FlinkMetricContainer maps them onto the operator's metric group: the namespace is
 * a JSON array of group names followed by their types ("MetricGroupType.generic" / ".key"); an
 * odd-length namespace (time span appended) marks a meter. Counters and meters are reported as
 * per-bundle deltas (Beam adds them up), distributions per bundle, gauges as latest values.
 */
import type { Counter, Distribution, Meter, MetricGroup } from '../api/udf/functions';
import type { pipeline } from './fn-api';

type Group = { name: string; type: 'generic' | 'key' | 'value' }[];

interface Cell {
  namespace: string;
  name: string;
  kind: 'sum' | 'distribution' | 'gauge';
  delta: number;
  dist?: { count: number; sum: number; min: number; max: number };
  gauge?: () => number;
}

export class MetricRegistry {
  private readonly cells = new Map<string, Cell>();

  constructor(private readonly transformId: string) {}

  group(): MetricGroup {
    return new UdfMetricGroup(this, []);
  }

  cell(groups: Group, name: string, kind: Cell['kind'], suffix?: string): Cell {
    const ns = [...groups.map((g) => g.name), ...groups.map((g) => `MetricGroupType.${g.type}`)];
    if (suffix !== undefined) ns.push(suffix);
    const namespace = JSON.stringify(ns);
    const key = `${namespace}\u0000${name}`;
    let c = this.cells.get(key);
    if (!c) {
      c = { namespace, name, kind, delta: 0 };
      this.cells.set(key, c);
    }
    return c;
  }

  /** The bundle's MonitoringInfos; resets the deltas. */
  collect(): pipeline.IMonitoringInfo[] {
    const out: pipeline.IMonitoringInfo[] = [];
    for (const c of this.cells.values()) {
      const labels = { PTRANSFORM: this.transformId, NAMESPACE: c.namespace, NAME: c.name };
      if (c.kind === 'sum') {
        if (c.delta === 0) continue;
        out.push({ urn: 'beam:metric:user:sum_int64:v1', type: 'beam:metrics:sum_int64:v1', labels, payload: varints([c.delta]) });
        c.delta = 0;
      } else if (c.kind === 'distribution') {
        if (!c.dist) continue;
        const d = c.dist;
        out.push({
          urn: 'beam:metric:user:distribution_int64:v1',
          type: 'beam:metrics:distribution_int64:v1',
          labels,
          payload: varints([d.count, d.sum, d.min, d.max]),
        });
        c.dist = undefined;
      } else if (c.gauge) {
        let v: number;
        try {
          v = Math.trunc(Number(c.gauge()));
        } catch {
          continue;
        }
        if (!Number.isFinite(v)) continue;
        out.push({ urn: 'beam:metric:user:latest_int64:v1', type: 'beam:metrics:latest_int64:v1', labels, payload: varints([Date.now(), v]) });
      }
    }
    return out;
  }
}

/** Beam's VarLong encoding of int64 values (negatives as 64-bit two's complement). */
function varints(values: number[]): Uint8Array {
  const bytes: number[] = [];
  for (const value of values) {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
  }
  return Uint8Array.from(bytes);
}

class UdfMetricGroup implements MetricGroup {
  constructor(
    private readonly registry: MetricRegistry,
    private readonly groups: Group,
  ) {}

  addGroup(name: string, value?: string): MetricGroup {
    const next: Group =
      value === undefined
        ? [...this.groups, { name, type: 'generic' }]
        : [...this.groups, { name, type: 'key' }, { name: value, type: 'value' }];
    return new UdfMetricGroup(this.registry, next);
  }

  counter(name: string): Counter {
    const cell = this.registry.cell(this.groups, name, 'sum');
    let total = 0;
    return {
      inc(n = 1) {
        total += n;
        cell.delta += n;
      },
      dec(n = 1) {
        total -= n;
        cell.delta -= n;
      },
      getCount: () => total,
    };
  }

  gauge(name: string, fn: () => number): void {
    this.registry.cell(this.groups, name, 'gauge').gauge = fn;
  }

  meter(name: string, timeSpanInSeconds = 60): Meter {
    const cell = this.registry.cell(this.groups, name, 'sum', String(timeSpanInSeconds));
    let total = 0;
    return {
      markEvent(n = 1) {
        total += n;
        cell.delta += n;
      },
      getCount: () => total,
    };
  }

  distribution(name: string): Distribution {
    const cell = this.registry.cell(this.groups, name, 'distribution');
    return {
      update(value: number) {
        const v = Math.trunc(value);
        const d = cell.dist;
        if (!d) cell.dist = { count: 1, sum: v, min: v, max: v };
        else {
          d.count++;
          d.sum += v;
          if (v < d.min) d.min = v;
          if (v > d.max) d.max = v;
        }
      },
    };
  }
}
