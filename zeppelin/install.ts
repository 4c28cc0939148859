/**
 * `tsflink zeppelin install <zeppelin-dir> [--name tsflink]`: puts the interpreter group into a
 * Zeppelin installation, as Zeppelin's own interpreters are laid out: `<zeppelin>/interpreter/
 * <name>/tsflink-zeppelin.jar` plus `interpreter-setting.json`, whose defaults point at this TSFlink
 * (`tsflink.home`) and this Node (`tsflink.node`). The jar is built with Maven (zeppelin/jvm) when
 * it is missing or older than its sources; the first build downloads Zeppelin's interpreter API.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../src/gateway/paths';

export const ZEPPELIN_USAGE = `usage: tsflink zeppelin install <zeppelin-dir> [--name NAME]

Installs the Zeppelin interpreter group (%tsflink, %tsflink.ssql, %tsflink.bsql) into
<zeppelin-dir>/interpreter/NAME (default tsflink); restart Zeppelin to see it. docs/zeppelin.md.`;

interface SettingProperty {
  defaultValue: string;
  [key: string]: unknown;
}

interface InterpreterSetting {
  group: string;
  name: string;
  className: string;
  properties: Record<string, SettingProperty>;
  [key: string]: unknown;
}

export interface InstallResult {
  dir: string;
  jar: string;
  setting: string;
  built: boolean;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The interpreter jar, built first if missing or stale. */
export function interpreterJar(root = packageRoot(), log: (line: string) => void = () => undefined): { jar: string; built: boolean } {
  const module = path.join(root, 'zeppelin', 'jvm');
  const jar = path.join(module, 'target', 'tsflink-zeppelin.jar');
  const sources = Math.max(newestMtime(path.join(module, 'src', 'main')), fs.statSync(path.join(module, 'pom.xml')).mtimeMs);
  if (fs.existsSync(jar) && fs.statSync(jar).mtimeMs >= sources) return { jar, built: false };
  log(`building ${path.relative(root, jar)} (Maven)`);
  const mvn = spawnSync('mvn', ['-q', '-B', 'package'], { cwd: module, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new Error(`building the interpreter jar failed (mvn package in ${module}):\n${mvn.error?.message ?? ''}${mvn.stdout}${mvn.stderr}`);
  }
  return { jar, built: true };
}

/** interpreter-setting.json with this installation's defaults. */
export function interpreterSetting(root = packageRoot(), node = process.execPath, name = 'tsflink'): InterpreterSetting[] {
  const template = path.join(root, 'zeppelin', 'jvm', 'src', 'main', 'resources', 'interpreter-setting.json');
  const settings = JSON.parse(fs.readFileSync(template, 'utf8')) as InterpreterSetting[];
  for (const s of settings) {
    s.group = name;
    if (s.properties['tsflink.home']) s.properties['tsflink.home'].defaultValue = root;
    if (s.properties['tsflink.node']) s.properties['tsflink.node'].defaultValue = node;
  }
  return settings;
}

export function installInterpreter(zeppelinDir: string, options: { name?: string; log?: (line: string) => void } = {}): InstallResult {
  const name = options.name ?? 'tsflink';
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new Error(`--name ${name}: use letters, digits, - and _`);
  if (!fs.existsSync(zeppelinDir) || !fs.statSync(zeppelinDir).isDirectory()) throw new Error(`no such directory: ${zeppelinDir}`);
  const root = packageRoot();
  const { jar, built } = interpreterJar(root, options.log);
  const dir = path.join(path.resolve(zeppelinDir), 'interpreter', name);
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, path.basename(jar));
  fs.copyFileSync(jar, target);
  const setting = path.join(dir, 'interpreter-setting.json');
  fs.writeFileSync(setting, JSON.stringify(interpreterSetting(root, process.execPath, name), null, 2) + '\n');
  return { dir, jar: target, setting, built };
}

/** The `tsflink zeppelin ...` command; returns the exit code. */
export function zeppelinCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub !== 'install') {
    console.error(sub === undefined || sub === '--help' || sub === '-h' ? ZEPPELIN_USAGE : `tsflink zeppelin: unknown command '${sub}'\n${ZEPPELIN_USAGE}`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  let dir: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--name') name = rest[++i];
    else if (!rest[i].startsWith('-') && dir === undefined) dir = rest[i];
    else {
      console.error(`tsflink zeppelin install: unexpected '${rest[i]}'\n${ZEPPELIN_USAGE}`);
      return 2;
    }
  }
  if (dir === undefined || (rest.includes('--name') && !name)) {
    console.error(ZEPPELIN_USAGE);
    return 2;
  }
  try {
    const r = installInterpreter(dir, { name, log: (l) => console.log(l) });
    console.log(`Installed the Zeppelin interpreter group '${name ?? 'tsflink'}' in ${r.dir}:`);
    console.log(`  ${path.basename(r.jar)}, interpreter-setting.json (tsflink.home = ${packageRoot()})`);
    console.log(`Restart Zeppelin; then %${name ?? 'tsflink'}, %${name ?? 'tsflink'}.ssql and %${name ?? 'tsflink'}.bsql share one TSFlink session per interpreter group.`);
    return 0;
  } catch (e) {
    console.error(`tsflink zeppelin install: ${(e as Error).message}`);
    return 1;
  }
}
