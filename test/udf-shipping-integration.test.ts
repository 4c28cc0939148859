/**
 * UDF code shipping on the real mini-cluster: closures with captured helpers and imports, and
 * explicit dependencies (addJsFile, addArchive, npm requirements installed by Flink's Java side
 * through our python shim, offline from a tarball directory and from an npm cache) reaching the
 * Node workers through Flink's distributed cache.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, call, DataTypes, EnvironmentSettings, Session, TableEnvironment, udf } from '../src/index';
import { rowsOf, sorted, tempDir } from './helpers';
import { RATE, toEuroBase } from './udf-shipping-fixtures/local-helper';

let work: string;

beforeAll(() => {
  work = tempDir('tsflink-ship-it-');
});

afterAll(async () => {
  await (await Session.running())?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const newEnv = () => TableEnvironment.create(EnvironmentSettings.inStreamingMode());

const SUFFIX = ' EUR';
class Money {
  constructor(readonly digits: number) {}
  format(v: number): string {
    return v.toFixed(this.digits) + SUFFIX;
  }
}
const money = new Money(2);

describe('closures', () => {
  it('a UDF using captured helpers, a class instance, a local module and npm/builtin imports runs in the worker', async () => {
    const tEnv = await newEnv();
    const toEuro = udf(
      (price: number | null) => {
        if (price === null) return null;
        const t = tableFromArrays({ p: [price] });
        return `${money.format(toEuroBase(Number(t.get(0)?.p)))}|${path.extname('x.csv')}|${RATE}`;
      },
      { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.STRING(), name: 'toEuro' },
    );
    const prices = tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('price', DataTypes.DOUBLE())), [[100], [12.5], [null]]);
    const rows = await rowsOf(prices.select($('price'), call(toEuro, $('price')).as('eur')));
    expect(sorted(rows)).toEqual(
      sorted([
        { price: 100, eur: '92.00 EUR|.csv|0.92' },
        { price: 12.5, eur: '11.50 EUR|.csv|0.92' },
        { price: null, eur: null },
      ]),
    );
  });
});

describe('unshippable captures', () => {
  it('fail when the UDF is defined, naming the captured variable, and the session survives', async () => {
    const tEnv = await newEnv();
    const sock = new net.Socket();
    expect(() =>
      udf((x: number | null) => (sock.destroyed ? x : null), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'toEuro' }),
    ).toThrow("Cannot ship UDF 'toEuro': captured variable 'sock' is a net.Socket");
    sock.destroy();
    expect(() => udf((x: number | null) => (tEnv ? x : null), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'usesEnv' })).toThrow(
      "Cannot ship UDF 'usesEnv': captured variable 'tEnv' is a TSFlink TableEnvironment",
    );
    expect(await rowsOf(tEnv.fromValues([{ a: 1 }]))).toEqual([{ a: 1 }]);
  });
});

describe('explicit dependencies through the distributed cache', () => {
  it('addJsFile(s) ships a local .js module, a directory and a .ts module the UDF requires by name', async () => {
    const tEnv = await newEnv();
    const file = path.join(work, 'greeter.js');
    fs.writeFileSync(file, "exports.greet = (n) => 'hello ' + n;\n");
    const dir = path.join(work, 'shouter');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'index.js'), "module.exports = (s) => s.toUpperCase() + '!';\n");
    const tsFile = path.join(work, 'brackets.ts');
    fs.writeFileSync(tsFile, "export const bracket = (s: string): string => `[${s}]`;\n");
    tEnv.addJsFile(file);
    tEnv.addJsFiles([dir], tsFile); // an array, or several arguments
    const greet = udf((n: string | null) => require('brackets').bracket(require('shouter')(require('greeter').greet(n))) as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'greet',
    });
    const rows = await rowsOf(tEnv.fromValues([{ n: 'ann' }, { n: 'bob' }]).select(call(greet, $('n')).as('g')));
    expect(sorted(rows)).toEqual([{ g: '[HELLO ANN!]' }, { g: '[HELLO BOB!]' }]);
  });

  it('addArchive extracts an archive into the worker working directory', async () => {
    const tEnv = await newEnv();
    const src = path.join(work, 'archive-src');
    fs.mkdirSync(path.join(src, 'data'), { recursive: true });
    fs.writeFileSync(path.join(src, 'data', 'rates.json'), JSON.stringify({ gold: 3, silver: 2 }));
    const archive = path.join(work, 'rates.zip');
    execFileSync('zip', ['-qr', archive, 'data'], { cwd: src });
    tEnv.addArchive(archive, 'rates');
    const rate = udf(
      (metal: string | null) => {
        const table = JSON.parse(require('fs').readFileSync('rates/data/rates.json', 'utf8')) as Record<string, number>;
        return metal === null ? null : (table[metal] ?? -1);
      },
      { inputTypes: [DataTypes.STRING()], resultType: DataTypes.INT(), name: 'rate' },
    );
    const rows = await rowsOf(tEnv.fromValues([{ m: 'gold' }, { m: 'silver' }, { m: 'tin' }]).select($('m'), call(rate, $('m')).as('r')));
    expect(sorted(rows)).toEqual([
      { m: 'gold', r: 3 },
      { m: 'silver', r: 2 },
      { m: 'tin', r: -1 },
    ]);
  });

  it('setNpmRequirements installs a package offline from a directory of npm pack tarballs', async () => {
    const tEnv = await newEnv();
    const pkg = path.join(work, 'tsflink-test-pad');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tsflink-test-pad', version: '1.2.3', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = (s, n) => '<' + String(s).padStart(n, '.') + '>';\n");
    const cache = path.join(work, 'tarballs');
    fs.mkdirSync(cache);
    execFileSync('npm', ['pack', pkg, '--pack-destination', cache, '--silent'], { cwd: work, env: { ...process.env, npm_config_offline: 'true' } });
    expect(fs.readdirSync(cache)).toEqual(['tsflink-test-pad-1.2.3.tgz']);
    tEnv.setNpmRequirements(['tsflink-test-pad@1.2.3'], cache);
    const pad = udf((s: string | null) => require('tsflink-test-pad')(s, 5) as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'pad',
    });
    const rows = await rowsOf(tEnv.fromValues([{ s: 'ab' }]).select(call(pad, $('s')).as('p')));
    expect(rows).toEqual([{ p: '<...ab>' }]);
  });

  it('setNpmRequirements installs a registry package from a package.json, offline from an npm cache', async () => {
    const tEnv = await newEnv();
    const cache = path.join(work, 'npm-cache');
    // Filling the cache is the only step that needs the registry; the TaskManager install is offline.
    execFileSync('npm', ['cache', 'add', 'left-pad@1.3.0', '--cache', cache, '--silent'], { cwd: work });
    const pkgJson = path.join(work, 'requirements', 'package.json');
    fs.mkdirSync(path.dirname(pkgJson));
    fs.writeFileSync(pkgJson, JSON.stringify({ name: 'udf-deps', private: true, dependencies: { 'left-pad': '1.3.0' } }));
    tEnv.setNpmRequirements(pkgJson, cache);
    const leftPad = udf((s: string | null) => require('left-pad')(s, 6, '0') as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'leftPad',
    });
    const rows = await rowsOf(tEnv.fromValues([{ s: '42' }]).select(call(leftPad, $('s')).as('p')));
    expect(rows).toEqual([{ p: '000042' }]);
  });

  it('rejects missing paths with a clear error', async () => {
    const tEnv = await newEnv();
    expect(() => tEnv.addJsFile(path.join(work, 'nope.js'))).toThrow(/addJsFile: '.*nope\.js' does not exist/);
    expect(() => tEnv.setNpmRequirements(['not a spec!'])).toThrow(/is not an npm package spec/);
  });
});
