/**
 * Run by test/child-processes.test.ts through `tsflink run`: starts a datagen → TS UDF job and
 * shells out while it runs. Prints one `result: {...}` line. A long-lived child (like an npm
 * package's helper process) is alive the whole time, so Node's SIGCHLD watcher stays active.
 */
import { exec, execSync, spawn } from 'node:child_process';
import { $, call, DataTypes, EnvironmentSettings, Schema, TableDescriptor, TableEnvironment, udf } from 'tsflink';

const helper = spawn('sleep', ['300'], { stdio: 'ignore' });

function execOk(): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('no callback in 10 s'), 10_000);
    exec('echo ok', (err, out) => {
      clearTimeout(timer);
      resolve(err ? `error: ${err.message}` : out.trim());
    });
  });
}

const before = { exec: await execOk(), execSync: execSync('echo ok').toString().trim() };
const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
const same = udf((x: bigint | null) => x, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT() });
const source = tEnv.from(
  TableDescriptor.forConnector('datagen')
    .schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build())
    .option('rows-per-second', '20')
    .build(),
);
const result = await source.select(call(same, $('id')).as('id')).execute();
// the first row has passed through the Node worker, so the JVM has started a process
const rows = result.collect()[Symbol.asyncIterator]();
await rows.next();
const during = { exec: await execOk(), execSync: execSync('echo ok', { timeout: 10_000 }).toString().trim(), jobStatus: await result.getJobStatus() };
await rows.return?.();
helper.kill();
console.log('result: ' + JSON.stringify({ before, during }));
process.exit(0);
