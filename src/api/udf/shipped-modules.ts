/**
 * What a table environment ships with its jobs for TypeScript UDFs (addJsFile(s), setNpmRequirements,
 * addArchive: the `python.files`, `python.requirements` and `python.archives` options;
 * src/api/udf/ship/dependencies.ts), seen from embedded mode. Process mode's worker finds those on
 * the TaskManager (src/worker/dependencies.ts); an embedded function gets its modules bundled on the
 * client instead (src/api/udf/embedded-packages.ts), so this module finds them here, the way the
 * worker would: the same lookup tables and order, over the client's copies of the same files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { callSync } from '../../gateway/jvm';
import { resolveInShipped, shippedDependencyLookup } from '../../worker/dependencies';
import { installedRequirements, type NpmRequirements } from './npm-requirements-install';
import { PYTHON_ARCHIVES, PYTHON_FILES, PYTHON_REQUIREMENTS } from './ship/dependencies';

/** The shipped dependencies in force where a function is used: the environment's options. */
export interface ShippedDependencies {
  /** `python.files`: files, directories and archives (zip, tar.gz, ...) to require modules from. */
  readonly files: readonly string[];
  /** `python.requirements`: npm packages to install. */
  readonly requirements?: NpmRequirements;
  /** `python.archives`: archives extracted into process mode's working directory (`path` or `path#target`). */
  readonly archives: readonly string[];
}

export const NO_SHIPPED_DEPENDENCIES: ShippedDependencies = { files: [], archives: [] };

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The shipped dependencies a table environment's configuration names. */
export function shippedDependenciesOf(config: { get(key: string): string | undefined }): ShippedDependencies {
  const requirements = config.get(PYTHON_REQUIREMENTS)?.trim();
  const [file, cacheDir] = requirements ? requirements.split('#') : [];
  return {
    files: list(config.get(PYTHON_FILES)),
    ...(file ? { requirements: cacheDir ? { file, cacheDir } : { file } } : {}),
    archives: list(config.get(PYTHON_ARCHIVES)),
  };
}

/**
 * Identifies what a function built with these dependencies would bundle: their paths, and the
 * requirements' text (a package.json edited in place and set again is a new set of packages).
 */
export function shippedDependenciesKey(deps: ShippedDependencies): string {
  let requirementsText = '';
  if (deps.requirements) {
    try {
      requirementsText = createHash('sha256').update(fs.readFileSync(deps.requirements.file)).digest('hex');
    } catch {
      // a file gone since setNpmRequirements: installing it will say so
    }
  }
  return JSON.stringify([deps.files, deps.requirements ?? null, requirementsText, deps.archives]);
}

/** Where a module id is found, or undefined to go on to the client's own node_modules. */
export type ModuleLocator = (id: string) => string | undefined;

/**
 * Looks a module id up as process mode's worker does: among the shipped files (a file by its name
 * without a JS extension, a directory by its name, `<dir>/<id>` in a shipped directory or
 * extracted archive), then in the npm requirements, installed on this machine the first time a
 * function needs them (src/api/udf/npm-requirements-install.ts).
 */
export function shippedModuleLocator(deps: ShippedDependencies): ModuleLocator {
  let files: ReturnType<typeof shippedDependencyLookup> | undefined;
  let requirements: ReturnType<typeof shippedDependencyLookup> | undefined;
  return (id) => {
    files ??= shippedDependencyLookup(deps.files.map(extractedIfArchive), { fileDirsAreRoots: false });
    const shipped = resolveInShipped(id, files) ?? resolveTypeScriptIn(id, files.searchRoots);
    if (shipped || !deps.requirements) return shipped;
    requirements ??= shippedDependencyLookup([], { requirementsNodeModules: installedRequirements(deps.requirements), fileDirsAreRoots: false });
    return resolveInShipped(id, requirements);
  };
}

const TS_EXTENSIONS = ['.ts', '.cts', '.mts'];

/**
 * `<dir>/<id>` for a TypeScript file in a shipped directory: the worker's `require` knows `.ts`
 * (installTypeScriptHook), the client's may not (plain node running compiled JavaScript).
 */
function resolveTypeScriptIn(id: string, roots: readonly string[]): string | undefined {
  if (id.startsWith('.') || path.isAbsolute(id)) return undefined;
  for (const root of roots) {
    for (const candidate of TS_EXTENSIONS.flatMap((ext) => [path.join(root, id + ext), path.join(root, id, 'index' + ext)])) {
      if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    }
  }
  return undefined;
}

/**
 * A shipped archive (zip, jar, tar, tar.gz, tgz) as the directory its contents go to, extracted
 * with the code flink-python extracts it with on the TaskManager (Flink's CompressionUtils, in the
 * session's JVM) into `<tmp>/tsflink-embedded-files-<content hash>/<name without extension>`, so
 * that it is looked into as the worker looks into it; other entries as they are.
 */
function extractedIfArchive(entry: string): string {
  const CompressionUtils = 'org.apache.flink.util.CompressionUtils';
  const name = path.basename(entry);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(entry);
  } catch {
    return entry;
  }
  if (!stat.isFile() || !callSync<boolean>(CompressionUtils, 'isCompressedFile', name)) return entry;
  const hash = createHash('sha256').update(fs.readFileSync(entry)).digest('hex').slice(0, 16);
  const parent = path.join(os.tmpdir(), `tsflink-embedded-files-${hash}`);
  const target = path.join(parent, callSync<string>(CompressionUtils, 'getBaseNameWithoutExtension', name));
  if (!fs.existsSync(path.join(parent, '.extracted'))) {
    fs.rmSync(parent, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    callSync<void>(CompressionUtils, 'extractFile', entry, target, name);
    fs.writeFileSync(path.join(parent, '.extracted'), '');
  }
  return target;
}

/** The fs modules: a function requiring one reads files. */
const FILE_SYSTEM_MODULES = new Set(['fs', 'fs/promises', 'node:fs', 'node:fs/promises']);

export function isFileSystemModule(id: string): boolean {
  return FILE_SYSTEM_MODULES.has(id);
}
