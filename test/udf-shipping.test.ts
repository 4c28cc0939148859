/**
 * Unit tests for UDF code shipping (no Flink): values shipped with shipValue are loaded with
 * loadShipped in a FRESH Node process (as a worker would) and called there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as vm from 'node:vm';
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { shipValue, type ShippedCode } from '../src/api/udf/ship/index';
import { TableEnvironment } from '../src/api/table-environment';
import { ScalarFunction } from '../src/api/udf/functions';
import { CellEvaluator } from '../src/repl/evaluator';
import { RESULT_VAR } from '../src/repl/cell-names';
import { toEuroBase, RATE, callCount } from './udf-shipping-fixtures/local-helper';

const root = path.resolve(__dirname, '..');
const tsxLoader = path.join(root, 'node_modules/tsx/dist/loader.mjs');

type Call = { method?: string; args: unknown[]; iterate?: boolean };
type Result = { ok?: unknown; error?: string; stack?: string; loadError?: string };

/** Loads each shipped value in one fresh process and runs its calls. */
function runInWorker(jobs: { code: ShippedCode; calls: Call[] }[], env: NodeJS.ProcessEnv = {}): Result[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-ship-'));
  try {
    const input = path.join(dir, 'jobs.json');
    fs.writeFileSync(input, JSON.stringify(jobs));
    const out = execFileSync(process.execPath, ['--import', `file://${tsxLoader}`, path.join(__dirname, 'udf-shipping-fixtures/child-runner.ts'), input], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
    });
    return JSON.parse(out) as Result[][];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function roundTrip(value: Function | object, calls: Call[]): Promise<Result[]> {
  const code = await shipValue(value, 'test');
  const [results] = runInWorker([{ code, calls }]);
  if (results[0]?.loadError) {
    // Without the child's stack frames: vitest would try to source-map them as files of this process.
    const e = new Error(`load failed: ${results[0].loadError.replace(/^\s+at .*$/gm, '')}\n${code.source}`);
    e.stack = e.message;
    throw e;
  }
  return results;
}

function lineOf(file: string, marker: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker) && !l.includes("'" + marker));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 1;
}

// Surroundings a UDF captures.
const PREFIX = 'EUR ';
const factors = new Map<string, number>([['gold', 2]]);
function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
class Formatter {
  static created = 0;
  constructor(readonly digits: number) {
    Formatter.created++;
  }
  format(v: number): string {
    return PREFIX + roundTo(v, this.digits).toFixed(this.digits);
  }
}
class GoldFormatter extends Formatter {
  override format(v: number): string {
    return super.format(v * (factors.get('gold') ?? 1)) + '*';
  }
}
const gold = new GoldFormatter(1);

