// Loads shipped code in a fresh process (as a worker does) and runs calls against it.
import * as fs from 'node:fs';
import { installWorkerDependencies } from '../../src/worker/dependencies';
import { loadShipped, type ShippedCode } from '../../src/worker/load-shipped';

interface Job {
  code: ShippedCode;
  calls: { method?: string; args: unknown[]; iterate?: boolean }[];
}

async function main(): Promise<void> {
  installWorkerDependencies();
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as Job[];
  const out: unknown[] = [];
  for (const job of jobs) {
    const results: unknown[] = [];
    try {
      const value = loadShipped(job.code) as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown);
      for (const c of job.calls) {
        try {
          let r = c.method ? value[c.method](...c.args) : value(...c.args);
          if (c.iterate) r = [...(r as Iterable<unknown>)];
          r = await r;
          results.push({ ok: typeof r === 'bigint' ? `${r}n` : r });
        } catch (e) {
          results.push({ error: (e as Error).message, stack: (e as Error).stack });
        }
      }
    } catch (e) {
      results.push({ loadError: (e as Error).stack });
    }
    out.push(results);
  }
  process.stdout.write(JSON.stringify(out));
}
void main();
