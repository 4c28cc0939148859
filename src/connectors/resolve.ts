/**
 * Connector names → jars. The table of names is data (connectors.json next to this file): each name
 * lists Maven Central artifacts built for the pinned Flink version. Jars are fetched through Maven
 * (`mvn dependency:copy`, like install.sh fetches Flink, so ~/.m2 and Maven's settings apply) into a
 * cache directory and reused from there without Maven afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../gateway/paths';
import { runCommand } from './command';

export interface ConnectorSpec {
  name: string;
  description: string;
  /** Factory identifiers ('connector' = ... or 'format' = ...) the connector brings. */
  identifiers: string[];
  /** Maven coordinates groupId:artifactId:version; empty for built-in ones. */
  artifacts: string[];
  /** Already on TSFlink's classpath: nothing to add. */
  builtin: boolean;
}

interface RawSpec {
  description: string;
  identifiers: string[];
  artifacts?: string[];
  builtin?: boolean;
}

let table: Map<string, ConnectorSpec> | undefined;

/** The known connectors and formats, by name. */
export function connectorTable(): ReadonlyMap<string, ConnectorSpec> {
  if (!table) {
    const file = path.join(packageRoot(), 'src', 'connectors', 'connectors.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, RawSpec | string>;
    table = new Map();
    for (const [name, spec] of Object.entries(raw)) {
      if (typeof spec === 'string') continue; // "$comment"
      table.set(name, { name, description: spec.description, identifiers: spec.identifiers, artifacts: spec.artifacts ?? [], builtin: spec.builtin === true });
    }
  }
  return table;
}

export function knownConnectorNames(): string[] {
  return [...connectorTable().keys()];
}

/** A connector name no table entry, jar path or Maven coordinate matches. */
export class UnknownConnectorError extends Error {
  override readonly name = 'UnknownConnectorError';
  constructor(readonly connector: string) {
    super(`unknown connector '${connector}'; known connectors and formats: ${knownConnectorNames().join(', ')} (or give Maven coordinates group:artifact:version, or a path to a jar)`);
  }
}

const COORDINATES = /^[\w.-]+:[\w.-]+:[\w.-]+$/;

/** The table entry for a name (case-insensitive), or a one-off entry for Maven coordinates. */
export function connectorSpec(name: string): ConnectorSpec {
  const key = name.trim().toLowerCase();
  const known = connectorTable().get(key);
  if (known) return known;
  const byIdentifier = [...connectorTable().values()].find((s) => s.identifiers.includes(key));
  if (byIdentifier) return byIdentifier;
  if (COORDINATES.test(name.trim())) return { name: name.trim(), description: name.trim(), identifiers: [], artifacts: [name.trim()], builtin: false };
  throw new UnknownConnectorError(name);
}

/** The connector whose jars provide a factory identifier, e.g. 'upsert-kafka' → kafka. */
export function connectorForIdentifier(identifier: string): ConnectorSpec | undefined {
  return [...connectorTable().values()].find((s) => s.identifiers.includes(identifier.toLowerCase()));
}

/** Where fetched connector jars are kept: TSFLINK_CONNECTORS_DIR, or .tsflink/connectors in the installation. */
export function connectorCacheDir(): string {
  return process.env.TSFLINK_CONNECTORS_DIR ?? path.join(packageRoot(), '.tsflink', 'connectors');
}

function jarFileName(coordinates: string): string {
  const [, artifactId, version] = coordinates.split(':');
  return `${artifactId}-${version}.jar`;
}

/** Only one Maven run per artifact at a time (two cells adding the same connector share it). */
const fetching = new Map<string, Promise<string>>();

/** The local jar of one artifact, fetched from Maven Central through Maven unless cached. */
export function fetchArtifact(coordinates: string): Promise<string> {
  const dir = connectorCacheDir();
  const jar = path.join(dir, jarFileName(coordinates));
  if (fs.existsSync(jar)) return Promise.resolve(jar);
  let pending = fetching.get(coordinates);
  if (!pending) {
    pending = runMavenCopy(coordinates, dir).then(() => {
      if (!fs.existsSync(jar)) throw new Error(`Maven reported success for ${coordinates} but ${jar} is missing`);
      return jar;
    });
    pending.finally(() => fetching.delete(coordinates)).catch(() => undefined);
    fetching.set(coordinates, pending);
  }
  return pending;
}

function runMavenCopy(coordinates: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const args = ['-B', '-q', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${dir}`, '-Dmdep.overWriteReleases=false'];
  // runCommand, not execFile: this may run in a session process after UDF jobs (see command.ts)
  return runCommand(process.env.TSFLINK_MVN ?? 'mvn', args, { timeoutMs: 10 * 60_000 }).then(
    (r) => {
      if (r.code === 0) return;
      // Maven prints its reasons as [ERROR] lines; the first few say what went wrong.
      const reasons = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .filter((l) => l.includes('[ERROR]') && !/Help 1|re-run Maven|For more information|^\s*\[ERROR\]\s*$/.test(l))
        .slice(0, 3)
        .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim());
      throw new Error(`cannot fetch ${coordinates} from Maven Central through Maven: ${reasons.join(' ') || `mvn exited with ${r.code}`}`);
    },
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new Error(`cannot fetch ${coordinates}: Maven ('mvn') is not installed; install it (install.sh needs it too) or put the jar in ${dir}`);
      throw e;
    },
  );
}

/** A resolved connector: its table entry and the local jars to add (none for built-in ones). */
export interface ResolvedConnector {
  spec: ConnectorSpec;
  jars: string[];
}

/**
 * Resolves a connector name, Maven coordinates or a jar path to local jars, fetching what is not
 * cached yet. Unknown names throw an UnknownConnectorError listing the known ones.
 */
export async function resolveConnector(name: string): Promise<ResolvedConnector> {
  if (name.endsWith('.jar')) {
    const jar = path.resolve(name);
    if (!fs.existsSync(jar)) throw new Error(`no such jar: ${jar}`);
    return { spec: { name: path.basename(jar), description: jar, identifiers: [], artifacts: [], builtin: false }, jars: [jar] };
  }
  const spec = connectorSpec(name);
  const jars = await Promise.all(spec.artifacts.map(fetchArtifact));
  return { spec, jars };
}
