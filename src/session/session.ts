/**
 * A TSFlink session: the in-process JVM and the Flink cluster its table environments submit to,
 * by default a local MiniCluster on a free loopback port (web UI included), or a remote cluster.
 * One per Node process, like PyFlink's gateway.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { callSync, ensureJvm } from '../gateway/jvm';
import { LocalClusterFacade } from '../gateway/facade';
import { flinkVersion } from '../gateway/paths';
import { resolveConnector, type ResolvedConnector } from '../connectors/resolve';

export interface SessionOptions {
  /** Submit to a running Flink cluster at host:port (its REST endpoint) instead of a local one. */
  remote?: string;
  /** Task slots of the local MiniCluster (default 4). */
  slots?: number;
  /** Default parallelism of jobs (default 1). */
  parallelism?: number;
  /** Flink configuration for the cluster and every table environment of the session. */
  config?: Record<string, string>;
  /** Extra JVM flags, e.g. ['-Xmx4g']. */
  jvmOptions?: string[];
  /**
   * Extra jars or directories on the JVM's startup classpath, where Flink's factory discovery
   * (ServiceLoader) sees them. Jobs' own jars go in `pipeline.jars` instead.
   */
  classpath?: string[];
  /**
   * Connectors and formats to add, by name (e.g. ['kafka', 'jdbc']; src/connectors/connectors.json
   * lists them), as Maven coordinates or as jar paths: fetched through Maven, added to every table
   * environment's class loader and shipped with each job (`pipeline.jars`). See docs/connectors.md.
   */
  connectors?: string[];
  /** Print the web UI address on start (default true). */
  announce?: boolean;
}

/** Hooks other parts (the UDF runtime) contribute before the JVM starts. */
export interface SessionContribution {
  env?: Record<string, string>;
  flinkConfig?: Record<string, string>;
  /** JVM flags, placed before the session's own jvmOptions (which therefore win). */
  jvmOptions?: string[];
}

const contributions: (() => SessionContribution)[] = [];

/** What a session needs of a table environment to give it the session's connector jars. */
export interface ConnectorJarTarget {
  /** Adds jars to the environment's user class loader and to the jobs it submits (Flink's ADD JAR). */
  addJars(jars: readonly string[]): Promise<void>;
}

/** Registers a contribution applied when a session starts (env vars before the JVM, Flink config). */
export function contributeToSession(c: () => SessionContribution): void {
  contributions.push(c);
}

export class Session {
  private static current?: Promise<Session>;
  private closed = false;
  private readonly jars: string[] = [];
  private readonly added = new Map<string, ResolvedConnector>();
  private readonly environments = new Set<WeakRef<ConnectorJarTarget>>();

  private constructor(
    /** The REST endpoint / web UI, e.g. http://127.0.0.1:38123. */
    readonly restAddress: string,
    /** Flink configuration every table environment of this session starts from. */
    readonly baseConfig: Readonly<Record<string, string>>,
    readonly local: boolean,
    readonly tmpDir: string,
  ) {}

  /** The Flink version TSFlink is pinned to (src/jvm/pom.xml). */
  static get flinkVersion(): string {
    return flinkVersion();
  }

  get webUi(): string {
    return this.restAddress;
  }

  /** Starts (once per process) and returns the session. */
  static start(options: SessionOptions = {}): Promise<Session> {
    if (!Session.current) {
      Session.current = Session.boot(withEnvironmentDefaults(options));
      Session.current.catch(() => (Session.current = undefined));
    }
    return Session.current;
  }

  /** The running session, if any. */
  static async running(): Promise<Session | undefined> {
    return Session.current;
  }

