/** Error text folding (src/repl/error-text.ts): Calcite's expectation list, Java cause chains. */
import { afterEach, describe, expect, it } from 'vitest';
import { cutExpectations, foldCauses } from '../src/repl/error-text';

const debug = process.env.TSFLINK_DEBUG;
afterEach(() => {
  if (debug === undefined) delete process.env.TSFLINK_DEBUG;
  else process.env.TSFLINK_DEBUG = debug;
});

describe('cutExpectations', () => {
  const list = Array.from({ length: 40 }, (_v, i) => `    "KEYWORD${i}" ...`).join('\n');
  const message = `Encountered "<EOF>" at line 1, column 27.\nWas expecting one of:\n${list}\n`;

  it('keeps the first alternatives of a long list and counts the rest', () => {
    const cut = cutExpectations(message);
    expect(cut).toContain('Encountered "<EOF>" at line 1, column 27.');
    expect(cut).toContain('"KEYWORD7"');
    expect(cut).not.toContain('"KEYWORD8"');
    expect(cut).toContain('… and 32 more');
  });

  it('leaves short lists and other text alone, and everything with TSFLINK_DEBUG=1', () => {
    const short = 'Was expecting one of:\n    "FROM" ...\n    "," ...\n';
    expect(cutExpectations(short)).toBe(short);
    expect(cutExpectations('no list here')).toBe('no list here');
    process.env.TSFLINK_DEBUG = '1';
    expect(cutExpectations(message)).toBe(message);
  });
});

describe('foldCauses', () => {
  it('drops causes that repeat the message and wrappers, keeps what adds information', () => {
    const head = 'FlinkError: SqlParserException: SQL parse failed. Non-query expression encountered in illegal context';
    expect(
      foldCauses(head, [
        { className: 'org.apache.calcite.sql.parser.SqlParseException', message: 'Non-query expression encountered in illegal context' },
        { className: 'org.apache.calcite.runtime.CalciteException', message: 'Non-query expression encountered in illegal context' },
      ]),
    ).toEqual(['(2 more Java causes repeating or wrapping these; TSFLINK_DEBUG=1 shows the whole chain)']);
  });

  it("keeps a failed job's root cause and folds the wrappers around it", () => {
    const out = foldCauses('FlinkError: RuntimeException: Failed to fetch next result', [
      { className: 'java.io.IOException', message: 'Failed to fetch job execution result' },
      { className: 'org.apache.flink.runtime.client.JobExecutionException', message: 'Job execution failed.' },
      { className: 'org.apache.flink.runtime.JobException', message: 'Recovery is suppressed by NoRestartBackoffTimeStrategy' },
      { className: 'java.lang.ArithmeticException', message: '/ by zero' },
    ]);
    expect(out).toEqual(['Caused by java.lang.ArithmeticException: / by zero', '(3 more Java causes repeating or wrapping these; TSFLINK_DEBUG=1 shows the whole chain)']);
  });

  it("folds the Beam runner's wrapping of a TS function's failure the head already says", () => {
    const failure = "TypeScript UDF 'boom' failed: Error: bad value b\n    at cell[1]:2:18";
    const out = foldCauses(`FlinkError: ${failure}\n(failed the Flink job: RuntimeException: Failed to fetch next result)`, [
      { className: 'java.io.IOException', message: 'Failed to fetch job execution result' },
      { className: 'java.lang.RuntimeException', message: `Error received from SDK harness for instruction 1: ${failure}` },
    ]);
    expect(out).toEqual(['(2 more Java causes repeating or wrapping these; TSFLINK_DEBUG=1 shows the whole chain)']);
  });

  it('shows the whole chain with TSFLINK_DEBUG=1', () => {
    process.env.TSFLINK_DEBUG = '1';
    expect(foldCauses('x', [{ className: 'a.B', message: 'x' }])).toEqual(['Caused by a.B: x']);
  });
});
