/** The PyFlink baseline's Python (.venv/pyflink, made by bench/lib/pyflink-venv.sh on first use). */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { JVM_TUNING_OPTIONS } from '../../src/gateway/jvm-tuning';
import { benchServicesJar, glueJar } from './bench-jar';
import { INSERT, PROBE_DDL, SINK_DDL, readProbe } from './bids';
import type { ProbeStats } from './report';

// PyFlink runs with the environment the bench started with: a TSFlink session exports variables
// (e.g. PYFLINK_UDF_RUNNER_DIR, which would make PyFlink launch our Node worker instead of Python).
const cleanEnv = { ...process.env };

export function pyflinkPython(): string {
  const script = path.join(__dirname, 'pyflink-venv.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}

/**
 * bench/udf_pyflink.py: bench/udf's query with toEuro as a PyFlink UDF — a row UDF in process or
 * thread mode, or a pandas UDF (process mode) — in a process of its own; the probe's counts, or why not.
 */
export function runPyflinkToEuro(
  python: string,
  mode: 'process' | 'thread' | 'pandas',
  options: Record<string, string>,
  bidsDdl: string,
  probe: { file: string; seconds: number; warmup: number },
  /** bench/udf's JSON workload: its INSERT (bids.ts jsonInsert), with jsonPrice as the Python UDF */
  json?: { insert: string },
): ProbeStats | { unavailable: string } {
  const cli = ['--mode', mode, '--seconds', String(probe.warmup + probe.seconds), '--warmup', String(probe.warmup), '--probe-file', probe.file, '--config', JSON.stringify(options)];
  if (json) cli.push('--function', 'json');
  const r = spawnSync(python, [path.join(__dirname, '..', 'udf_pyflink.py'), ...cli], {
    env: {
      ...cleanEnv,
      // PyFlink's JVM gets the collector and heap TSFlink's has (PyFlink's own default is G1)
      JVM_ARGS: JVM_TUNING_OPTIONS.join(' '),
      TSFLINK_BENCH_JARS: [glueJar(), benchServicesJar()].join(';'),
      TSFLINK_BENCH_SQL: JSON.stringify({ bids: bidsDdl, sink: SINK_DDL, probe: PROBE_DDL, insert: json?.insert ?? INSERT }),
    },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) return { unavailable: `PyFlink failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
  return readProbe(probe.file);
}
