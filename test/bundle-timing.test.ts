import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleTiming, type BundleTimingLine } from '../src/worker/bundle-timing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BundleTiming (the worker diagnostic bench/udf reads)', () => {
  const file = path.join(os.tmpdir(), `tsflink-bundle-timing-test-${process.pid}.jsonl`);
  afterEach(() => {
    delete process.env.TSFLINK_WORKER_BUNDLE_TIMING;
    fs.rmSync(file, { force: true });
  });

  it('is off unless TSFLINK_WORKER_BUNDLE_TIMING names a file', () => {
    delete process.env.TSFLINK_WORKER_BUNDLE_TIMING;
    expect(BundleTiming.fromEnv()).toBeUndefined();
  });

  it('splits each bundle into runner time (response → last input) and worker time (last input → response)', async () => {
    process.env.TSFLINK_WORKER_BUNDLE_TIMING = file;
    const timing = BundleTiming.fromEnv()!;
    // the first bundle has no previous response to measure the runner's part from
    timing.input(999, true);
    timing.responded();
    for (let i = 0; i < 2; i++) {
      await sleep(30); // the runner emits results and fills the next bundle
      timing.input(100, false);
      timing.input(200, true);
      await sleep(10); // the worker processes it
      timing.responded();
    }
    timing.flush();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BundleTimingLine);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ pid: process.pid, bundles: 2, inputBytes: 300 });
    expect(line.runnerMicros).toBeGreaterThanOrEqual(29_000);
    expect(line.runnerMicros).toBeLessThan(1_000_000);
    expect(line.workerMicros).toBeGreaterThanOrEqual(9_000);
    expect(line.workerMicros).toBeLessThan(line.runnerMicros);
    timing.flush(); // nothing timed since: no new line
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
