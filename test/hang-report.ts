import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Threads that are RUNNABLE while waiting for input, or JVM-internal ones: not what a hang is made of. */
const IDLE_FRAMES = /epollWait|EPoll\.wait|accept0|Net\.accept|socketRead|Net\.poll|readBytes|SelectorImpl\.select|waitForProcessExit|waitForReferencePendingList/;

/** The busy and blocked threads of a jcmd thread dump, each with its top frames; the heap summary before them. */
export function summarizeDump(dump: string, framesPerThread = 8): string {
  const blocks = dump.split(/\n\n/);
  const heap = blocks.filter((b) => /PSYoungGen|garbage-first|Metaspace/.test(b) && !b.includes('java.lang.Thread.State'));
  const busy = blocks
    .filter((t) => /java\.lang\.Thread\.State: (RUNNABLE|BLOCKED)/.test(t) && /\n\s+at /.test(t) && !IDLE_FRAMES.test(t.split('\n').slice(0, 4).join('\n')))
    .map((t) => t.split('\n').slice(0, framesPerThread + 2).join('\n'));
  return [...heap, `busy or blocked threads with Java frames (${busy.length}):`, ...busy].join('\n');
}

/** A dump file written by the Jupyter drivers (harness.py's thread_dump), summarised; its path kept for the rest. */
export function dumpFileReport(file: string | null | undefined): string {
  if (!file || !fs.existsSync(file)) return '(no thread dump)';
  return `full dump in ${file}\n${summarizeDump(fs.readFileSync(file, 'utf8'))}`;
}

/**
 * What a process that stopped making progress is doing: its CPU share, heap and busy or blocked
 * threads, from jcmd. A test that gives up on a kernel or shell puts this in its failure, so that a
 * hang seen only in CI explains itself; the full thread dump goes to a file.
 */
export function hangReport(pid: number): string {
  const jcmd = (command: string) => {
    try {
      return execFileSync('jcmd', [String(pid), command], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return `(jcmd ${command} failed: ${(e as Error).message.split('\n')[0]})`;
    }
  };
  let cpu: string;
  try {
    cpu = execFileSync('ps', ['-o', 'pcpu=,etime=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    cpu = '(gone)';
  }
  const file = path.join(os.tmpdir(), `tsflink-hang-${pid}-${Date.now()}.txt`);
  fs.writeFileSync(file, `${jcmd('GC.heap_info')}\n\n${jcmd('Thread.print')}`);
  return `process ${pid}: %cpu and elapsed ${cpu}; ${dumpFileReport(file)}`;
}
