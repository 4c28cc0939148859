/**
 * Ends this process's own child processes (UDF workers Flink spawned) that outlived the session's
 * cluster, before a front-end exits. Linux only (it reads /proc); elsewhere a no-op.
 */
import * as fs from 'node:fs';

export function killChildren(): void {
  if (process.platform !== 'linux') return;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
}
