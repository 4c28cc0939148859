/**
 * Golden tests of the vectorized worker's Arrow batches (src/worker/coders/arrow-batch.ts and the
 * conversions of src/worker/vectorized/columns.ts) against flink-python's own Java Arrow writer and
 * reader (dev.tsflink.udf.ArrowGolden: ArrowSerializer, as the Arrow operators use it), for every
 * SQL type the Arrow path carries, with NULLs, in both directions. Needs only the JVM, not a cluster.
 *
 * Values are compared decoded (byte layouts legitimately differ in padding and buffer order);
 * schemas are compared exactly, field by field.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { toJavaJson } from '../src/gateway/java-json';
import { callSync, ensureJvm } from '../src/gateway/jvm';
import { ARROW_JVM_OPTIONS } from '../src/api/arrow/jvm-options';
import { TypesFacade } from '../src/gateway/facade';
import type { LogicalTypeTree } from '../src/api/values';
import { readColumn } from '../src/api/arrow/values';
import { arrowSchemaOf, arrowTypeOf, readBatch, writeBatch } from '../src/worker/coders/arrow-batch';
import { columnOf } from '../src/worker/vectorized/columns';
import { COLUMNS, type Column, expectedValue, plainJs, ROWS, rowTypeSql, type Wire, wireRows } from './arrow-golden-fixtures';

const GOLDEN = 'dev.tsflink.udf.ArrowGolden';

// Flink's Arrow memory needs java.nio opened, as in a session that uses Arrow
ensureJvm({ jvmOptions: [...ARROW_JVM_OPTIONS] });

interface JavaRead {
  rows: Wire[][];
  /** The Arrow schema in the stream Java read, in Arrow's JSON form. */
  schema: string;
}

function describeType(sql: string): LogicalTypeTree {
  return JSON.parse(TypesFacade.describeSql(sql)) as LogicalTypeTree;
}

/** The Arrow IPC stream flink-python's operator sends the worker for these rows. */
function flinkWrites(typeSql: string, rows: Wire[][]): Uint8Array {
  return new Uint8Array(Buffer.from(callSync<string>(GOLDEN, 'write', typeSql, toJavaJson(rows)), 'base64'));
}

/** What flink-python's operator reads from a stream the worker answers with. */
function flinkReads(typeSql: string, bytes: Uint8Array): JavaRead {
  return JSON.parse(callSync<string>(GOLDEN, 'read', typeSql, Buffer.from(bytes).toString('base64'))) as JavaRead;
}

/** Everything an Arrow field's layout consists of, for exact comparison. */
interface FieldShape {
  name: string;
  nullable: boolean;
  type: string;
  attributes: Record<string, unknown>;
  metadata: [string, string][];
  children: FieldShape[];
}

const TYPE_ATTRIBUTES = ['bitWidth', 'isSigned', 'precision', 'scale', 'unit', 'byteWidth', 'timezone', 'keysSorted', 'listSize', 'mode', 'indices'];

function shapeOf(field: arrow.Field): FieldShape {
  const type = field.type as arrow.DataType & Record<string, unknown>;
  const attributes: Record<string, unknown> = {};
  // an absent time zone reads back as null from IPC and is undefined when constructed: both mean none
  for (const k of TYPE_ATTRIBUTES) if (type[k] !== undefined && type[k] !== null) attributes[k] = type[k];
  return {
    name: field.name,
    nullable: field.nullable,
    type: arrow.Type[type.typeId],
    attributes,
    metadata: [...field.metadata],
    children: (type.children ?? []).map(shapeOf),
  };
}

/** What a vectorized UDF's result becomes on the way out (columnOf), then the worker's stream. */
function workerAnswers(schema: arrow.Schema, results: readonly unknown[], n: number): Uint8Array {
  const columns = schema.fields.map((field, j) => columnOf(results[j], field, n, `golden column '${field.name}' returned`));
  return writeBatch(schema, columns, n);
}

interface JsonField {
  name: string;
  type: { name: string };
  children?: JsonField[];
}

/**
 * The one name our streams legitimately write differently: apache-arrow names a map's entries
 * field `entries` whatever it is given (ARROW-8716), where flink-python's schema says `items`.
 * pyarrow, and so PyFlink's own worker, writes `entries` too; Flink's reader finds the entries by
 * position and their `key` / `value` fields by name, which both sides write alike.
 */
function withMapEntriesNamedEntries(field: JsonField): JsonField {
  const children = field.children?.map(withMapEntriesNamedEntries);
  if (field.type.name === 'map' && children?.[0]?.name === 'items') children[0] = { ...children[0], name: 'entries' };
  return { ...field, ...(children ? { children } : {}) };
}

/** ArrowUtils.toArrowSchema of a ROW type, in Arrow's JSON form. */
function flinkSchema(typeSql: string): { fields: JsonField[] } {
  return JSON.parse(callSync<string>(GOLDEN, 'schema', typeSql)) as { fields: JsonField[] };
}

