/**
 * Explicit dependency management for TypeScript UDFs, like PyFlink's add_python_file /
 * add_python_archive / set_python_requirements. Everything travels through Flink's distributed
 * cache via the `python.files`, `python.archives` and `python.requirements` options, so it reaches
 * remote TaskManagers too; the worker finds it through src/worker/dependencies.ts. Embedded mode
 * bundles what a function requires from the same options on the client (src/api/udf/shipped-modules.ts).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../../gateway/paths';

/** The part of TableConfig this needs. */
export interface ConfigLike {
  get(key: string): string | undefined;
  set(key: string, value: string): unknown;
}

export const PYTHON_FILES = 'python.files';
export const PYTHON_ARCHIVES = 'python.archives';
export const PYTHON_REQUIREMENTS = 'python.requirements';
export const PYTHON_EXECUTABLE = 'python.executable';

/** The shim Flink's Java side runs as `python` to install npm requirements (`-m pip install ...`). */
export function pythonShimPath(): string {
  return path.join(packageRoot(), 'src', 'worker', 'bin', 'tsflink-python-shim');
}

function existing(what: string, p: string): string {
  const abs = path.resolve(p);
  if (p.includes(',') || p.includes('#')) throw new Error(`${what}: path '${p}' must not contain ',' or '#' (Flink's list separators)`);
  if (!fs.existsSync(abs)) throw new Error(`${what}: '${p}' does not exist (resolved to ${abs})`);
  return abs;
}

function append(config: ConfigLike, key: string, entries: string[]): void {
  const current = (config.get(key) ?? '').split(',').filter(Boolean);
  for (const e of entries) if (!current.includes(e)) current.push(e);
  config.set(key, current.join(','));
}

/**
 * Ships files, directories or zip files to the workers, where they become requirable: a file
 * `lib/fmt.js` as `require('fmt')` (or './fmt'), a directory by its name and its contents by their
 * names (NODE_PATH-like), a zip file extracted.
 */
export function addJsFiles(config: ConfigLike, ...paths: string[]): void {
  if (paths.length === 0) throw new Error('addJsFiles: give at least one path');
  append(config, PYTHON_FILES, paths.map((p) => existing('addJsFile', p)));
}

/**
 * Ships an archive (zip, tar.gz, ...) that the workers extract into `targetDir` (default: the
 * archive's file name) under their working directory, e.g. data files or a node_modules tree.
 */
export function addArchive(config: ConfigLike, archivePath: string, targetDir?: string): void {
  const abs = existing('addArchive', archivePath);
  if (targetDir !== undefined && (!targetDir || /[,#]/.test(targetDir) || path.isAbsolute(targetDir))) {
    throw new Error(`addArchive: targetDir '${targetDir}' must be a relative directory name without ',' or '#'`);
  }
  append(config, PYTHON_ARCHIVES, [targetDir ? `${abs}#${targetDir}` : abs]);
}

interface PackageJson {
  dependencies?: Record<string, string>;
}

/** A package.json for a list of npm specs ('lodash@4.17.21', 'left-pad', '@scope/pkg@^1'). */
function packageJsonFor(specs: readonly string[]): string {
  const dependencies: Record<string, string> = {};
  for (const spec of specs) {
    const m = /^(@[^/@\s]+\/[^@\s]+|[^@\s]+)(?:@(.+))?$/.exec(spec.trim());
    if (!m) throw new Error(`setNpmRequirements: '${spec}' is not an npm package spec (name or name@version)`);
    dependencies[m[1]] = m[2] ?? '*';
  }
  const text = JSON.stringify({ name: 'tsflink-udf-requirements', private: true, dependencies }, null, 2) + '\n';
  const dir = path.join(os.tmpdir(), `tsflink-npm-requirements-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  fs.writeFileSync(file, text);
  return file;
}

/**
 * npm packages installed for the workers (once per job and TaskManager), from a package.json's
 * `dependencies` or a list of specs. With `cacheDir` the install runs offline from it (pip's
 * --find-links): an npm cache directory (filled with `npm cache add <spec> --cache <dir>`) or a
 * directory of `npm pack` tarballs (`<name>-<version>.tgz`).
 */
export function setNpmRequirements(config: ConfigLike, requirements: string | readonly string[], cacheDir?: string): void {
  let file: string;
  if (typeof requirements === 'string') {
    file = existing('setNpmRequirements', requirements);
    let parsed: PackageJson;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
    } catch (e) {
      throw new Error(`setNpmRequirements: ${file} is not a package.json: ${(e as Error).message}`);
    }
    if (!parsed.dependencies || Object.keys(parsed.dependencies).length === 0) {
      throw new Error(`setNpmRequirements: ${file} has no "dependencies"`);
    }
  } else {
    if (requirements.length === 0) throw new Error('setNpmRequirements: the list of packages is empty');
    file = packageJsonFor(requirements);
  }
  const cache = cacheDir === undefined ? undefined : existing('setNpmRequirements cacheDir', cacheDir);
  if (cache && !fs.statSync(cache).isDirectory()) throw new Error(`setNpmRequirements: cacheDir ${cache} is not a directory`);
  const shim = pythonShimPath();
  if ((fs.statSync(shim).mode & 0o111) === 0) fs.chmodSync(shim, 0o755);
  config.set(PYTHON_REQUIREMENTS, cache ? `${file}#${cache}` : file);
  config.set(PYTHON_EXECUTABLE, shim);
}
