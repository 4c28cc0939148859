/** Command-line options of tsflink-shell. */
import type { SessionOptions } from '../src/session/session';

export interface ShellArgs {
  /** Entries given with -e, run in order instead of reading the terminal. */
  evaluate: string[];
  /** Script files to run (like `tsflink-shell < file`). */
  files: string[];
  session: SessionOptions;
  help: boolean;
}

export const USAGE = `Usage: tsflink-shell [options] [script...]

An interactive TypeScript + SQL shell on a live Apache Flink session.

Options:
  -e, --eval <code>        run <code> (TypeScript, %sql ..., %%sql ...) and exit; repeatable
  --remote <host:port>     use a running Flink cluster (its REST endpoint) instead of a local mini-cluster
  -D <key>=<value>         Flink configuration option; repeatable
  -p, --parallelism <n>    default parallelism of jobs
  -h, --help               show this help

Without -e or a script, reads entries from the terminal; with standard input not a terminal, runs it
as a script. Exits non-zero when any entry failed.
`;

export function parseArgs(argv: string[]): ShellArgs {
  const out: ShellArgs = { evaluate: [], files: [], session: {}, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e' || a === '--eval') out.evaluate.push(value(++i, a));
    else if (a.startsWith('--eval=')) out.evaluate.push(a.slice(7));
    else if (a === '--remote') out.session.remote = value(++i, a);
    else if (a.startsWith('--remote=')) out.session.remote = a.slice(9);
    else if (a === '-p' || a === '--parallelism' || a.startsWith('--parallelism=')) {
      const raw = a.includes('=') ? a.slice(a.indexOf('=') + 1) : value(++i, a);
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--parallelism must be a positive integer, got '${raw}'`);
      out.session.parallelism = n;
    } else if (a === '-D' || (a.startsWith('-D') && a.length > 2)) {
      const kv = a === '-D' ? value(++i, a) : a.slice(2);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`-D needs key=value, got '${kv}'`);
      out.session.config = { ...out.session.config, [kv.slice(0, eq)]: kv.slice(eq + 1) };
    } else if (a === '-h' || a === '--help') out.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option '${a}'`);
    else out.files.push(a);
  }
  return out;
}
