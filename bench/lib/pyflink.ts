/** The PyFlink baseline's Python (.venv/pyflink, made by bench/lib/pyflink-venv.sh on first use). */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export function pyflinkPython(): string {
  const script = path.join(__dirname, 'pyflink-venv.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}
