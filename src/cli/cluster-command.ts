/**
 * `tsflink cluster start|stop|status`: a real standalone Flink cluster (JobManager + TaskManager
 * JVMs) from the pinned jars, to submit to with `--remote` like any other Flink cluster.
 */
import * as path from 'node:path';
import { standaloneClusterStatus, startStandaloneCluster, stopStandaloneCluster } from '../cluster/standalone';

export const CLUSTER_USAGE = `usage: tsflink cluster start [--port 8081] [--taskmanagers 1] [--slots 2] [--dir DIR] [-D key=value]...
       tsflink cluster stop [--dir DIR]
       tsflink cluster status [--dir DIR]

Starts a standalone Flink 2.3 session cluster (JobManager and TaskManagers as separate JVMs, logs
in DIR/log; DIR defaults to .tsflink/cluster), like Flink's bin/start-cluster.sh. Submit jobs with
\`tsflink run --remote localhost:PORT script.ts\` or \`tsflink-shell --remote localhost:PORT\`.`;

export async function clusterCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const flags = parseFlags(rest);
  const dir = flags.dir ?? path.resolve('.tsflink', 'cluster');
  switch (action) {
    case 'start': {
      const cluster = await startStandaloneCluster({
        dir,
        restPort: flags.port === undefined ? undefined : positive('--port', flags.port),
        taskManagers: flags.taskmanagers === undefined ? undefined : positive('--taskmanagers', flags.taskmanagers),
        slotsPerTaskManager: flags.slots === undefined ? undefined : positive('--slots', flags.slots),
        config: flags.config,
      });
      console.log(`Flink cluster started: web UI ${cluster.restAddress}, logs in ${cluster.logDir}`);
      console.log(`submit with: tsflink run --remote ${cluster.remote} <script.ts>`);
      return 0;
    }
    case 'stop':
      console.log((await stopStandaloneCluster(dir)) ? 'Flink cluster stopped' : `no cluster running from ${dir}`);
      return 0;
    case 'status': {
      const status = standaloneClusterStatus(dir);
      console.log(status?.alive ? `running: web UI ${status.restAddress} (pids ${status.pids.join(' ')})` : `no cluster running from ${dir}`);
      return status?.alive ? 0 : 1;
    }
    default:
      throw new UsageError(action ? `unknown cluster action '${action}'` : 'missing the cluster action');
  }
}

export class UsageError extends Error {}

interface ClusterFlags {
  dir?: string;
  port?: string;
  taskmanagers?: string;
  slots?: string;
  config: Record<string, string>;
}

function parseFlags(args: string[]): ClusterFlags {
  const flags: ClusterFlags = { config: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') flags.dir = path.resolve(value());
    else if (a === '--port') flags.port = value();
    else if (a === '--taskmanagers') flags.taskmanagers = value();
    else if (a === '--slots') flags.slots = value();
    else if (a.startsWith('-D')) {
      const kv = a === '-D' ? value() : a.slice(2);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`-D needs key=value, got '${kv}'`);
      flags.config[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else throw new UsageError(`unknown option '${a}'`);
  }
  return flags;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number`);
  return n;
}
