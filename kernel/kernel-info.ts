/** The kernel_info_reply content: protocol, implementation and language facts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../src/gateway/paths';
import { Session } from '../src/session/session';
import { PROTOCOL_VERSION, type JsonObject } from './wire';

function packageVersion(dir: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let cached: JsonObject | undefined;

export function kernelInfo(): JsonObject {
  if (cached) return cached;
  const root = packageRoot();
  const version = packageVersion(root);
  const tsVersion = packageVersion(path.join(root, 'node_modules', 'typescript'));
  cached = {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'tsflink',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: tsVersion,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      codemirror_mode: { name: 'javascript', typescript: true },
      pygments_lexer: 'typescript',
    },
    banner: `TSFlink ${version}: Apache Flink ${Session.flinkVersion} for TypeScript (Node ${process.versions.node}, TypeScript ${tsVersion}). Pre-bound: tEnv, bEnv, senv, sql, display. SQL cells: %%sql / %%bsql.`,
    help_links: [],
    debugger: false,
  };
  return cached;
}
