/**
 * `tsflink sql` as a user meets it: the built CLI (dist/src/cli/tsflink.js) on a real Flink session,
 * once with `-f script.sql` (output and exit code) and once typed at a real pseudo-terminal
 * (node-pty): SET / RESET, result modes, EXECUTE STATEMENT SET, ADD JAR, SHOW JOBS, STOP JOB …
 * WITH SAVEPOINT, TypeScript UDFs from --udfs and CREATE FUNCTION … AS 'udfs.ts#name', and errors
 * that leave the client running.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'tsflink.js');
const FIXTURES = path.join(__dirname, 'sql-client-fixtures');
const PROMPT = 'Flink SQL> ';
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]/g;

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'sql', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-sql-client-'));
  fs.copyFileSync(path.join(FIXTURES, 'udfs.ts'), path.join(dir, 'udfs.ts'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tsflink sql -f', () => {
  it('runs a script: init file, TS UDFs, SET/RESET, runtime mode, a statement set, tableau results', async () => {
    const out = path.join(dir, 'out');
    fs.writeFileSync(path.join(dir, 'init.sql'), "CREATE TEMPORARY VIEW prices AS SELECT * FROM (VALUES ('a', 10.0), ('b', 20.0)) AS t(item, usd);\n");
    fs.writeFileSync(
      path.join(dir, 'script.sql'),
      `-- TS UDFs by export name (--udfs) and by CREATE FUNCTION
SELECT item, toEuro(usd) AS eur FROM prices;
CREATE TEMPORARY FUNCTION yell AS 'udfs.ts#shout';
SELECT yell(item) AS y FROM prices;
SET 'execution.runtime-mode' = 'batch';
SET 'table.dml-sync' = 'true';
CREATE TABLE eur_sink (item STRING, eur DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${out}/eur', 'format' = 'csv');
CREATE TABLE yell_sink (y STRING) WITH ('connector' = 'filesystem', 'path' = '${out}/yell', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO eur_sink SELECT item, toEuro(usd) FROM prices;
  INSERT INTO yell_sink SELECT yell(item) FROM prices;
END;
SELECT (SELECT SUM(eur) FROM eur_sink) AS total, (SELECT COUNT(*) FROM yell_sink) AS shouted;
SET 'parallelism.default' = '3';
SET;
RESET 'parallelism.default';
SET;
`,
    );
    const r = await runCli(['--udfs', 'udfs.ts', '-i', 'init.sql', '-f', 'script.sql'], dir);
    expect(r.stderr).not.toContain('[ERROR]');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[INFO] Registered the UDFs of udfs.ts: shout, toEuro');
    // streaming tableau: the op column and the total
    expect(r.stdout).toMatch(/\| op \|\s+item \|\s+eur \|/);
    expect(r.stdout).toMatch(/\| \+I \|\s+a \|\s+9\.2 \|/);
    expect(r.stdout).toMatch(/\| \+I \|\s+B! \|/);
    expect(r.stdout).toContain('Received a total of 2 rows');
    // the statement set ran as one job, in batch, synchronously; its sinks are read back
    expect(r.stdout.match(/Job ID: [0-9a-f]{32}/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/\|\s+27\.(6|59{6,}\d*) \|\s+2 \|\n\+-+\+-+\+\n1 row in set/);
    // SET shows the session's options; RESET restores the session's own value
    const sets = r.stdout.split('execution.runtime-mode').slice(1);
    expect(sets).toHaveLength(2);
    expect(sets[0]).toMatch(/^\s*\|\s+batch \|/);
    expect(r.stdout).toMatch(/parallelism\.default \|\s+3 \|[\s\S]*parallelism\.default \|\s+1 \|/);
  }, 300_000);

  it('stops at the first failing statement with a clear message and exit code 1; a missing file is named', async () => {
    fs.writeFileSync(path.join(dir, 'bad.sql'), "SELECT 1 AS first_col;\nSELEC oops;\nSELECT 2 AS second_col;\n");
    const r = await runCli(['-f', 'bad.sql'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[ERROR] Could not execute SQL statement. Reason:');
    expect(r.stderr).toMatch(/SqlParseException|Non-query expression|Encountered/);
    expect(r.stdout).toMatch(/\|\s+1 \|/);
    expect(r.stdout).not.toContain('second_col');
    const missing = await runCli(['-f', 'nope.sql'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('tsflink sql: cannot read nope.sql: no such file');
  }, 300_000);
});

class Terminal {
  private output = '';
  readonly proc: pty.IPty;
  readonly exited: Promise<number>;

  constructor(args: string[], cwd: string) {
    this.proc = pty.spawn(process.execPath, [CLI, 'sql', ...args], { name: 'xterm-256color', cols: 200, rows: 60, cwd, env: process.env as Record<string, string> });
    this.proc.onData((d) => (this.output += d));
    this.exited = new Promise((resolve) => this.proc.onExit((e) => resolve(e.exitCode)));
  }

  mark(): number {
    return this.output.length;
  }

  screen(from = 0): string {
    return this.output.slice(from).replace(ANSI, '');
  }

  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 90_000): Promise<void> {
    const t0 = Date.now();
    const test = (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
    while (!test(this.screen(from))) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${String(pattern)}; screen ends with:\n${this.screen(from).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Types lines; waits for `expect` and the next main prompt; returns what appeared. */
  async enter(lines: string, expect?: RegExp | string, timeoutMs = 90_000): Promise<string> {
    const from = this.mark();
    for (const line of lines.split('\n')) this.proc.write(line + '\r');
    if (expect) await this.waitFor(expect, from, timeoutMs);
    await this.waitFor(new RegExp(`${PROMPT}$`), from, timeoutMs);
    return this.screen(from);
  }
}

