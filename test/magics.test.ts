import { describe, expect, it } from 'vitest';
import { parseMagic } from '../src/repl/magics';

describe('parseMagic (how the core routes SQL entries)', () => {
  it('reads the Zeppelin (k=v, ...) header of a %%sql cell', () => {
    expect(parseMagic('%%sql(type=update, refreshInterval=500)\nSELECT 1')).toEqual({
      mode: 'streaming',
      cell: true,
      options: { type: 'update', refreshInterval: '500' },
      statement: 'SELECT 1',
    });
  });

  it('reads bare key=value options and the one-line batch form', () => {
    expect(parseMagic('%%bsql type=append maxRows=5\nSELECT 2')).toMatchObject({ mode: 'batch', cell: true, options: { type: 'append', maxRows: '5' } });
    expect(parseMagic('%bsql SELECT 3')).toEqual({ mode: 'batch', cell: false, options: {}, statement: 'SELECT 3' });
  });

  it('leaves TypeScript alone', () => {
    expect(parseMagic('const sql = 1 % 2')).toBeUndefined();
  });
});
