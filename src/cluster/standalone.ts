/**
 * A real standalone Flink session cluster (a JobManager and TaskManagers, each its own JVM) started
 * from the pinned Flink jars, the way Flink's bin/start-cluster.sh does: TaskManager memory is
 * resolved by Flink's own BashJavaUtils. Sessions submit to it with `remote: 'host:port'`.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { workerRunnerDir } from '../api/udf/session-setup';
import { flinkClasspath } from '../gateway/paths';

export interface StandaloneClusterOptions {
  /** Working directory for config, logs and pid files (default `.tsflink/cluster`). */
  dir: string;
  /** REST port of the JobManager (web UI), default 8081. */
  restPort?: number;
  taskManagers?: number;
  slotsPerTaskManager?: number;
  /** Total process memory per TaskManager, e.g. '1728m'. */
  taskManagerMemory?: string;
  /** Extra Flink configuration (flat keys). */
  config?: Record<string, string>;
  /** Extra environment of the TaskManagers (the UDF worker's runner directory is always set). */
  taskManagerEnv?: Record<string, string>;
  /** How long to wait for all TaskManagers to register. */
  timeoutMs?: number;
  /** Log levels by logger name, over the cluster's log4j configuration (e.g. a class's DEBUG). */
  logLevels?: Record<string, string>;
}

export interface StandaloneCluster {
  restAddress: string;
  /** host:port, as `--remote` / `SessionOptions.remote` take it. */
  remote: string;
  pids: number[];
  logDir: string;
}

const JOB_MANAGER_MAIN = 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint';
const TASK_MANAGER_MAIN = 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner';
const BASH_JAVA_UTILS = 'org.apache.flink.runtime.util.bash.BashJavaUtils';

export async function startStandaloneCluster(options: StandaloneClusterOptions): Promise<StandaloneCluster> {
  const dir = path.resolve(options.dir);
  const running = readState(dir);
  if (running && running.pids.some(isAlive)) {
    throw new Error(`a cluster is already running from ${dir} (web UI ${running.restAddress}); stop it first`);
  }
  const confDir = path.join(dir, 'conf');
  const logDir = path.join(dir, 'log');
  fs.mkdirSync(confDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const restPort = options.restPort ?? 8081;
  // the REST port is how we see the cluster come up: one already answering there is someone else's
  if (!(await portIsFree(restPort))) {
    throw new Error(`port ${restPort} is in use (another Flink cluster or program); choose another with --port`);
  }
  const config: Record<string, string> = {
    'jobmanager.rpc.address': 'localhost',
    // Clients reach the cluster through its REST port only, so the JobManager's RPC port need not
    // be Flink's fixed 6123: a free one lets several clusters (or one beside another Flink) start.
    'jobmanager.rpc.port': String(await freePort()),
    'jobmanager.bind-host': 'localhost',
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.bind-host': 'localhost',
    'taskmanager.host': 'localhost',
    'taskmanager.numberOfTaskSlots': String(options.slotsPerTaskManager ?? 2),
    'taskmanager.memory.process.size': options.taskManagerMemory ?? '1728m',
    'rest.address': 'localhost',
    'rest.bind-address': 'localhost',
    'rest.port': String(restPort),
    ...options.config,
  };
  fs.writeFileSync(path.join(confDir, 'config.yaml'), Object.entries(config).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
  const levels = Object.entries({ ...LOG_LEVELS, ...options.logLevels }).map(([name, level], i) => `logger.l${i}.name = ${name}\nlogger.l${i}.level = ${level}\n`);
  fs.writeFileSync(path.join(confDir, 'log4j.properties'), LOG4J + levels.join(''));

  const classpath = flinkClasspath().join(path.delimiter);
  const logArgs = (name: string) => [`-Dlog.file=${path.join(logDir, `${name}.log`)}`, `-Dlog4j.configurationFile=file:${path.join(confDir, 'log4j.properties')}`];
  const pids: number[] = [];
  // logs append across starts: a start-up failure is looked for only in what this start wrote
  const logOffsets = new Map<string, number>();
  const launch = (name: string, jvm: string[], main: string, args: string[], env: NodeJS.ProcessEnv) => {
    for (const file of [`${name}.log`, `${name}.out`]) logOffsets.set(file, fileSize(path.join(logDir, file)));
    const out = fs.openSync(path.join(logDir, `${name}.out`), 'a');
    const child = spawn('java', [...jvm, ...logArgs(name), '-cp', classpath, main, '--configDir', confDir, ...args], {
      detached: true,
      stdio: ['ignore', out, out],
      env,
    });
    child.unref();
    pids.push(child.pid!);
  };
  launch('jobmanager', ['-Xmx512m', '-Xms512m'], JOB_MANAGER_MAIN, [], process.env);
  const [jvmParams, dynamicConfig] = taskManagerResources(classpath, confDir);
  for (let i = 0; i < (options.taskManagers ?? 1); i++) {
    launch(`taskmanager-${i}`, jvmParams, TASK_MANAGER_MAIN, dynamicConfig, { ...process.env, PYFLINK_UDF_RUNNER_DIR: workerRunnerDir(), ...options.taskManagerEnv });
  }
  const restAddress = `http://localhost:${restPort}`;
  const cluster = { restAddress, remote: `localhost:${restPort}`, pids, logDir };
  fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(cluster, null, 2));
  try {
    await waitForTaskManagers(restAddress, options.taskManagers ?? 1, options.timeoutMs ?? 60_000, pids, logDir, logOffsets);
  } catch (e) {
    await stopStandaloneCluster(dir);
    throw e;
  }
  return cluster;
}

/** Stops the cluster started from `dir`; returns whether one was running. */
export async function stopStandaloneCluster(dir: string): Promise<boolean> {
  const state = readState(path.resolve(dir));
  if (!state) return false;
  const alive = state.pids.filter(isAlive);
  for (const pid of alive) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of alive.filter(isAlive)) process.kill(pid, 'SIGKILL');
  fs.rmSync(path.join(path.resolve(dir), 'cluster.json'), { force: true });
  return alive.length > 0;
}

