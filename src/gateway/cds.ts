/**
 * Class-data sharing (AppCDS) for the session JVM. Starting Flink loads ~17k classes; reading them
 * from a pre-parsed, memory-mapped archive instead of ~60 jars cuts session start by more than half
 * (numbers in docs/gateway.md). install.sh builds the archive with `node dist/src/gateway/cds.js`:
 * a training run of a real session start records the loaded classes (-XX:DumpLoadedClassList), then
 * `java -Xshare:dump` writes src/jvm/target/tsflink.jsa for exactly that classpath. The JVM checks
 * the archive itself (JVM build, classpath jars) and silently ignores a stale one; a key file next to
 * it lets us skip passing a stale archive and lets install.sh know when to rebuild it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flinkClasspath, packageRoot } from './paths';

export function cdsArchivePath(): string {
  return path.join(packageRoot(), 'src', 'jvm', 'target', 'tsflink.jsa');
}

/** Identifies the classpath the archive was dumped for: each jar's path, size and mtime. */
export function classpathKey(classpath: readonly string[]): string {
  const h = crypto.createHash('sha256');
  for (const p of classpath) {
    const st = fs.statSync(p);
    h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

/** JVM flags that use the archive, or none when it is missing, stale or disabled (TSFLINK_CDS=0). */
export function cdsJvmOptions(classpath: readonly string[]): string[] {
  if (process.env.TSFLINK_CDS === '0' || process.env.TSFLINK_CDS_TRAINING) return [];
  const archive = cdsArchivePath();
  try {
    if (fs.readFileSync(archive + '.key', 'utf8').trim() !== classpathKey(classpath)) return [];
    if (!fs.existsSync(archive)) return [];
  } catch {
    return [];
  }
  return [`-XX:SharedArchiveFile=${archive}`];
}

/** True when the archive matches the current jars. */
export function cdsArchiveIsCurrent(): boolean {
  return cdsJvmOptions(flinkClasspath()).length > 0;
}

/** The training run, in a child process: a session start, both planners, a streaming and a batch query. */
async function train(): Promise<void> {
  process.env.TSFLINK_QUIET = '1';
  const { EnvironmentSettings, TableEnvironment } = await import('../index');
  const { Session } = await import('../session/session');
  const query =
    "SELECT x, COUNT(*) AS n, SUM(CAST(x AS DOUBLE)) AS s, MAX(CAST(x AS STRING)) AS t FROM (VALUES (1), (2), (2)) AS v(x) GROUP BY x";
  for (const settings of [EnvironmentSettings.inStreamingMode(), EnvironmentSettings.inBatchMode()]) {
    const env = await TableEnvironment.create(settings);
    await (await env.executeSql(query)).toArray();
    env.getConfig().get('parallelism.default');
  }
  await (await Session.running())?.close();
}

/** Builds the archive for the current classpath; returns its path. */
export function buildCdsArchive(log: (line: string) => void = () => undefined): string {
  const classpath = flinkClasspath();
  const archive = cdsArchivePath();
  const classList = archive.replace(/\.jsa$/, '.classlist');
  fs.rmSync(archive, { force: true });
  fs.rmSync(archive + '.key', { force: true });
  log('recording the classes a session start loads');
  const trained = spawnSync(process.execPath, [__filename, '--train'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TSFLINK_CDS_TRAINING: classList, TSFLINK_QUIET: '1' },
  });
  if (trained.status !== 0) throw new Error(`CDS training run failed (exit ${trained.status})`);
  log('dumping the shared archive (java -Xshare:dump)');
  execFileSync(
    'java',
    ['-Xshare:dump', `-XX:SharedClassListFile=${classList}`, `-XX:SharedArchiveFile=${archive}`, '-Xlog:cds=off', '-Xlog:cds+class=off', '-cp', classpath.join(path.delimiter)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  fs.writeFileSync(archive + '.key', classpathKey(classpath) + '\n');
  fs.rmSync(classList, { force: true });
  return archive;
}

if (require.main === module) {
  const arg = process.argv[2];
  if (arg === '--train') {
    train().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  } else if (arg === '--check') {
    process.exit(cdsArchiveIsCurrent() ? 0 : 1);
  } else {
    try {
      const out = buildCdsArchive((l) => process.stderr.write(`[cds] ${l}\n`));
      process.stderr.write(`[cds] ${out}\n`);
    } catch (e) {
      process.stderr.write(`[cds] skipped: ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
}