describe('shipValue / loadShipped round trips', () => {
  it('ships captured helpers, constants, classes, npm packages, node builtins and local modules', async () => {
    const toEuro = (price: number): string => {
      const t = tableFromArrays({ a: [1, 2, 3] });
      return [gold.format(toEuroBase(price)), path.basename('/x/y.csv'), typeof readFileSync, t.numRows, RATE, callCount() > 0].join('|');
    };
    const expected = toEuro(100);
    expect(expected).toBe('EUR 184.0*|y.csv|function|3|0.92|true');
    const code = await shipValue(toEuro, 'toEuro');
    expect(code.source).toContain('require("apache-arrow")');
    expect(code.source).toMatch(/require\("(node:)?path"\)/);
    const [r] = await roundTrip(toEuro, [{ args: [100] }]);
    expect(r).toEqual({ ok: expected });
  });

  it('keeps shared identity and cycles, and ships Map/Set/Date/RegExp/bigint/buffers/symbols', async () => {
    const shared = { n: 1 };
    const a: { self?: unknown; other?: unknown; tag: string } = { tag: 'a' };
    a.self = a;
    const left = { shared };
    const right = { shared };
    const when = new Date(Date.UTC(2024, 0, 2));
    const re = /ab+c/gi;
    const big = 12345678901234567890n;
    const bytes = new Uint8Array([1, 2, 255]);
    const buf = Buffer.from('hé');
    const set = new Set(['x', 'y']);
    const key = Symbol.for('tsflink.test');
    const frozen = Object.freeze({ k: 1 });
    const special = [-0, NaN, Infinity, undefined, null];
    const check = () => ({
      identity: left.shared === right.shared,
      cycle: a.self === a && a.tag,
      date: when.toISOString(),
      re: re.source + re.flags,
      big: String(big * 2n),
      bytes: Array.from(bytes),
      buf: buf.toString('utf8'),
      set: [...set],
      sym: Symbol.keyFor(key),
      frozen: Object.isFrozen(frozen),
      special: special.map((x) => (Object.is(x, -0) ? '-0' : String(x))),
    });
    const nums = [1, 2.5, 'x', null];
    const withNums = () => ({ ...check(), nums });
    expect((await shipValue(withNums, 'nums')).source).toContain('= [1,2.5,"x",null];');
    const [r] = await roundTrip(withNums, [{ args: [] }]);
    expect(r.ok).toEqual(withNums());
  });

  it('ships async functions, generators, methods, getters, constructor functions, bound functions and recursive arrows', async () => {
    const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
    const obj = {
      base: 10,
      async lookup(x: number): Promise<number> {
        await new Promise((res) => setTimeout(res, 1));
        return this.base + x;
      },
      *range(n: number) {
        for (let i = 0; i < n; i++) yield fact(i + 1);
      },
      get doubled() {
        return this.base * 2;
      },
      readDoubled(): number {
        return this.doubled;
      },
    };
    const results = await roundTrip(obj, [
      { method: 'lookup', args: [5] },
      { method: 'range', args: [4], iterate: true },
      { method: 'readDoubled', args: [] },
    ]);
    expect(results).toEqual([{ ok: 15 }, { ok: [1, 2, 6, 24] }, { ok: 20 }]);
    function Counter(this: { n: number }, n: number) {
      this.n = n;
    }
    Counter.prototype.inc = function (this: { n: number }) {
      return ++this.n;
    };
    const counter = new (Counter as unknown as new (n: number) => { n: number; inc(): number })(1);
    expect(await roundTrip(counter, [{ method: 'inc', args: [] }, { method: 'inc', args: [] }])).toEqual([{ ok: 2 }, { ok: 3 }]);
    const add = (x: number, y: number) => x + y + fact(3);
    const [b] = await roundTrip(add.bind(null, 100), [{ args: [1] }]);
    expect(b).toEqual({ ok: 107 });
  });

  it('ships class instances whose class field arrows use this, and subclass instances with super calls', async () => {
    class Pricer {
      rate = 3;
      apply = (x: number) => x * this.rate;
    }
    const p = new Pricer();
    p.rate = 4;
    const results = await roundTrip(p, [{ method: 'apply', args: [2] }]);
    expect(results).toEqual([{ ok: 8 }]);
    const [g] = await roundTrip(gold, [{ method: 'format', args: [2] }]);
    expect(g).toEqual({ ok: gold.format(2) });
  });

  it('ships an instance of a ScalarFunction subclass with open() and state', async () => {
    class Scale extends ScalarFunction<[number], number> {
      factor = 0;
      constructor(private readonly base: number) {
        super();
      }
      open(): void {
        this.factor = roundTo(this.base * 1.5, 0);
      }
      eval(x: number): number {
        return x * this.factor;
      }
    }
    const results = await roundTrip(new Scale(4), [
      { method: 'open', args: [] },
      { method: 'eval', args: [7] },
    ]);
    expect(results).toEqual([{ ok: undefined }, { ok: 42 }]);
  });

  it('ships functions created by vm.runInThisContext and new Function (REPL/notebook code)', async () => {
    const replFn = vm.runInThisContext(
      'let replFactor = 3; const replHelper = (x) => x + 1; globalThis.tsflinkReplGlobal = 100; (function cell(x) { return replHelper(x) * replFactor + tsflinkReplGlobal; })',
    ) as (x: number) => number;
    const [r] = await roundTrip(replFn, [{ args: [1] }]);
    expect(r).toEqual({ ok: 106 });
    const dynamic = new Function('x', 'return Math.max(x, 7) * 2;') as (x: number) => number;
    const [d] = await roundTrip(dynamic, [{ args: [3] }]);
    expect(d).toEqual({ ok: 14 });
    delete (globalThis as Record<string, unknown>).tsflinkReplGlobal;
  });

  it('ships UDFs defined in REPL/notebook cells (the kernel evaluator) with captures from earlier cells', async () => {
    const evaluator = new CellEvaluator({}, createRequire(__filename));
    const run = async (js: string, name: string) => {
      const cell = evaluator.run({ js }, name, false);
      const value = await cell.value;
      cell.commit();
      return value;
    };
    await run(`const rate = 2; const basename = require('node:path').basename; function helper(x) { return x * rate; }`, 'cell[1]');
    const fn = (await run(`${RESULT_VAR} = (x) => helper(x) + 1 + basename('/a/bc').length;`, 'cell[2]')) as (x: number) => number;
    expect(fn(3)).toBe(9);
    const [r] = await roundTrip(fn, [{ args: [3] }]);
    expect(r).toEqual({ ok: 9 });
  });

  it('ships code transpiled by tsx (CommonJS, import_x renames) as `tsflink run` does', () => {
    const out = execFileSync(process.execPath, ['--import', `file://${tsxLoader}`, path.join(__dirname, 'udf-shipping-fixtures/tsx-script.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    const { code, expected, doubler, required } = JSON.parse(out) as { code: ShippedCode; expected: string; doubler: ShippedCode; required: ShippedCode };
    expect(required.source).toContain('__tsf_require({ "./local-helper": v');
    expect(code.source).toContain('require("apache-arrow")');
    // TSFlink's own classes, imported from 'tsflink', are required on the worker, not copied.
    expect(doubler.source).toContain('require("tsflink/dist/src/api/udf/functions.js").ScalarFunction');
    const [[ok, bad], [doubled], [viaRequire]] = runInWorker([
      { code, calls: [{ args: [100] }, { args: [-1] }] },
      { code: doubler, calls: [{ method: 'eval', args: [10] }] },
      { code: required, calls: [{ args: [100] }] },
    ]);
    expect(viaRequire).toEqual({ ok: 92 });
    expect(doubled).toEqual({ ok: 10 * 2 * RATE });
    expect(ok).toEqual({ ok: expected });
    expect(bad.error).toBe('negative price -1');
    const fixture = path.join(__dirname, 'udf-shipping-fixtures/tsx-script.ts');
    expect(bad.stack).toContain(`${fixture}:${lineOf(fixture, 'THROW-TSX')}:`);
  });

  it('ships a function that constructs a class made after it, and functions reading different members of one local module', async () => {
    // the class is made after the functions: binding the function to it early once threw a TDZ ReferenceError
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      sum() {
        return this.x + this.y;
      }
    }
    // each reads other members of the fixture module: all of them must be shipped, not the first one's
    const fns = { rate: () => RATE, point: () => new Point(1, 2).sum(), euro: (x: number) => toEuroBase(x) };
    const results = await roundTrip(fns, [
      { method: 'rate', args: [] },
      { method: 'point', args: [] },
      { method: 'euro', args: [100] },
    ]);
    expect(results).toEqual([{ ok: 0.92 }, { ok: 3 }, { ok: 92 }]);
  });

  it('maps stack traces of a throwing UDF to the original file and line', async () => {
    const validate = (price: number): number => {
      if (price < 0) throw new RangeError(`negative price ${price}`); // THROW-HERE
      return price;
    };
    const [r] = await roundTrip(validate, [{ args: [-5] }]);
    expect(r.error).toBe('negative price -5');
    expect(r.stack).toContain(`${__filename}:${lineOf(__filename, 'THROW-HERE')}:`);
  });
});

describe('unshippable values fail at registration, naming the captured variable', () => {
  it('rejects an open socket', async () => {
    const sock = new net.Socket();
    const toEuro = (x: number) => (sock.destroyed ? x : -x);
    await expect(shipValue(toEuro, 'toEuro')).rejects.toThrow("Cannot ship UDF 'toEuro': captured variable 'sock' is a net.Socket");
    sock.destroy();
  });

  it('names the path through helpers and properties', async () => {
    const server = net.createServer();
    const config = { conn: { server } };
    const helper = () => config.conn.server.listening;
    const udf = () => helper();
    await expect(shipValue(udf, 'udf')).rejects.toThrow(
      "Cannot ship UDF 'udf': captured variable 'config' (at config.conn.server) (reached via helper) is a net.Server",
    );
  });

  it('rejects a Promise and a TableEnvironment', async () => {
    const pending = Promise.resolve(1);
    await expect(shipValue(() => pending, 'p')).rejects.toThrow("Cannot ship UDF 'p': captured variable 'pending' is a Promise");
    const tEnv = Object.create(TableEnvironment.prototype) as TableEnvironment;
    await expect(shipValue((x: number) => (tEnv ? x : 0), 'usesEnv')).rejects.toThrow(
      "Cannot ship UDF 'usesEnv': captured variable 'tEnv' is a TSFlink TableEnvironment",
    );
  });

  it("rejects an arrow function that reads its surrounding scope's this", async () => {
    class Holder {
      k = 2;
      make() {
        return (x: number) => x * this.k;
      }
    }
    await expect(shipValue(new Holder().make(), 'arrowThis')).rejects.toThrow(/arrow function using 'this'/);
  });
});
