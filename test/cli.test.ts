/** `tsflink run`: the real CLI in a child process, each run with its own JVM and mini-cluster. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'tsflink.js');
let scripts: string;

/** Whether any src/**.ts is newer than its compiled dist/src/**.js. */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Output without Flink's own log records: with no log4j configuration the JVM's default console
 * logger may print an occasional harmless ERROR (e.g. ClientCoordinationHandler's "Could not find
 * Flink job" when a collect request races the job's end) with its stack trace.
 */
function withoutFlinkLogs(text: string): string {
  const out: string[] = [];
  let inRecord = false;
  for (const line of text.split('\n')) {
    if (/^\d\d:\d\d:\d\d[,.]\d{3} (ERROR|WARN|INFO|DEBUG)\s/.test(line)) inRecord = true;
    else if (inRecord && !/^(\s+at |\s*\.\.\. \d+ more|Caused by: |[\w.$]+(Exception|Error)\b)/.test(line)) inRecord = false;
    if (!inRecord) out.push(line);
  }
  return out.join('\n');
}

function run(args: string[], env: Record<string, string> = {}, timeoutMs = 220_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, TSFLINK_QUIET: '1', TSFLINK_DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsflink ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: withoutFlinkLogs(stdout), stderr: withoutFlinkLogs(stderr) });
    });
  });
}

function script(name: string, body: string): string {
  const file = path.join(scripts, name);
  fs.writeFileSync(file, body);
  return file;
}

beforeAll(() => {
  // test/global-setup.ts built dist/ if it was stale
  expect(fs.existsSync(cli)).toBe(true);
  scripts = tempDir('tsflink-cli-');
});

afterAll(() => {
  fs.rmSync(scripts, { recursive: true, force: true });
});

