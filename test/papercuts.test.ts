/**
 * Issue 19's papercuts a new user meets: DataTypes.ROW in PyFlink's list form.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DataTypes, Session } from '../src/index';
import { batchEnv, rowsOf } from './helpers';

const { ROW, FIELD, INT, STRING } = DataTypes;

afterAll(async () => {
  await (await Session.running())?.close();
});

describe('DataTypes.ROW([FIELD(...), ...]) (PyFlink\'s list form)', () => {
  it('is the same type as the field-by-field form, and types rows on a real environment', async () => {
    const listed = ROW([FIELD('a', INT()), FIELD('b', STRING())]);
    expect(listed.sql).toBe(ROW(FIELD('a', INT()), FIELD('b', STRING())).sql);
    expect(listed.sql).toBe('ROW<`a` INT, `b` STRING>');
    const env = await batchEnv();
    const rows = await rowsOf(env.fromValues(listed, [{ a: 1, b: 'x' }]));
    expect(rows.map((r) => [r.a, r.b])).toEqual([[1, 'x']]);
  }, 120_000);

  it('says what it takes when given something else', () => {
    expect(() => ROW([FIELD('a', INT())], [FIELD('b', INT())] as never)).toThrow(/argument 1 is an array \(pass a single array, or the fields one by one\)/);
    expect(() => ROW(INT() as never)).toThrow(/DataTypes\.ROW takes DataTypes\.FIELD\(name, type\) values, or one array of them/);
  });
});
