/**
 * The UDF runtime around the functions: failures (a throwing UDF, a killed worker), metrics in
 * Flink's REST API, console output in the TaskManager log, bundle configuration.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  $,
  call,
  DataTypes,
  FlinkError,
  lit,
  ScalarFunction,
  Session,
  TableDescriptor,
  Schema,
  udf,
  UdfPresets,
  sessionLogFile,
  type Counter,
  type Distribution,
  type FunctionContext,
  type Meter,
  type TableEnvironment,
  type TableResult,
} from '../src/index';
import { failureOf, rowsOf, streamingEnv, tempDir, until } from './helpers';

let tEnv: TableEnvironment;
let session: Session;

beforeAll(async () => {
  tEnv = await streamingEnv();
  session = (await Session.running())!;
});

afterAll(async () => {
  await session?.cancelAllJobs();
  await session?.close();
});

/** The 1-based line of the first line in this file containing `marker`. */
function lineOf(marker: string): number {
  const lines = fs.readFileSync(__filename, 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(marker)) + 1;
}

/** An unbounded source of increasing ids. */
function ticks(rowsPerSecond = 20) {
  return tEnv.from(
    TableDescriptor.forConnector('datagen')
      .schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build())
      .option('rows-per-second', String(rowsPerSecond))
      .option('fields.id.kind', 'sequence')
      .option('fields.id.start', '1')
      .option('fields.id.end', '100000')
      .build(),
  );
}