describe('tsflink sql at a terminal', () => {
  let t: Terminal;
  beforeAll(async () => {
    t = new Terminal(['--udfs', 'udfs.ts'], dir);
    await t.waitFor(PROMPT, 0, 180_000);
  }, 200_000);
  afterAll(() => {
    try {
      t.proc.kill();
    } catch {
      // exited already
    }
  });

  it('runs a statement typed over several lines; bad SQL and a missing module are errors and the client goes on', async () => {
    let s = await t.enter("CREATE TEMPORARY VIEW words AS\n  SELECT * FROM (VALUES ('a'), ('b'), ('a')) AS w(word);", '[INFO] Execute statement succeeded.');
    expect(s).toContain('> ');
    s = await t.enter('SELEC nope;', '[ERROR] Could not execute SQL statement. Reason:');
    s = await t.enter("CREATE TEMPORARY FUNCTION f AS 'missing.ts#f';", '[ERROR]');
    expect(s).toMatch(/cannot load UDF module missing\.ts: no such file/);
    s = await t.enter("CREATE TEMPORARY FUNCTION p AS 'udfs.ts#plain';", '[ERROR]');
    expect(s).toContain('udfs.ts#plain is a plain function');
    s = await t.enter('SELECT shout(word) AS s FROM words WHERE word = \'b\';', /B!/);
  }, 200_000);

  it('shows results in the three result modes', async () => {
    let s = await t.enter("SET 'sql-client.execution.result-mode' = 'tableau';", '[INFO]');
    s = await t.enter('SELECT word, COUNT(*) AS n FROM words GROUP BY word;', 'Received a total of');
    expect(s).toMatch(/\| -U \|\s+a \|\s+1 \|/);
    expect(s).toMatch(/\| \+U \|\s+a \|\s+2 \|/);
    s = await t.enter("SET 'sql-client.execution.result-mode' = 'changelog';", '[INFO]');
    s = await t.enter('SELECT word, COUNT(*) AS n FROM words GROUP BY word;', /FINISHED/);
    expect(s).toMatch(/\| op \|/);
    expect(s).toMatch(/\| -U \|\s+a \|\s+1 \|/);
    s = await t.enter("SET 'sql-client.execution.result-mode' = 'table';", '[INFO]');
    s = await t.enter('SELECT word, COUNT(*) AS n FROM words GROUP BY word;', /FINISHED/);
    const final = s.slice(s.lastIndexOf('| word'));
    expect(final).toMatch(/\|\s+a \|\s+2 \|/);
    expect(final).not.toMatch(/\| op \|/);
    s = await t.enter("SET 'sql-client.execution.result-mode' = 'fancy';", '[ERROR]');
    expect(s).toContain("expected table, changelog or tableau");
  }, 200_000);

  it('ADD JAR, BEGIN STATEMENT SET … END, SHOW JOBS and STOP JOB … WITH SAVEPOINT', async () => {
    const jar = path.join(dir, 'extra.jar');
    fs.copyFileSync(path.join(os.homedir(), '.m2/repository/org/apache/flink/flink-connector-datagen/2.3.0/flink-connector-datagen-2.3.0.jar'), jar);
    let s = await t.enter(`ADD JAR '${jar}';`, '[INFO]');
    s = await t.enter('SHOW JARS;', 'extra.jar');
    await t.enter("CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');", '[INFO]');
    await t.enter("CREATE TEMPORARY TABLE sink1 (id BIGINT) WITH ('connector' = 'blackhole');", '[INFO]');
    await t.enter("CREATE TEMPORARY TABLE sink2 (id BIGINT) WITH ('connector' = 'blackhole');", '[INFO]');
    s = await t.enter('BEGIN STATEMENT SET;\nINSERT INTO sink1 SELECT id FROM ticks;\nINSERT INTO sink2 SELECT id * 2 FROM ticks;\nEND;', /Job ID: [0-9a-f]{32}|detached/);
    const jobId = /([0-9a-f]{32})/.exec(s)![1];
    s = await t.enter('SHOW JOBS;', jobId);
    expect(s).toMatch(new RegExp(`${jobId} \\|[^\\n]*\\|\\s+(RUNNING|CREATED|INITIALIZING)`));
    s = await t.enter(`STOP JOB '${jobId}' WITH DRAIN;`, '[ERROR]');
    expect(s).toContain('WITH DRAIN could only be used after WITH SAVEPOINT');
    s = await t.enter(`STOP JOB '${jobId}' WITH SAVEPOINT;`, '[ERROR]');
    expect(s).toContain("SET 'state.savepoints.dir'");
    const savepoints = path.join(dir, 'savepoints');
    await t.enter(`SET 'state.savepoints.dir' = 'file://${savepoints}';`, '[INFO]');
    s = await t.enter(`STOP JOB '${jobId}' WITH SAVEPOINT;`, /savepoint path/, 120_000);
    const location = /file:[^\s|]+/.exec(s)![0];
    expect(fs.existsSync(path.join(new URL(location).pathname, '_metadata'))).toBe(true);
    s = await t.enter('SHOW JOBS;', jobId);
    expect(s).toMatch(new RegExp(`${jobId} \\|[^\\n]*\\|\\s+FINISHED`));
    s = await t.enter(`STOP JOB '${jobId}';`, '[ERROR]');
    expect(s).toContain('the job has already ended (FINISHED)');
  }, 300_000);

  it('QUIT; leaves with exit code 0', async () => {
    t.proc.write('QUIT;\r');
    expect(await t.exited).toBe(0);
  }, 60_000);
});