  private static async boot(options: SessionOptions): Promise<Session> {
    const contributed = contributions.map((c) => c());
    for (const c of contributed) {
      for (const [k, v] of Object.entries(c.env ?? {})) process.env[k] ??= v;
    }
    // Fetching connector jars (Maven, when not cached) overlaps the JVM and cluster start.
    const connectors = Promise.all((options.connectors ?? []).map(resolveConnector));
    connectors.catch(() => undefined);
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-'));
    ensureJvm({ jvmOptions: [...contributed.flatMap((c) => c.jvmOptions ?? []), ...(options.jvmOptions ?? []), `-Djava.io.tmpdir=${os.tmpdir()}`], classpath: options.classpath });
    const config: Record<string, string> = {
      'parallelism.default': String(options.parallelism ?? 1),
      ...Object.assign({}, ...contributed.map((c) => c.flinkConfig ?? {})),
      ...(options.config ?? {}),
    };
    // Opt-in planner warm-up on the API thread while the cluster starts (Envs.prewarm): the first
    // query comes sooner but, on 2 busy cores, session start later (docs/gateway.md).
    if (process.env.TSFLINK_PREWARM === '1') callSync('dev.tsflink.gateway.Envs', 'prewarm');
    let restAddress: string;
    let host: string;
    let port: number;
    if (options.remote) {
      const m = /^(?:https?:\/\/)?([^:/]+):(\d+)\/?$/.exec(options.remote);
      if (!m) throw new Error(`remote cluster must be host:port, got '${options.remote}'`);
      [host, port] = [m[1], Number(m[2])];
      restAddress = `http://${host}:${port}`;
    } else {
      const info = JSON.parse(
        await LocalClusterFacade.start({
          'taskmanager.numberOfTaskSlots': String(options.slots ?? 4),
          // Kafka's clients close their threads after the job released its classloader (the source
          // enumerator's admin client at the latest when the cluster stops); with Flink's leak check
          // on, log4j then failed to format their last log line and printed "Trying to access
          // closed classloader" with a stack trace to this process's stderr. Flink's message
          // itself says to turn the check off for third-party libraries; this mini-cluster only
          // runs the user's own jobs, in the user's own process (docs/connectors.md).
          'classloader.check-leaked-classloader': 'false',
          ...config,
        }),
      ) as { restAddress: string; host: string; port: number };
      ({ restAddress, host, port } = info);
    }
    const base = { ...config, 'execution.target': 'remote', 'rest.address': host, 'rest.port': String(port) };
    const session = new Session(restAddress, base, !options.remote, tmpDir);
    try {
      session.addResolved(await connectors);
    } catch (e) {
      await session.close().catch(() => undefined);
      throw e;
    }
    if (options.announce ?? process.env.TSFLINK_QUIET !== '1') {
      process.stderr.write(`TSFlink: Flink ${Session.flinkVersion} ${session.local ? 'mini-cluster' : 'cluster'}, web UI ${restAddress}\n`);
    }
    return session;
  }

  /** Names of the connectors added to this session (connectors option, addConnectors). */
  get connectors(): string[] {
    return [...this.added.keys()];
  }

  /** The jars the session's connectors brought, in the order they were added. */
  get connectorJars(): readonly string[] {
    return [...this.jars];
  }

  /**
   * Adds connectors (names from src/connectors/connectors.json, Maven coordinates or jar paths) to the
   * running session: their jars are fetched if needed and added to every table environment of the
   * session, existing and future ones, without a restart; jobs carry them to the cluster in
   * `pipeline.jars`. An unknown name fails before anything is added, listing the known ones.
   */
  async addConnectors(...names: string[]): Promise<ResolvedConnector[]> {
    const resolved = await Promise.all(names.map(resolveConnector));
    const fresh = this.addResolved(resolved);
    if (fresh.length > 0) {
      for (const ref of this.environments) {
        const env = ref.deref();
        if (env) await env.addJars(fresh);
        else this.environments.delete(ref);
      }
    }
    return resolved;
  }

  /** Records resolved connectors; returns the jars not added before. */
  private addResolved(resolved: readonly ResolvedConnector[]): string[] {
    const fresh: string[] = [];
    for (const r of resolved) {
      this.added.set(r.spec.name, r);
      for (const jar of r.jars) if (!this.jars.includes(jar) && !fresh.includes(jar)) fresh.push(jar);
    }
    this.jars.push(...fresh);
    return fresh;
  }

  /** Called by each new table environment: gives it the connector jars added so far, and later ones. */
  async attachEnvironment(env: ConnectorJarTarget): Promise<void> {
    this.environments.add(new WeakRef(env));
    if (this.jars.length > 0) await env.addJars(this.jars);
  }

  /** Cancels nothing by itself: stops the local cluster (which ends its jobs) and frees temp files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.local) await LocalClusterFacade.stop();
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    Session.current = undefined;
  }

  /** Jobs known to the cluster (REST /jobs/overview). */
  async listJobs(): Promise<{ jid: string; name: string; state: string }[]> {
    const res = await fetch(`${this.restAddress}/jobs/overview`);
    const body = (await res.json()) as { jobs: { jid: string; name: string; state: string }[] };
    return body.jobs;
  }

  /** Cancels every job that is still running on the cluster. */
  async cancelAllJobs(): Promise<void> {
    const jobs = await this.listJobs();
    await Promise.all(jobs.filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state)).map((j) => this.cancelJob(j.jid)));
  }

  /**
   * Cancels a job through the REST API, once its tasks have started: cancelling a query whose task
   * is still initializing makes Flink 2.3 fail the TaskManager, and the other jobs on it.
   */
  async cancelJob(jobId: string): Promise<void> {
    await LocalClusterFacade.awaitTasksStarted(jobId).catch(() => undefined);
    await fetch(`${this.restAddress}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
  }
}

/** Options `tsflink run` passes down (its -D / --parallelism / --remote flags) under explicit ones. */
function withEnvironmentDefaults(options: SessionOptions): SessionOptions {
  const raw = process.env.TSFLINK_SESSION_OPTIONS;
  if (!raw) return options;
  const defaults = JSON.parse(raw) as SessionOptions;
  const connectors = [...new Set([...(defaults.connectors ?? []), ...(options.connectors ?? [])])];
  return { ...defaults, ...options, config: { ...defaults.config, ...options.config }, connectors };
}

/** The process's session, started with defaults if none is running. */
export function getSession(options?: SessionOptions): Promise<Session> {
  return Session.start(options);
}