async function restJson<T>(pathname: string): Promise<T> {
  const res = await fetch(`${session.restAddress}${pathname}`);
  if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** A UDF that writes its worker's pid to the file it gets, so a test can kill that worker. */
function pidReportingUdf() {
  return udf(
    (file: string, id: bigint) => {
      require('node:fs').writeFileSync(file, String(process.pid));
      return id;
    },
    { inputTypes: [DataTypes.STRING(), DataTypes.BIGINT()], resultType: DataTypes.BIGINT() },
  );
}

/** The cause messages of the job that runs `f` over the rows x = 1 and x = 2; the job must fail. */
async function failureTextOf(f: Parameters<typeof call>[0]): Promise<string> {
  const err = await failureOf(tEnv.fromValues([{ x: 1 }, { x: 2 }]).select(call(f, $('x'))).execute());
  return err.causes.map((c) => c.message).join('\n');
}

describe('failures', () => {
  it('a throwing UDF fails the job with the TypeScript message and the user source line', async () => {
    const check = udf((x: number) => {
      if (x > 1) throw new RangeError(`value ${x} is out of range`); // THROW-MARKER
      return x;
    }, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'checkRange' });
    const err = await failureOf(tEnv.fromValues([{ x: 1 }, { x: 2 }]).select(call(check, $('x'))).execute());
    const text = err.causes.map((c) => c.message).join('\n');
    expect(text).toContain("TypeScript UDF 'checkRange' failed: RangeError: value 2 is out of range");
    expect(text).toContain(`udf-runtime.test.ts:${lineOf('THROW-MARKER')}`);
    // what the user reads first: the TS error and its line (said once), then Flink's wrapping in one line
    const lines = err.message.split('\n');
    expect(lines[0]).toBe("TypeScript UDF 'checkRange' failed: RangeError: value 2 is out of range");
    expect(lines[1]).toMatch(new RegExp(`^\\s+at .*udf-runtime\\.test\\.ts:${lineOf('THROW-MARKER')}:`));
    expect(lines).toContain('(failed the Flink job: RuntimeException: Failed to fetch next result)');
    expect(err.message.match(/value 2 is out of range/g)).toHaveLength(1);
    // and no frames of the worker that called it
    expect(text).not.toMatch(/src\/worker\//);
    // the session is still usable
    expect(await rowsOf(tEnv.fromValues([{ y: 5 }]).select($('y').plus(1).as('z')))).toEqual([{ z: 6 }]);
  });

  it.each(['process', 'embedded'] as const)('an open() that throws fails the job naming the UDF, the method and the user line (%s mode)', async (mode) => {
    class NeedsDb extends ScalarFunction<[number | null], number | null> {
      open() {
        throw new Error('cannot reach the database'); // OPEN-MARKER
      }
      eval(x: number | null) {
        return x;
      }
    }
    const f = udf(new NeedsDb(), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode });
    const text = await failureTextOf(f);
    expect(text).toContain("TypeScript UDF 'NeedsDb' failed in open(): Error: cannot reach the database");
    expect(text).toContain(`udf-runtime.test.ts:${lineOf('OPEN-MARKER')}`);
  });

  it('process.exit in a UDF fails the job with an error at its line instead of ending the worker', async () => {
    const quit = udf((x: number) => {
      if (x > 1) process.exit(3); // EXIT-MARKER
      return x;
    }, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'quit' });
    const text = await failureTextOf(quit);
    expect(text).toContain("TypeScript UDF 'quit' failed: Error: process.exit(3) was called, but a UDF cannot end the TSFlink worker");
    expect(text).toContain(`udf-runtime.test.ts:${lineOf('EXIT-MARKER')}`);
  });

  it('a killed worker fails the job with a clear cause, and the session answers the next query', async () => {
    const dir = tempDir('tsflink-kill-');
    const pidFile = path.join(dir, 'worker.pid');
    const reportPid = pidReportingUdf();
    const result = await ticks().select(call(reportPid, lit(pidFile), $('id')).as('id')).execute();
    const failure = failureOf(result);
    const pid = await until('the worker pid', () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined));
    process.kill(pid, 'SIGKILL');
    const err = await failure;
    const text = err.causes.map((c) => `${c.className}: ${c.message}`).join('\n');
    // Flink reports the lost worker as a failed bundle whose gRPC call was cut off
    expect(text).toMatch(/Failed to (start|close) remote bundle/);
    expect(text).toMatch(/CANCELLED|UNAVAILABLE|closed/);
    expect(err.message).toContain('The UDF worker (the Node.js process that runs TypeScript UDFs beside the task) went away in the middle of a bundle');
    expect(await rowsOf(tEnv.fromValues([{ y: 1 }]).select($('y').plus(1).as('z')))).toEqual([{ z: 2 }]);
  });

  it('with a restart strategy, the job recovers from a killed worker with a new one', async () => {
    const env = await streamingEnv();
    env.getConfig().set('restart-strategy.type', 'fixed-delay').set('restart-strategy.fixed-delay.attempts', '3').set('restart-strategy.fixed-delay.delay', '500 ms');
    const dir = tempDir('tsflink-restart-');
    const pidFile = path.join(dir, 'worker.pid');
    const reportPid = pidReportingUdf();
    const src = env.from(
      TableDescriptor.forConnector('datagen')
        .schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build())
        .option('rows-per-second', '20')
        .build(),
    );
    const result = await src.select(call(reportPid, lit(pidFile), $('id')).as('id')).execute();
    try {
      const readPid = () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined);
      const first = await until('the first worker', readPid);
      process.kill(first, 'SIGKILL');
      const second = await until('a restarted worker', () => {
        const p = readPid();
        return p !== undefined && p !== first ? p : undefined;
      });
      expect(second).not.toBe(first);
      const job = await restJson<{ state: string }>(`/jobs/${result.jobId}`);
      expect(job.state).toBe('RUNNING');
    } finally {
      await result.cancel();
    }
  });
});