// Each run starts its own JVM and mini-cluster, which takes long on a loaded machine.
describe('tsflink run', { timeout: 240_000 }, () => {
  it('runs the word-count example and prints its table', async () => {
    const r = await run(['run', 'examples/word-count.ts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Top 10 words:');
    expect(lines.slice(1)).toEqual([
      '+---------+---+',
      '|    word | n |',
      '+---------+---+',
      '|      to | 4 |',
      '|     the | 3 |',
      '|      be | 2 |',
      '|      of | 2 |',
      '|      or | 2 |',
      '|       a | 1 |',
      '| against | 1 |',
      '|     and | 1 |',
      '|    arms | 1 |',
      '|  arrows | 1 |',
      '+---------+---+',
      '10 rows in set',
    ]);
  });

  it('passes -D configuration, TSFLINK_JVM_OPTS, the job name and arguments after -- to the script and its job', async () => {
    const job = script(
      'config-job.mts',
      `import { DataTypes, EnvironmentSettings, Schema, Session, TableDescriptor, TableEnvironment } from 'tsflink';
const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
const schema = Schema.newBuilder().column('n', DataTypes.INT()).build();
const result = await tEnv
  .from(TableDescriptor.forConnector('datagen').schema(schema).option('number-of-rows', 20).build())
  .executeInsert(TableDescriptor.forConnector('blackhole').schema(schema).build());
await result.await();
const session = await Session.running();
const job = (await (await fetch(session!.restAddress + '/jobs/' + result.jobId)).json()) as { name: string; vertices: { parallelism: number }[] };
const jvm = (await (await fetch(session!.restAddress + '/jobmanager/environment')).json()) as { jvm: { options: string[] } };
console.log(JSON.stringify({
  jvmOptions: jvm.jvm.options.filter((o) => o.startsWith('-Dtsflink.test')),
  parallelism: tEnv.getConfig().get('parallelism.default'),
  custom: tEnv.getConfig().get('tsflink.test.option'),
  jobName: job.name,
  vertexParallelism: [...new Set(job.vertices.map((v) => v.parallelism))],
  argv: process.argv.slice(2),
}));
`,
    );
    const r = await run(['run', job, '-D', 'parallelism.default=3', '-Dpipeline.name=cli-config-job', '-D', 'tsflink.test.option=a=b', '--', 'first', 'two words', '--not-a-flag'], {
      TSFLINK_JVM_OPTS: ' -Dtsflink.test.jvm=one   -Dtsflink.test.other=two ',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      jvmOptions: ['-Dtsflink.test.jvm=one', '-Dtsflink.test.other=two'],
      parallelism: '3',
      custom: 'a=b',
      jobName: 'cli-config-job',
      vertexParallelism: [3],
      argv: ['first', 'two words', '--not-a-flag'],
    });
  });

  it('-D tsflink.udf.execution-mode=embedded moves the DataStream functions into the TaskManager', async () => {
    // a bare V8 isolate (embedded mode's default engine) has no \`process\`; the Node worker has
    const job = script(
      'embedded-job.mts',
      `import { StreamExecutionEnvironment, Types } from 'tsflink';
const env = await StreamExecutionEnvironment.create();
console.log((await env.fromElements(1).map(() => typeof process, Types.STRING()).collect()).join());
`,
    );
    const embedded = await run(['run', job, '-D', 'tsflink.udf.execution-mode=embedded']);
    expect(embedded.stderr).toBe('');
    expect(embedded.stdout.trim()).toBe('undefined');
    expect((await run(['run', job])).stdout.trim()).toBe('object');
  });

  it('--parallelism sets the default parallelism of jobs', async () => {
    const job = script(
      'parallelism-job.mts',
      `import { EnvironmentSettings, TableEnvironment } from 'tsflink';
const tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode());
const rows = await (await tEnv.executeSql('SELECT COUNT(*) AS n FROM (VALUES (1), (2), (3)) AS t(x)')).toArray();
console.log(tEnv.getConfig().get('parallelism.default'), String(rows[0].n));
`,
    );
    const r = await run(['run', job, '--parallelism', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('2 3');
  });

  it('a script that throws exits 1 with its error and location on stderr, without a stack trace', async () => {
    const job = script(
      'throws.ts',
      `import { EnvironmentSettings, TableEnvironment } from 'tsflink';
async function main(): Promise<void> {
  await TableEnvironment.create(EnvironmentSettings.inBatchMode());
  throw new Error('boom: the input is empty');
}
main();
`,
    );
    const r = await run(['run', job]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('tsflink: the job script failed: Error: boom: the input is empty');
    expect(lines[1]).toMatch(new RegExp(`^  at main \\(${job.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:\\d+\\)$`));
    expect(lines).toHaveLength(2);
  });

  it('bad SQL exits 1 with Flink\'s message and the SQL position', async () => {
    const job = script(
      'bad-sql.mts',
      `import { EnvironmentSettings, TableEnvironment } from 'tsflink';
const tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode());
await tEnv.executeSql('SELECT word FROM no_such_table');
console.log('not reached');
`,
    );
    const r = await run(['run', job]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('not reached');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^tsflink: the job script failed: ValidationException: SQL validation failed\. From line 1, column 18 to line 1, column 30: Object 'no_such_table' not found/);
    expect(lines).toContain('  at SQL line 1, column 18');
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(r.stderr).not.toMatch(/\n\s+at org\.apache/);
  });

  it('runs a .ts script with top-level await, and a CommonJS .ts script as before', async () => {
    const tla = script('tla.ts', `import { TableEnvironment, EnvironmentSettings } from 'tsflink';\nconst tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode());\nfor await (const row of (await tEnv.executeSql('SELECT 40 + 2 AS answer')).collect()) console.log('answer', row.answer);\n`);
    const r = await run(['run', tla]);
    expect(r.stderr).not.toContain('top-level await');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('answer 42');
    const cjs = script('cjs.ts', `console.log('dir', typeof __dirname, typeof require);\n`);
    const c = await run(['run', cjs]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('dir string function');
  });

  it('usage errors exit 2 with a message and the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['run'], /missing the script to run/],
      [['run', 'examples/word-count.ts', '--parallelism', '0'], /--parallelism needs a positive whole number/],
      [['run', 'examples/word-count.ts', '-D', 'novalue'], /-D needs key=value, got 'novalue'/],
      [['run', 'examples/word-count.ts', '--bogus'], /unknown option '--bogus'/],
      [['run', 'no/such/script.ts'], /no such script: .*no\/such\/script\.ts/],
      [['launch', 'x.ts'], /unknown command 'launch'/],
      [['cluster', 'bogus'], /unknown cluster action 'bogus'/],
      [['cluster', 'start', '--port', 'x'], /--port needs a positive whole number/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, {}, 20_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const help = await run(['--help'], {}, 20_000);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: tsflink run .*<script.ts>/);
  });
});