/** The schema the worker must write for a ROW type: Flink's, with apache-arrow's map entries name. */
function workerSchema(typeSql: string): { fields: JsonField[] } {
  const schema = flinkSchema(typeSql);
  return { ...schema, fields: schema.fields.map(withMapEntriesNamedEntries) };
}

/**
 * Asserts Java read back exactly `columns`' wire values, column by column, and that the schema in
 * the stream, as Arrow Java reads it, is `schema` exactly (names, types, nullability, children).
 */
function expectJavaReadBack(read: JavaRead, schema: unknown, columns: readonly Column[], feed: string): void {
  expect(JSON.parse(read.schema), `${feed}: the schema Flink reads from the stream`).toEqual(schema);
  expect(read.rows).toHaveLength(columns[0][2].length);
  columns.forEach(([name, , values], j) => {
    expect(
      read.rows.map((r) => r[j]),
      `${feed}: column ${name}`,
    ).toEqual(values);
  });
}

describe('Arrow batches match flink-python\'s Java Arrow writer and reader', () => {
  const typeSql = rowTypeSql(COLUMNS);
  const tree = describeType(typeSql);
  const flinkBytes = flinkWrites(typeSql, wireRows(COLUMNS));

  // apache-arrow renames every map's entries field to `entries` when it reads a stream, so this
  // side cannot see Flink's `items`; the Java side (expectJavaReadBack) compares that name too
  it('our schema for every type is the one Flink writes, field by field', () => {
    const written = readBatch(flinkBytes).schema;
    const ours = arrowSchemaOf(tree);
    expect(ours.fields.map((f) => f.name)).toEqual(COLUMNS.map(([name]) => name));
    ours.fields.forEach((field, j) => {
      expect(shapeOf(field), `column ${field.name} (${COLUMNS[j][1]})`).toEqual(shapeOf(written.fields[j]));
    });
    expect([...ours.metadata]).toEqual([...written.metadata]);
  });

  it('the golden itself is lossless: Flink reads its own batch back to the same rows', () => {
    expectJavaReadBack(flinkReads(typeSql, flinkBytes), flinkSchema(typeSql), COLUMNS, 'Flink\'s own batch');
  });

  it('Java → TS: the worker reads exactly the values Flink wrote, NULLs included', () => {
    const batch = readBatch(flinkBytes);
    expect(batch.numRows).toBe(ROWS);
    tree.fields!.forEach((f, j) => {
      const [name, , values] = COLUMNS[j];
      expect(readColumn(batch.getChildAt(j)!), `column ${name}`).toEqual(values.map((v) => expectedValue(v, f.type)));
    });
  });

  it('TS → Java: Flink reads back vectors returned as they came (the zero-copy path)', () => {
    const batch = readBatch(flinkBytes);
    const vectors = COLUMNS.map((_, j) => batch.getChildAt(j)!);
    expectJavaReadBack(flinkReads(typeSql, workerAnswers(arrowSchemaOf(tree), vectors, ROWS)), workerSchema(typeSql), COLUMNS, 'vectors');
  });

  it('TS → Java: Flink reads back columns the worker converts from exact values (every unit, decimal and nesting)', () => {
    const values = tree.fields!.map((f, j) => COLUMNS[j][2].map((v) => expectedValue(v, f.type)));
    expectJavaReadBack(flinkReads(typeSql, workerAnswers(arrowSchemaOf(tree), values, ROWS)), workerSchema(typeSql), COLUMNS, 'exact values');
  });

  it('TS → Java: Flink reads back plain JS results (Date, bigint, decimal strings, Map, objects)', () => {
    const values = tree.fields!.map((f, j) => COLUMNS[j][2].map((v) => plainJs(expectedValue(v, f.type))));
    expectJavaReadBack(flinkReads(typeSql, workerAnswers(arrowSchemaOf(tree), values, ROWS)), workerSchema(typeSql), COLUMNS, 'plain JS');
  });
});

