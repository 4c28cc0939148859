// Run with tsx (as `tsflink run` does): ships a UDF that uses CommonJS-transpiled imports.
import _ from 'apache-arrow';
import * as arrow from 'apache-arrow';
import { tableFromArrays } from 'apache-arrow';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { toEuroBase, RATE } from './local-helper';
import { shipValue } from '../../src/api/udf/ship/index';
import { ScalarFunction } from 'tsflink';

class Doubler extends ScalarFunction<[number], number> {
  eval(x: number): number {
    return x * 2 * RATE;
  }
}

const PREFIX = 'EUR ';
class Money {
  constructor(readonly digits: number) {}
  format(v: number): string {
    return PREFIX + v.toFixed(this.digits);
  }
}
const money = new Money(2);

function toEuro(price: number): string {
  const t = tableFromArrays({ a: [1, 2, 3] });
  const digest = createHash('sha1').update(String(price)).digest('hex').slice(0, 6);
  if (price < 0) throw new RangeError(`negative price ${price}`); // THROW-TSX
  return [money.format(toEuroBase(price)), path.extname('a/b.csv'), t.numRows, typeof arrow.Table, typeof _, digest, RATE].join('|');
}

// A literal relative require inside the UDF ships that module's value.
const viaRequire = (x: number): number => (require('./local-helper') as typeof import('./local-helper')).toEuroBase(x);

void Promise.all([shipValue(toEuro, 'toEuro'), shipValue(new Doubler(), 'doubler'), shipValue(viaRequire, 'viaRequire')]).then(
  ([code, doubler, required]) => process.stdout.write(JSON.stringify({ code, expected: toEuro(100), doubler, required })),
);