export function standaloneClusterStatus(dir: string): (StandaloneCluster & { alive: boolean }) | undefined {
  const state = readState(path.resolve(dir));
  return state && { ...state, alive: state.pids.some(isAlive) };
}

/** JVM flags and dynamic `-D` properties for a TaskManager, computed by Flink like taskmanager.sh does. */
function taskManagerResources(classpath: string, confDir: string): [string[], string[]] {
  const out = execFileSync('java', ['-cp', classpath, BASH_JAVA_UTILS, 'GET_TM_RESOURCE_PARAMS', '--configDir', confDir], { encoding: 'utf8' });
  const results = out
    .split('\n')
    .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (results.length < 2) throw new Error(`cannot compute TaskManager memory settings:\n${out}`);
  return [results[0].split(/\s+/), results[1].split(/\s+/)];
}

async function waitForTaskManagers(
  restAddress: string,
  expected: number,
  timeoutMs: number,
  pids: number[],
  logDir: string,
  logOffsets: Map<string, number>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exited = pids.findIndex((pid) => !isAlive(pid));
    if (exited >= 0) {
      const name = exited === 0 ? 'jobmanager' : `taskmanager-${exited - 1}`;
      const cause = startupFailure(logDir, name, logOffsets);
      throw new Error(`the ${name} process exited during start-up${cause ? `: ${cause}` : ''}; see the logs in ${logDir}`);
    }
    try {
      const overview = (await (await fetch(`${restAddress}/overview`)).json()) as { taskmanagers: number };
      if (overview.taskmanagers >= expected) return;
    } catch {
      // REST endpoint not up yet
    }
    await sleep(250);
  }
  throw new Error(`the cluster did not get ${expected} TaskManager(s) within ${timeoutMs} ms; see the logs in ${logDir}`);
}

/**
 * Why a Flink process stopped, from what it logged since `offsets` (its log4j file, else its
 * stdout/stderr): the root cause of its first stack trace. Class-loading errors are skipped: they
 * are what a JVM tearing itself down prints after the real failure.
 */
function startupFailure(logDir: string, name: string, offsets: Map<string, number>): string | undefined {
  for (const file of [`${name}.log`, `${name}.out`]) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(logDir, file)).subarray(offsets.get(file) ?? 0).toString('utf8');
    } catch {
      continue;
    }
    const cause = rootCauses(text).find((c) => !/^java\.lang\.(NoClassDefFoundError|ClassNotFoundException)\b/.test(c));
    if (cause) return cause;
  }
  return undefined;
}

/** The innermost `Caused by:` (or the exception itself) of each stack trace in a log, in order. */
function rootCauses(log: string): string[] {
  const exception = /^(?:Caused by: )?((?:[\w$]+\.)+[\w$]*(?:Exception|Error)\b.*)$/;
  const causes: string[] = [];
  let current: string | undefined;
  for (const line of log.split('\n')) {
    const m = exception.exec(line);
    if (m && (current === undefined || line.startsWith('Caused by: '))) current = m[1];
    else if (current !== undefined && !/^\s/.test(line)) {
      causes.push(current);
      current = m ? m[1] : undefined;
    }
  }
  if (current !== undefined) causes.push(current);
  return causes;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** A port no one listens on now (the OS's pick). */
function freePort(): Promise<number> {
  return listenOnce(0).then((port) => port!);
}

function portIsFree(port: number): Promise<boolean> {
  return listenOnce(port).then((p) => p !== undefined);
}

/** Listens on `port` of localhost and closes again: the port it got, or undefined when taken. */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    server.listen(port, 'localhost', () => {
      const { port: got } = server.address() as net.AddressInfo;
      server.close(() => resolve(got));
    });
  });
}

function readState(dir: string): StandaloneCluster | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as StandaloneCluster;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LOG4J = `rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = \${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
`;

// flink-python's DefaultJobBundleFactory warns with the worker environment's whole description (every
// environment variable) each time a cancelled task leaves a bundle open; that slow line also widens
// the race that our DefaultJobBundleFactory.java makes harmless (docs/datastream.md), so it is kept
// to errors.
const LOG_LEVELS: Record<string, string> = { 'org.apache.beam.runners.fnexecution.control.DefaultJobBundleFactory': 'ERROR' };
