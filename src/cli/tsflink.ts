#!/usr/bin/env node
/**
 * `tsflink run script.ts [-D key=value ...] [--parallelism N] [--remote host:port]` runs a TypeScript
 * job script on the embedded mini-cluster (or a remote cluster). The script runs in a child Node
 * process with tsx's TypeScript loader; its exit code is the script's: 0 on success, 1 if it threw.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../gateway/paths';
import type { SessionOptions } from '../session/session';
import { connectorSpec } from '../connectors/resolve';
import { CLUSTER_USAGE, clusterCommand, UsageError } from './cluster-command';
import { ZEPPELIN_USAGE, zeppelinCommand } from '../../zeppelin/install';

const USAGE = `usage: tsflink run [-D key=value]... [--parallelism N] [--remote host:port] [--connector NAME]... <script.ts> [-- script args]

Runs a TypeScript Flink job script. -D sets Flink configuration for the session's cluster and every
TableEnvironment the script creates; --parallelism sets the default parallelism of its jobs; --remote
submits to a running Flink cluster instead of the embedded mini-cluster. --connector adds a connector
or format by name (kafka, jdbc, avro, parquet, ...; docs/connectors.md), Maven coordinates or a jar
path: fetched through Maven and shipped with the jobs (repeat it, or separate names with commas). Arguments after -- reach
the script as process.argv.slice(2). Top-level await works in .ts and .mts scripts.
Exit code: 0 on success, 1 if the script failed (TSFLINK_DEBUG=1 prints full stack traces), 2 for
usage errors.

${CLUSTER_USAGE}

${ZEPPELIN_USAGE}

usage: tsflink sql [-i init.sql] [-f script.sql] [--udfs udfs.ts] [-D key=value]...   (tsflink sql --help)`;

export interface RunCommand {
  script: string;
  options: SessionOptions;
  scriptArgs: string[];
}

export function parseRunArgs(argv: string[]): RunCommand {
  const rest = argv;
  let script: string | undefined;
  const config: Record<string, string> = {};
  const options: SessionOptions = { config };
  const scriptArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--') {
      scriptArgs.push(...rest.slice(i + 1));
      break;
    } else if (a === '-D' || a.startsWith('-D')) {
      const kv = a === '-D' ? value() : a.slice(2);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`-D needs key=value, got '${kv}'`);
      config[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--parallelism' || a === '-p') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--parallelism needs a positive whole number');
      options.parallelism = n;
    } else if (a === '--remote') {
      options.remote = value();
    } else if (a === '--connector' || a.startsWith('--connector=')) {
      const names = (a === '--connector' ? value() : a.slice('--connector='.length)).split(',').map((n) => n.trim()).filter(Boolean);
      if (names.length === 0) throw new Error('--connector needs a name');
      // unknown names fail here, before a JVM starts, with the list of known ones
      for (const n of names) if (!n.endsWith('.jar')) connectorSpec(n);
      options.connectors = [...(options.connectors ?? []), ...names.map((n) => (n.endsWith('.jar') ? path.resolve(n) : n))];
    } else if (!a.startsWith('-') && script === undefined) {
      script = a;
    } else {
      throw new Error(a.startsWith('-') ? `unknown option '${a}'` : `unexpected argument '${a}' (pass arguments for the script after --)`);
    }
  }
  if (script === undefined) throw new Error('missing the script to run');
  return { script: path.resolve(script), options, scriptArgs };
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    console.log(USAGE);
    process.exit(command === undefined ? 2 : 0);
  }
  if (command === 'cluster') {
    clusterCommand(rest).then(
      (code) => process.exit(code),
      (e: Error) => {
        console.error(`tsflink cluster: ${e.message}${e instanceof UsageError ? `\n${CLUSTER_USAGE}` : ''}`);
        process.exit(e instanceof UsageError ? 2 : 1);
      },
    );
    return;
  }
  if (command === 'sql') {
    // the SQL client, a front-end of its own (sql-client/), loaded only when asked for
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('../../sql-client/main') as typeof import('../../sql-client/main')).main(rest).catch((e: Error) => {
      console.error(`tsflink sql: ${e.message}`);
      process.exit(1);
    });
    return;
  }
  if (command === 'zeppelin') {
    process.exit(zeppelinCommand(rest));
  }
  if (command !== 'run') {
    console.error(`tsflink: unknown command '${command}'\n${USAGE}`);
    process.exit(2);
  }
  let run: RunCommand;
  try {
    run = parseRunArgs(rest);
  } catch (e) {
    console.error(`tsflink: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (!fs.existsSync(run.script)) {
    console.error(`tsflink: no such script: ${run.script}`);
    process.exit(2);
  }
  const root = packageRoot();
  const loader = path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const child = spawn(
    process.execPath,
    ['--import', loader, path.join(__dirname, 'run-script.js'), run.script, ...run.scriptArgs],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        TSFLINK_SESSION_OPTIONS: JSON.stringify(run.options),
        NODE_PATH: [path.join(root, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
      },
    },
  );
  // The child gets Ctrl-C from the terminal itself; keep this process alive until it exits.
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}

if (require.main === module) main(process.argv.slice(2));