describe('a batch of 1000 rows with NULLs spread over it (bitmaps and offsets past the first bytes)', () => {
  const N = 1000;
  const at = <T>(i: number, every: number, v: T): T | null => (i % every === 0 ? null : v);
  const columns: Column[] = [
    ['i', 'INT', Array.from({ length: N }, (_, i) => at(i, 3, i * 7 - 3000))],
    ['s', 'STRING', Array.from({ length: N }, (_, i) => at(i, 5, 'ü'.repeat(i % 11)))],
    ['b', 'BOOLEAN', Array.from({ length: N }, (_, i) => at(i, 7, i % 2 === 0))],
    ['dec', 'DECIMAL(20, 4)', Array.from({ length: N }, (_, i) => at(i, 4, `${i - 500}.${String(i % 10000).padStart(4, '0')}`))],
    ['ts9', 'TIMESTAMP(9)', Array.from({ length: N }, (_, i) => at(i, 6, `2024-01-02T03:04:05.${String(i).padStart(9, '0')}`))],
    ['arr', 'ARRAY<BIGINT>', Array.from({ length: N }, (_, i) => at(i, 9, Array.from({ length: i % 4 }, (_, k) => (k === 1 ? null : String(i * k)))))],
    ['r', 'ROW<x SMALLINT, y BYTES>', Array.from({ length: N }, (_, i) => at(i, 8, [at(i, 5, i), Buffer.from([i & 255]).toString('base64')]))],
  ];
  const typeSql = rowTypeSql(columns);
  const tree = describeType(typeSql);

  it('both ways', () => {
    const bytes = flinkWrites(typeSql, wireRows(columns));
    const batch = readBatch(bytes);
    expect(batch.numRows).toBe(N);
    const values = tree.fields!.map((f, j) => columns[j][2].map((v) => expectedValue(v, f.type)));
    tree.fields!.forEach((f, j) => expect(readColumn(batch.getChildAt(j)!), `column ${f.name}`).toEqual(values[j]));
    const vectors = columns.map((_, j) => batch.getChildAt(j)!);
    expectJavaReadBack(flinkReads(typeSql, workerAnswers(arrowSchemaOf(tree), vectors, N)), workerSchema(typeSql), columns, 'vectors');
    expectJavaReadBack(flinkReads(typeSql, workerAnswers(arrowSchemaOf(tree), values, N)), workerSchema(typeSql), columns, 'exact values');
  });
});

describe('pre-1970 timestamps with sub-millisecond digits', () => {
  // Flink's reader (ArrowTimestampColumnVector) splits µs/ns with truncating division, so the
  // remainder of a negative value is negative and TimestampData refuses it: a Flink limitation,
  // PyFlink's pandas UDFs have it too. The worker must still write exactly the raw values Flink does.
  const columns: Column[] = [
    ['ts6', 'TIMESTAMP(6)', ['1969-12-31T23:59:59.999999']],
    ['ts9', 'TIMESTAMP(9)', ['1969-07-20T20:17:40.123456789']],
    ['ltz6', 'TIMESTAMP_LTZ(6)', ['1969-12-31T23:59:59.999999Z']],
  ];

  it.each(columns)('%s %s: the worker reads and writes them exactly; Flink cannot read them back, even from its own writer', (name, sql, values) => {
    const typeSql = rowTypeSql([[name, sql, values]]);
    const tree = describeType(typeSql);
    const flinkBytes = flinkWrites(typeSql, [[values[0]]]);
    const vector = readBatch(flinkBytes).getChildAt(0)!;
    expect(readColumn(vector)).toEqual([expectedValue(values[0], tree.fields![0].type)]);
    const ours = workerAnswers(arrowSchemaOf(tree), [[expectedValue(values[0], tree.fields![0].type)]], 1);
    expect(Array.from(readBatch(ours).getChildAt(0)!.data[0].values as BigInt64Array)).toEqual(Array.from(vector.data[0].values as BigInt64Array));
    for (const bytes of [ours, flinkBytes]) {
      let failure: unknown;
      try {
        flinkReads(typeSql, bytes);
      } catch (e) {
        failure = e;
      }
      expect(String(failure)).toMatch(/IllegalArgumentException/);
      expect((failure as { javaStackTrace?: string }).javaStackTrace).toMatch(/TimestampData\.fromEpochMillis[\s\S]*ArrowTimestampColumnVector\.getTimestamp/);
    }
  });
});

describe('types flink-python\'s Arrow path refuses, refused by the worker too', () => {
  it.each([
    ['INTERVAL DAY TO SECOND(3)', 'INTERVAL DAY(2) TO SECOND(3)'],
    ['INTERVAL YEAR TO MONTH', 'INTERVAL YEAR(2) TO MONTH'],
    ['MULTISET<INT>', 'MULTISET<INT>'],
  ])('%s', (sql, flinkName) => {
    expect(() => callSync(GOLDEN, 'schema', `ROW<x ${sql}>`)).toThrow(`Python vectorized UDF doesn't support logical type ${flinkName} currently`);
    expect(() => arrowTypeOf(describeType(sql))).toThrow(`flink-python's Arrow format has no type for ${flinkName}`);
  });

  it('a MAP with a nullable key type (Arrow Java cannot even read such a map: "Map data key type should be a non-nullable")', () => {
    expect(() => callSync(GOLDEN, 'schema', 'ROW<m MAP<STRING, INT>>')).toThrow(/Map key type should be non-nullable/);
    expect(() => arrowTypeOf(describeType('MAP<STRING, INT>'))).toThrow('MAP<VARCHAR(2147483647), INT>: Map key type should be non-nullable (declare MAP<VARCHAR(2147483647) NOT NULL, INT>)');
    expect(() => arrowTypeOf(describeType('ARRAY<MAP<INT, INT>>'))).toThrow('MAP<INT, INT>: Map key type should be non-nullable');
  });
});