describe('observability', () => {
  // process mode: flink-python's metric container fed by the worker; embedded: EmbeddedContext
  it.each(['process', 'embedded'] as const)('UDF metrics are visible in the REST API while the job runs (%s mode)', async (mode) => {
    class Instrumented extends ScalarFunction<[bigint], bigint> {
      rows?: Counter;
      events?: Meter;
      sizes?: Distribution;
      perKey?: Counter;
      last = 0;
      open(ctx: FunctionContext) {
        const g = ctx.getMetricGroup();
        this.rows = g.counter('tsRows');
        this.events = g.meter('tsEvents', 30);
        this.sizes = g.addGroup('shapes').distribution('tsSizes');
        this.perKey = g.addGroup('kind', 'even').counter('tsKeyed');
        g.gauge('tsLast', () => this.last);
        g.gauge('tsSeen', () => this.rows!.getCount());
      }
      eval(id: bigint) {
        this.rows!.inc();
        this.events!.markEvent();
        this.sizes!.update(Number(id % 10n));
        if (id % 2n === 0n) this.perKey!.inc();
        this.last = Number(id);
        return id;
      }
    }
    const f = udf(new Instrumented(), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), mode });
    const result = await ticks(50).select(call(f, $('id')).as('id')).execute();
    try {
      const jobId = result.jobId!;
      const job = await restJson<{ vertices: { id: string; name: string }[] }>(`/jobs/${jobId}`);
      const vertex = job.vertices.find((v) => v.name.includes('PythonCalc')) ?? job.vertices[0];
      const ids = await until('the UDF metrics', async () => {
        const list = await restJson<{ id: string }[]>(`/jobs/${jobId}/vertices/${vertex.id}/metrics`);
        const names = list.map((m) => m.id);
        const want = ['tsRows', 'tsEvents', 'tsSizes', 'tsKeyed', 'tsLast', 'tsSeen'].map((n) => names.filter((x) => x.endsWith(`.${n}`) || x.includes(`.${n}`)));
        return want.every((w) => w.length) ? names.filter((x) => /\.ts(Rows|Events|Sizes|Keyed|Last|Seen)/.test(x)) : undefined;
      });
      expect(ids.some((id) => /shapes\.tsSizes/.test(id))).toBe(true);
      expect(ids.some((id) => /kind\.even\.tsKeyed/.test(id))).toBe(true);
      const values = await until('a positive counter', async () => {
        const v = await restJson<{ id: string; value: string }[]>(`/jobs/${jobId}/vertices/${vertex.id}/metrics?get=${ids.map(encodeURIComponent).join(',')}`);
        const num = (suffix: string) => Number(v.find((m) => m.id.endsWith(suffix))?.value ?? 0);
        // meters are rates Flink recomputes every few seconds
        return num('.tsRows') > 20 && num('.tsEvents') > 0 && num('.tsLast') > 0 && num('.tsSeen') > 0 ? v : undefined;
      });
      const get = (suffix: string) => values.find((m) => m.id.endsWith(suffix))?.value;
      expect(Number(get('.tsLast'))).toBeGreaterThan(20);
      expect(Number(get('.tsKeyed'))).toBeGreaterThan(5);
      expect(Number(get('.tsRows'))).toBeGreaterThanOrEqual(Number(get('.tsKeyed')) * 2 - 1);
      // a gauge reads the counter (getCount) on the function's side, a little behind it
      expect(Number(get('.tsSeen'))).toBeGreaterThan(0);
      expect(Number(get('.tsSeen'))).toBeLessThanOrEqual(Number(get('.tsRows')));
      // distributions look the same in both modes: Beam's DistributionResult, as flink-python reports it
      expect(get('.tsSizes')).toMatch(/^DistributionResult\{sum=\d+, count=\d+, min=0, max=9\}$/);
    } finally {
      await result.cancel();
    }
  });

  it.each(['process', 'embedded'] as const)('console output of a UDF lands in the TaskManager log (also served by the REST API) (%s mode)', async (mode) => {
    const marker = `tsflink-log-marker-${mode}-${process.pid}-${Date.now()}`;
    const chatty = udf(
      (m: string, x: number) => {
        console.log('%s info row %d', m, x); // Node.js's format specifiers, in both modes
        console.warn('%s warn row %i of 100%', m, x, 'and more');
        return x;
      },
      { inputTypes: [DataTypes.STRING(), DataTypes.INT()], resultType: DataTypes.INT(), mode },
    );
    expect(await rowsOf(tEnv.fromValues([{ x: 7 }]).select(call(chatty, lit(marker), $('x')).as('x')))).toEqual([{ x: 7 }]);
    const line = await until('the log line', () =>
      fs
        .readFileSync(sessionLogFile(), 'utf8')
        .split('\n')
        .find((l) => l.includes(`${marker} info row 7`)),
    );
    expect(line).toMatch(mode === 'process' ? /INFO\s+PythonWorker/ : /INFO\s+TypeScriptUdf/);
    const tms = await restJson<{ taskmanagers: { id: string }[] }>('/taskmanagers');
    // (polled: the REST handler may serve the file a moment before the line reaches it)
    const served = await until('the warn line in the log the REST API serves', async () => {
      const tmLog = await (await fetch(`${session.restAddress}/taskmanagers/${tms.taskmanagers[0].id}/log`)).text();
      return tmLog.split('\n').find((l) => l.includes(`${marker} warn row`));
    }, 20_000);
    expect(served).toContain(`${marker} warn row 7 of 100% and more`);
  });
});

