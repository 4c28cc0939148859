/**
 * What the UDF runtime needs from the session, contributed before the JVM starts:
 * - PYFLINK_UDF_RUNNER_DIR: flink-python's process-mode environment then launches our
 *   bin/pyflink-udf-runner.sh (the Node worker) instead of PyFlink's Python harness;
 * - a log4j configuration writing the (mini-cluster) TaskManager log to a file, where the worker's
 *   console output arrives through Beam's logging service (logger "PythonWorker"); the same file is
 *   the TaskManager log the web UI / REST API serve (taskmanager.log.path). Nothing goes to the
 *   terminal: Flink's internal ERROR lines would land in the shell's or kernel's output, and
 *   failures reach users as FlinkErrors anyway.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../gateway/paths';
import { contributeToSession } from '../../session/session';

/** The directory holding pyflink-udf-runner.sh. */
export function workerRunnerDir(): string {
  return path.join(packageRoot(), 'src', 'worker', 'bin');
}

let logFile: string | undefined;

/** The log file of this process's session (JobManager and TaskManager of the mini-cluster). */
export function sessionLogFile(): string {
  logFile ??= path.join(process.env.TSFLINK_LOG_DIR ?? path.join(os.tmpdir(), 'tsflink-logs'), `session-${process.pid}.log`);
  return logFile;
}

function log4jConfig(file: string): string {
  return [
    'status = error',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${file.replace(/\\/g, '/')}`,
    'appender.file.append = false',
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    // Flink's noisiest internals
    'logger.akka.name = org.apache.pekko',
    'logger.akka.level = WARN',
    'logger.netty.name = org.apache.flink.shaded.netty4',
    'logger.netty.level = WARN',
    '',
  ].join('\n');
}

contributeToSession(() => {
  const runnerDir = workerRunnerDir();
  const runner = path.join(runnerDir, 'pyflink-udf-runner.sh');
  try {
    if ((fs.statSync(runner).mode & 0o111) === 0) fs.chmodSync(runner, 0o755);
  } catch {
    // reported by Flink (with the boot log) when a UDF runs
  }
  const file = sessionLogFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const config = path.join(path.dirname(file), `log4j-session-${process.pid}.properties`);
  fs.writeFileSync(config, log4jConfig(file));
  return {
    env: { PYFLINK_UDF_RUNNER_DIR: runnerDir },
    // java.io: flink-python's ClassLeakCleaner clears serialization caches when a UDF operator closes;
    // java.util: PythonConfigUtil.configPythonOperator (DataStream jobs) edits the env's configuration
    jvmOptions: [`-Dlog4j2.configurationFile=${config}`, `-Dlog.file=${file}`, '--add-opens=java.base/java.io=ALL-UNNAMED', '--add-opens=java.base/java.util=ALL-UNNAMED'],
    flinkConfig: { 'taskmanager.log.path': file },
  };
});
