/**
 * bench/cancel-stress: starts and at once cancels a streaming query N times in one session, then
 * counts the TaskManager failures in the session log (docs/gateway.md § 6: Flink 2.3 loses the
 * TaskManager when a collect job is cancelled while its task starts; JobCancellation waits first).
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/cancel-stress.ts [N=100]
 *
 * Run it beside CPU load (e.g. two `yes > /dev/null`) to widen the race it checks.
 */
import * as fs from 'node:fs';
import { EnvironmentSettings, TableEnvironment, sessionLogFile } from '../src/index';

process.env.TSFLINK_QUIET ??= '1';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  await tEnv.executeSql(`CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')`);
  const failures = () => (fs.readFileSync(sessionLogFile(), 'utf8').match(/TaskManager #\d+ failed/g) ?? []).length;
  const started = Date.now();
  for (let i = 0; i < n; i++) await (await tEnv.executeSql('SELECT id FROM ticks')).cancel();
  const ms = (Date.now() - started) / n;
  console.log('| queries started and cancelled | TaskManager failures | ms per query |');
  console.log('|---:|---:|---:|');
  console.log(`| ${n} | ${failures()} | ${ms.toFixed(0)} |`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