describe('configuration', () => {
  /** Arrival times (ms after the first row) of the first `n` rows of a slow stream through a UDF. */
  async function arrivals(env: TableEnvironment, n: number): Promise<number[]> {
    const ident = udf((x: bigint) => x, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT() });
    const src = env.from(
      TableDescriptor.forConnector('datagen')
        .schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build())
        .option('rows-per-second', '4')
        .option('fields.id.kind', 'sequence')
        .option('fields.id.start', '1')
        .option('fields.id.end', '100000')
        .build(),
    );
    const result = await src.select(call(ident, $('id')).as('id')).execute();
    const times: number[] = [];
    try {
      for await (const _ of result.collect()) {
        times.push(Date.now());
        if (times.length >= n) break;
      }
    } finally {
      await result.cancel();
    }
    return times.map((t) => t - times[0]);
  }

  it('bundle size/time control latency; UdfPresets.lowLatency streams rows one by one', async () => {
    const batched = await streamingEnv();
    batched.getConfig().set('python.fn-execution.bundle.size', '100000').set('python.fn-execution.bundle.time', '2500');
    const slow = await arrivals(batched, 16);
    const gaps = slow.slice(1).map((t, i) => t - slow[i]);
    // 4 rows/s come in bursts, one per bundle (every 2.5 s)
    expect(Math.max(...gaps)).toBeGreaterThan(1500);

    const interactive = await streamingEnv();
    for (const [k, v] of Object.entries(UdfPresets.lowLatency)) interactive.getConfig().set(k, v);
    const fast = await arrivals(interactive, 8);
    const fastGaps = fast.slice(1).map((t, i) => t - fast[i]);
    // 4 rows/s arrive about every 250 ms
    expect(Math.max(...fastGaps)).toBeLessThan(1200);
  });

  it('UdfPresets.highThroughput: a bundle of 50,000 rows streams through the worker in order', async () => {
    const env = await streamingEnv();
    for (const [k, v] of Object.entries(UdfPresets.highThroughput)) env.getConfig().set(k, v);
    // ~2 MB of results in one bundle: the worker streams them (flink-python pairs each result with
    // its input row by position, so any reordering shows up as a mismatch below)
    const label = udf((id: bigint) => `${id}:${'x'.repeat(40)}`, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.STRING() });
    const src = env.from(
      TableDescriptor.forConnector('datagen')
        .schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build())
        .option('fields.id.kind', 'sequence')
        .option('fields.id.start', '1')
        .option('fields.id.end', '50000')
        .build(),
    );
    const rows = await rowsOf(src.select($('id'), call(label, $('id')).as('s')));
    expect(rows).toHaveLength(50_000);
    const wrong = rows.filter((r) => r.s !== `${r.id}:${'x'.repeat(40)}`);
    expect(wrong.slice(0, 3)).toEqual([]);
  });
});
