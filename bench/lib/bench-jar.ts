/**
 * The benchmarks' Java pieces (dev.tsflink.bench.*: the 'tsflink-bench-bids' source, LatencyProbe,
 * ToEuro) live in the glue jar; Flink only finds the source's factory through a
 * META-INF/services entry, which this tiny jar (made on demand with the JDK's `jar`) adds.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function benchServicesJar(): string {
  const dir = path.join(__dirname, '..', '.build');
  const jar = path.join(dir, 'tsflink-bench-services.jar');
  if (fs.existsSync(jar)) return jar;
  const content = path.join(dir, 'services');
  fs.mkdirSync(path.join(content, 'META-INF', 'services'), { recursive: true });
  fs.writeFileSync(path.join(content, 'META-INF', 'services', 'org.apache.flink.table.factories.Factory'), 'dev.tsflink.bench.BidSourceFactory\n');
  execFileSync('jar', ['cf', jar, '-C', content, '.']);
  return jar;
}

export function glueJar(): string {
  return path.join(__dirname, '..', '..', 'src', 'jvm', 'target', 'tsflink-glue.jar');
}
