/**
 * UDF code shipping on the real mini-cluster: closures with captured helpers and imports, and
 * explicit dependencies (addJsFile, addArchive, npm requirements installed by Flink's Java side
 * through our python shim, offline from a tarball directory and from an npm cache) reaching the
 * Node workers through Flink's distributed cache. The same addJsFile(s) and npm requirements in
 * embedded mode, bundled on the client; addArchive there: refused for a function reading files.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

describe.each(['process', 'embedded'] as const)('explicit dependencies in %s mode', (mode) => {
  // process mode: Flink's distributed cache takes them to the Node worker; embedded mode: the
  // modules a function requires are found the same way on the client and bundled into it
  let dir: string;
  beforeAll(() => {
    dir = path.join(work, mode);
    fs.mkdirSync(dir);
  });

  it('addJsFile(s) ships a local .js module, a directory, a zip and a .ts module the UDF requires by name', async () => {
    const tEnv = await newEnv();
    const file = path.join(dir, 'greeter.js');
    fs.writeFileSync(file, "exports.greet = (n) => 'hello ' + n;\n");
    const shouter = path.join(dir, 'shouter');
    fs.mkdirSync(shouter);
    fs.writeFileSync(path.join(shouter, 'index.js'), "module.exports = (s) => s.toUpperCase() + '!';\n");
    // a zip's contents are requirable by their names (Flink extracts it on the TaskManager)
    const zipped = path.join(dir, 'zipped');
    fs.mkdirSync(zipped);
    fs.writeFileSync(path.join(zipped, 'exclaim.js'), "module.exports = (s) => s + '?!';\n");
    const zip = path.join(dir, 'helpers.zip');
    execFileSync('zip', ['-qr', zip, 'exclaim.js'], { cwd: zipped });
    const tsFile = path.join(dir, 'brackets.ts');
    fs.writeFileSync(tsFile, "export const bracket = (s: string): string => `[${s}]`;\n");
    const greet = udf((n: string | null) => require('exclaim')(require('brackets').bracket(require('shouter')(require('greeter').greet(n)))) as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'greet',
      mode,
    });
    const names = () => tEnv.fromValues([{ n: 'ann' }, { n: 'bob' }]);
    if (mode === 'embedded') {
      // made before the files are shipped: nothing to bundle yet, and it says where it looked
      expect(() => names().select(call(greet, $('n')))).toThrow(/TypeScript UDF 'greet' requires '(exclaim|brackets|shouter|greeter)', which embedded mode cannot find to bundle it: not in node_modules from /);
    }
    tEnv.addJsFile(file);
    tEnv.addJsFiles([shouter, zip], tsFile); // an array, or several arguments
    const selected = names().select(call(greet, $('n')).as('g'));
    expect(await selected.explain()).toMatch(mode === 'embedded' ? /EmbeddedScalarFunction/ : /PythonScalarFunction/);
    expect(sorted(await rowsOf(selected))).toEqual([{ g: '[HELLO ANN!]?!' }, { g: '[HELLO BOB!]?!' }]);

    // the same function in an environment shipping another greeter uses that one
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'greeter.js'), "exports.greet = (n) => 'bye ' + n;\n");
    const tEnv2 = await newEnv();
    tEnv2.addJsFiles(path.join(other, 'greeter.js'), shouter, zip, tsFile);
    expect(await rowsOf(tEnv2.fromValues([{ n: 'cy' }]).select(call(greet, $('n')).as('g')))).toEqual([{ g: '[BYE CY!]?!' }]);
  });

  it('setNpmRequirements installs a package offline from a directory of npm pack tarballs', async () => {
    const tEnv = await newEnv();
    const pkg = path.join(dir, 'tsflink-test-pad');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tsflink-test-pad', version: '1.2.3', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = (s, n) => '<' + String(s).padStart(n, '.') + '>';\n");
    const cache = path.join(dir, 'tarballs');
    fs.mkdirSync(cache);
    execFileSync('npm', ['pack', pkg, '--pack-destination', cache, '--silent'], { cwd: dir, env: { ...process.env, npm_config_offline: 'true' } });
    expect(fs.readdirSync(cache)).toEqual(['tsflink-test-pad-1.2.3.tgz']);
    tEnv.setNpmRequirements(['tsflink-test-pad@1.2.3'], cache);
    const pad = udf((s: string | null) => require('tsflink-test-pad')(s, 5) as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'pad',
      mode,
    });
    const rows = await rowsOf(tEnv.fromValues([{ s: 'ab' }]).select(call(pad, $('s')).as('p')));
    expect(rows).toEqual([{ p: '<...ab>' }]);
  });

  it('setNpmRequirements installs a registry package from a package.json, offline from an npm cache', async () => {
    const tEnv = await newEnv();
    const cache = path.join(dir, 'npm-cache');
    // Filling the cache is the only step that needs the registry; the TaskManager install is offline.
    execFileSync('npm', ['cache', 'add', 'left-pad@1.3.0', '--cache', cache, '--silent'], { cwd: dir });
    const pkgJson = path.join(dir, 'requirements', 'package.json');
    fs.mkdirSync(path.dirname(pkgJson));
    fs.writeFileSync(pkgJson, JSON.stringify({ name: 'udf-deps', private: true, dependencies: { 'left-pad': '1.3.0' } }));
    tEnv.setNpmRequirements(pkgJson, cache);
    const leftPad = udf((s: string | null) => require('left-pad')(s, 6, '0') as string, {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      name: 'leftPad',
      mode,
    });
    const rows = await rowsOf(tEnv.fromValues([{ s: '42' }]).select(call(leftPad, $('s')).as('p')));
    expect(rows).toEqual([{ p: '000042' }]);
  });
});

describe('explicit dependencies through the distributed cache', () => {
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

    // embedded mode has no extracted archives (and the v8 engine no file system): a function
    // reading files there is refused when it is used, saying why and what to do
    tEnv.getConfig().set('tsflink.udf.execution-mode', 'embedded');
    const metals = tEnv.fromValues([{ m: 'gold' }]);
    expect(() => metals.select(call(rate, $('m')))).toThrow(
      /TypeScript UDF 'rate' reads files \(it requires 'fs'\), and this environment ships archives with addArchive \(.*rates\.zip#rates\), which Flink extracts into the working directory of process mode's Node worker only; embedded mode's v8 engine has no file system at all\. Run the function in process mode \(its option mode: 'process', or tsflink\.udf\.execution-mode = 'process'\)/,
    );
    // the node engine may read files by absolute path: a warning, when the function is made (no
    // job runs: the node engine cannot start inside the mini-cluster's process)
    const warned: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => void warned.push(String(m)));
    try {
      const rateOnNode = udf((metal: string) => String(require('fs').existsSync(metal)), {
        inputTypes: [DataTypes.STRING()],
        resultType: DataTypes.STRING(),
        name: 'rateOnNode',
        mode: 'embedded',
        engine: 'node',
      });
      tEnv.createTemporarySystemFunction('rate_on_node', rateOnNode);
    } finally {
      warn.mockRestore();
    }
    expect(warned).toEqual([expect.stringMatching(/^TypeScript UDF 'rateOnNode' reads files \(it requires 'fs'\), and this environment ships archives with addArchive .*; in embedded mode its relative paths are the TaskManager's\. A function reading the archives needs process mode/)]);
    // one that reads no files runs embedded in the same environment
    const upper = udf((m: string) => m.toUpperCase(), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), name: 'upper' });
    const embedded = metals.select(call(upper, $('m')).as('u'));
    expect(await embedded.explain()).toMatch(/EmbeddedScalarFunction/);
    expect(await rowsOf(embedded)).toEqual([{ u: 'GOLD' }]);
  });

  it('rejects missing paths with a clear error', async () => {
    const tEnv = await newEnv();
    expect(() => tEnv.addJsFile(path.join(work, 'nope.js'))).toThrow(/addJsFile: '.*nope\.js' does not exist/);
    expect(() => tEnv.setNpmRequirements(['not a spec!'])).toThrow(/is not an npm package spec/);
  });
});
