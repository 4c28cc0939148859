/**
 * One catalog per session (issue 19, item 1), from the real kernel driven by jupyter_client: tables,
 * views (temporary ones too) and functions registered through %%sql or tEnv are seen by %%bsql and
 * bEnv and back, each environment keeping its own runtime mode.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDriver, useKernelTestEnv } from './kernel/env';

const kt = useKernelTestEnv();

type Msg = { type: string; data?: Record<string, string>; text?: string; ename?: string; evalue?: string };
type Cell = { reply: { status: string; ename?: string; evalue?: string }; iopub: Msg[] };

/** The text of a cell's last display (or result): its final table. */
function lastText(c: Cell): string {
  const shown = c.iopub.filter((m) => m.data?.['text/plain'] !== undefined);
  return shown[shown.length - 1]?.data?.['text/plain'] ?? '';
}

describe('one catalog for %%sql and %%bsql (jupyter_client)', () => {
  let r: Record<string, Cell>;

  beforeAll(async () => {
    const stderrFile = path.join(path.dirname(kt.dataDir), 'shared_catalog-stderr.log');
    r = (await runDriver(path.join(__dirname, 'kernel', 'shared_catalog.py'), [stderrFile], kt.env)).result as Record<string, Cell>;
  }, 400_000);

  it('every cell ran', () => {
    const failed = Object.entries(r).filter(([, c]) => c.reply.status !== 'ok').map(([k, c]) => `${k}: ${c.reply.ename}: ${c.reply.evalue}`);
    expect(failed).toEqual([]);
  });

  it('a temporary view of %%sql is read by %%bsql, a view of %%bsql by %%sql', () => {
    expect(lastText(r.bsql_reads_view)).toMatch(/\|\s*3\s*\|\s*6\s*\|/);
    const streamed = lastText(r.sql_reads_view);
    expect(streamed).toMatch(/\|\s*4\s*\|/);
    expect(streamed).toMatch(/\|\s*6\s*\|/);
  });

  it("tEnv's TypeScript UDF and Table API view are seen by %%bsql and bEnv", () => {
    expect(lastText(r.bsql_uses_udf)).toContain('A!');
    expect(lastText(r.bsql_reads_ts_view)).toMatch(/\|\s*z\s*\|\s*7\s*\|/);
    expect(lastText(r.benv_lists)).toBe("'doubled,from_ts,shared_v true'");
  });

  it("SET / RESET in %%sql and %%bsql paragraphs act on the session; CREATE FUNCTION … AS 'udfs.ts#f' loads a TS UDF", () => {
    expect(r.sql_set.iopub.filter((m) => m.type === 'stream').map((m) => m.text).join('')).toContain('[INFO] Execute statement succeeded.');
    expect(lastText(r.after_set)).toBe("'Asia/Tokyo from-sql'");
    expect(lastText(r.after_reset)).toBe("'undefined from-sql'");
    expect(lastText(r.bsql_uses_ts_function)).toMatch(/\|\s*9\.2\s*\|/);
  });

  it('event-time tables of %%sql (temporary too) serve batch reads and streaming windows alike, in either order', () => {
    for (const name of ['ev', 'tev']) {
      expect(lastText(r[`bsql_reads_${name}`])).toMatch(/FINISHED · 20 rows/);
      expect(lastText(r[`sql_window_${name}`])).toMatch(/\|\s*20\s*\|/);
      expect(lastText(r[`bsql_after_window_${name}`])).toMatch(/\|\s*1\s*\|\s*20\s*\|/);
    }
    expect(lastText(r.modes)).toBe("'STREAMING BATCH'");
  });
});
