/**
 * Member-by-member coverage of PyFlink 2.3.0's public Table API in TSFlink: each line of
 * pyflink-2.3.0-members.txt (made by pyflink_members.py from PyFlink's source) is looked up on
 * tsflink's exports under its TS name (camelCase, the renames below). Does not start a JVM.
 *   npm run coverage:table-api            # the number
 *   npm run coverage:table-api -- --missing   # and every missing member
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tsflink from '../../src/index';

/** PyFlink name -> TS name where TSFlink follows Java rather than snake_case-to-camelCase. */
const RENAMES: Record<string, string> = {
  'TableEnvironment.from_path': 'from',
  'TableEnvironment.from_pandas': 'fromArrow',
  'TableEnvironment.add_python_file': 'addJsFile',
  'TableEnvironment.add_python_archive': 'addArchive',
  'TableEnvironment.set_python_requirements': 'setNpmRequirements',
  'Table.to_pandas': 'toArrow',
  'Table.alias': 'as',
  'Expression.alias': 'as',
  'Expression.in_': 'in',
  'Expression.then': 'thenElse',
  'expressions.and_': 'and',
  'expressions.or_': 'or',
  'expressions.not_': 'not',
  'expressions.if_then_else': 'ifThenElse',
  'TumbleWithSizeOnTime.alias': 'as',
  'SessionWithGapOnTime.alias': 'as',
  'SlideWithSizeAndSlideOnTime.alias': 'as',
  'OverWindowPartitionedOrdered.alias': 'as',
  'OverWindowPartitionedOrderedPreceding.alias': 'as',
  'TableResult.wait': 'await',
  'MapView.items': 'entries',
  'expressions.map_': 'map',
  'expressions.range_': 'range',
};

/** Members with no TS counterpart by design; named here with the reason (docs/porting-from-pyflink.md). */
const NOT_APPLICABLE: Record<string, string> = {
  'TableConfig.get_python_executable': 'Python-only: UDFs run in Node workers (UdfPresets / python.* options have no TS role)',
  'TableConfig.set_python_executable': 'Python-only: UDFs run in Node workers',
  'StatementSet.attach_as_datastream': 'needs the DataStream API, which TSFlink does not have',
  'ChangelogMode.all': 'only DataStream conversions (fromChangelogStream/toChangelogStream) take a ChangelogMode',
  'ChangelogMode.insert_only': 'only DataStream conversions take a ChangelogMode',
  'ChangelogMode.upsert': 'only DataStream conversions take a ChangelogMode',
};

function camel(s: string): string {
  if (/^[A-Z0-9_]+$/.test(s)) return s; // constants and enum values keep their Java names
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

type Holder = Record<string, unknown> | object;
const api = tsflink as unknown as Record<string, Holder>;

/** Where a PyFlink class's members live in TS: a class (static + prototype) or a sample object. */
function holders(cls: string): Holder[] {
  // a chain of calls on the API, each returning an object with more methods (the builders' shape)
  type Chain = { [k: string]: (...a: unknown[]) => Chain };
  const w = tsflink as unknown as Record<string, Chain>;
  const samples: Record<string, () => Holder[]> = {
    TumbleWithSize: () => [w.Tumble.over(1)],
    TumbleWithSizeOnTime: () => [w.Tumble.over(1).on('t')],
    SessionWithGap: () => [w.SessionWindow.withGap(1)],
    SessionWithGapOnTime: () => [w.SessionWindow.withGap(1).on('t')],
    Session: () => [w.SessionWindow],
    SlideWithSize: () => [w.Slide.over(1)],
    SlideWithSizeAndSlide: () => [w.Slide.over(1).every(1)],
    SlideWithSizeAndSlideOnTime: () => [w.Slide.over(1).every(1).on('t')],
    OverWindowPartitioned: () => [w.Over.partitionBy('a')],
    OverWindowPartitionedOrdered: () => [w.Over.partitionBy('a').orderBy('t')],
    OverWindowPartitionedOrderedPreceding: () => [w.Over.partitionBy('a').orderBy('t').preceding(1)],
    'EnvironmentSettings.Builder': () => [w.EnvironmentSettings.newInstance()],
    'Schema.Builder': () => [w.Schema.newBuilder()],
    'TableDescriptor.Builder': () => [w.TableDescriptor.forConnector('x')],
    'FormatDescriptor.Builder': () => [w.FormatDescriptor.forFormat('x')],
    'ModelDescriptor.Builder': () => (w.ModelDescriptor ? [w.ModelDescriptor.forProvider('x')] : []),
    expressions: () => [api],
  };
  if (samples[cls]) {
    try {
      return samples[cls]();
    } catch {
      return [];
    }
  }
  const c = api[cls];
  if (c === undefined) return [];
  return typeof c === 'function' ? [c, (c as { prototype: object }).prototype] : [c];
}

/**
 * Members TS declares only in types: methods users implement (abstract or optional in the UDF base
 * classes) and interfaces (FunctionContext, ModuleEntry). Checked in the declaring source file.
 */
const DECLARED_IN: Record<string, [file: string, declaration: string]> = {
  ScalarFunction: ['src/api/udf/functions.ts', 'class ScalarFunction'],
  TableFunction: ['src/api/udf/functions.ts', 'class TableFunction'],
  AsyncScalarFunction: ['src/api/udf/functions.ts', 'class AsyncScalarFunction'],
  AggregateFunction: ['src/api/udf/functions.ts', 'class AggregateFunction'],
  TableAggregateFunction: ['src/api/udf/functions.ts', 'class TableAggregateFunction'],
  UserDefinedFunction: ['src/api/udf/functions.ts', 'class UserDefinedFunction'],
  FunctionContext: ['src/api/udf/functions.ts', 'interface FunctionContext'],
  ModuleEntry: ['src/api/catalog.ts', 'interface ModuleEntry'],
};

function declared(cls: string, name: string): boolean {
  const where = DECLARED_IN[cls];
  if (!where) return false;
  const text = readFileSync(join(__dirname, '..', '..', where[0]), 'utf8');
  const start = text.indexOf(where[1]);
  if (start < 0) return false;
  const body = text.slice(start, text.indexOf('\n}', start));
  return new RegExp(`\\b(readonly )?${name}\\??[(:]`).test(body);
}

function has(h: Holder, name: string): boolean {
  for (let o: object | null = h; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyNames(o).includes(name)) return true;
  }
  return false;
}

const members = readFileSync(join(__dirname, 'pyflink-2.3.0-members.txt'), 'utf8').split('\n').filter(Boolean);
const missing: string[] = [];
const excused: string[] = [];
let present = 0;
for (const m of members) {
  const cls = m.slice(0, m.lastIndexOf('.'));
  const py = m.slice(m.lastIndexOf('.') + 1);
  if (NOT_APPLICABLE[m]) {
    excused.push(`${m}: ${NOT_APPLICABLE[m]}`);
    continue;
  }
  const ts = RENAMES[m] ?? camel(py);
  if (holders(cls).some((h) => has(h, ts)) || declared(cls, ts)) present++;
  else missing.push(`${m} (${ts})`);
}
const counted = members.length - excused.length;
console.log(`PyFlink 2.3.0 Table API members: ${members.length}; not applicable: ${excused.length}`);
console.log(`present in TSFlink: ${present} of ${counted} (${((100 * present) / counted).toFixed(1)}%)`);
if (process.argv.includes('--missing')) {
  console.log('\nmissing:\n' + missing.join('\n'));
  console.log('\nnot applicable:\n' + excused.join('\n'));
}
