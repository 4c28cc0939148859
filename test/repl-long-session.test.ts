/**
 * A long session must not make each cell cost more (issue 18, item 10): the type checker checks a
 * new cell against compact declaration files of the earlier cells it mentions, so the program it
 * builds for cell 200 is the program it built for cell 30, and what it keeps per cell is small.
 * Sizes, not times, are asserted (speed numbers come from bench/kernel.sh --long).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDING_NAMES, BINDINGS_DECLARATIONS } from '../src/repl/bindings';
import { CellTypeChecker } from '../src/repl/type-checker';

const root = path.resolve(__dirname, '..');

function checker(): CellTypeChecker {
  return new CellTypeChecker({
    cwd: os.tmpdir(),
    tsflinkEntry: path.join(root, 'src', 'index.ts'),
    typeRoots: [path.join(root, 'node_modules', '@types')],
    bindingsDeclarations: BINDINGS_DECLARATIONS,
    bindingNames: [...BINDING_NAMES],
  });
}

/** Checks and commits a cell that must have no errors. */
function accept(c: CellTypeChecker, code: string): void {
  expect(c.check(code)).toEqual([]);
  c.commit(code);
}

describe('type checker over a long session', () => {
  it("keeps the checked program and each cell's stored text the same size however many cells came before", { timeout: 120_000 }, () => {
    const c = checker();
    c.warmUp();
    const trivial = (n: number) => `const v${n}: number = ${n}; v${n} * 2`;
    for (let n = 1; n <= 30; n++) accept(c, trivial(n));
    const early = c.stats();
    for (let n = 31; n <= 200; n++) accept(c, trivial(n));
    const late = c.stats();
    // the program checking cell 200 holds no more (and no bigger) files than the one for cell 30
    expect(late.programFiles).toBe(early.programFiles);
    expect(late.programCellChars).toBe(early.programCellChars);
    // (the same cell text but for its longer numbers)
    expect(late.currentChars).toBeLessThanOrEqual(early.currentChars + 8);
    // each cell is kept as a declaration of its names, not as its code plus a header naming every earlier cell
    expect((late.storedChars - early.storedChars) / 170).toBeLessThan(120);
  });

  it('checks a later cell against the declaration files of the earlier cells it uses', { timeout: 60_000 }, () => {
    const c = checker();
    accept(c, 'interface Point { x: number; y: number }');
    accept(c, 'const origin: Point = { x: 0, y: 0 };\nfunction shift(p: Point, by: number) { return { ...p, x: p.x + by }; }');
    accept(c, 'let counter = 1');
    for (let n = 1; n <= 50; n++) accept(c, `const filler${n} = ${n};`);
    accept(c, 'counter += shift(origin, 2).x;');
    const before = c.stats();
    // only the cells mentioned (and the ones their types refer to) are in the program
    expect(before.programCellFiles).toBe(3);
    const wrong = c.check("const s: string = shift(origin, 1).y;");
    expect(wrong.map((d) => d.code)).toEqual([2322]);
    expect(c.check("counter = 'text';").map((d) => d.code)).toEqual([2322]);
    // a redeclared name takes the later cell's type
    accept(c, "const origin = 'here';");
    expect(c.check('origin.toUpperCase()')).toEqual([]);
    // completion still sees every earlier name
    expect(c.complete('fill', 4).matches).toContain('filler50');
  });
});
