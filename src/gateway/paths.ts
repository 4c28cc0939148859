import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository (or installed package) root: the nearest folder up with our package.json. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      const name = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (name === 'tsflink') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the tsflink package root above ' + __dirname);
    dir = parent;
  }
}

/** The JVM classpath: our glue jar plus the pinned Flink jars fetched by install.sh. */
export function flinkClasspath(): string[] {
  const target = path.join(packageRoot(), 'src', 'jvm', 'target');
  const glue = path.join(target, 'tsflink-glue.jar');
  const lib = path.join(target, 'lib');
  if (!fs.existsSync(glue) || !fs.existsSync(lib)) {
    throw new Error(`Flink jars are missing under ${target}: run ./install.sh first`);
  }
  const jars = fs
    .readdirSync(lib)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => path.join(lib, f));
  return [glue, ...jars];
}

/** The pinned Flink version, read off the flink-core jar install.sh fetched (pom.xml names it once). */
export function flinkVersion(): string {
  const core = flinkClasspath()
    .map((jar) => /[\\/]flink-core-(\d[^\\/]*)\.jar$/.exec(jar)?.[1])
    .find((v) => v !== undefined);
  if (!core) throw new Error('cannot find flink-core among the Flink jars: run ./install.sh');
  return core;
}
