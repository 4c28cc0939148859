#!/usr/bin/env node
/**
 * Installs the `tsflink` kernelspec without needing Jupyter:
 *   node dist/kernel/install.js [--user | --prefix <dir> | --sys-prefix] [--name tsflink]
 * --user (default) writes ~/.local/share/jupyter/kernels/tsflink (or $JUPYTER_DATA_DIR/kernels),
 * --prefix P writes P/share/jupyter/kernels/tsflink.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOGO_SVG, logoPng } from './logo';

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'message' | 'signal';
  env: Record<string, string>;
  metadata: Record<string, unknown>;
  kernel_protocol_version: string;
}

export function kernelSpec(mainJs: string): KernelSpec {
  return {
    argv: [process.execPath, mainJs, '{connection_file}'],
    display_name: 'TSFlink (TypeScript)',
    language: 'typescript',
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false },
    kernel_protocol_version: '5.3',
  };
}

function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'jupyter');
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

export function kernelsDir(args: { prefix?: string; user?: boolean }): string {
  if (args.prefix) return path.join(args.prefix, 'share', 'jupyter', 'kernels');
  return path.join(userDataDir(), 'kernels');
}

/** Writes kernel.json into <kernelsDir>/<name>; returns the directory. */
export function installKernelSpec(options: { prefix?: string; name?: string; mainJs?: string } = {}): string {
  // run from the sources (tsx), the kernel to start is still the built one
  const mainJs = options.mainJs ?? (__filename.endsWith('.ts') ? path.join(__dirname, '..', 'dist', 'kernel', 'main.js') : path.join(__dirname, 'main.js'));
  const dir = path.join(kernelsDir(options), options.name ?? 'tsflink');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(mainJs), null, 2) + '\n');
  // the launcher's icon (the kernelspec's resource files)
  fs.writeFileSync(path.join(dir, 'logo-svg.svg'), LOGO_SVG);
  for (const size of [32, 64]) fs.writeFileSync(path.join(dir, `logo-${size}x${size}.png`), logoPng(size));
  return dir;
}

function parseArgs(argv: string[]): { prefix?: string; name?: string } {
  const out: { prefix?: string; name?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--user') continue;
    else if (a === '--sys-prefix') out.prefix = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX ?? '/usr/local';
    else if (a === '--prefix' || a === '--name') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      if (a === '--prefix') out.prefix = path.resolve(v);
      else out.name = v;
    } else if (a.startsWith('--prefix=')) out.prefix = path.resolve(a.slice(9));
    else if (a.startsWith('--name=')) out.name = a.slice(7);
    else throw new Error(`unknown option '${a}' (use --user, --sys-prefix, --prefix <dir>, --name <name>)`);
  }
  return out;
}

if (require.main === module) {
  try {
    const dir = installKernelSpec(parseArgs(process.argv.slice(2)));
    process.stdout.write(`Installed the tsflink kernelspec in ${dir}\n`);
  } catch (err) {
    process.stderr.write(`tsflink kernel install: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
