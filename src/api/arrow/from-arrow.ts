/**
 * `tEnv.fromArrow(arrowTable)`: the Arrow table becomes an Arrow IPC stream file laid out exactly as
 * Flink's Arrow reader expects, which flink-python's Arrow table source (the one behind PyFlink's
 * from_pandas) loads batch by batch. One bridge crossing for the data, however many rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import './jvm-options';
import { Gateway, TypesFacade, handleOf, type Handle } from '../../gateway/facade';
import { toJavaJson } from '../../gateway/java-json';
import { callSync } from '../../gateway/jvm';
import type { DataType } from '../data-types';
import type { LogicalTypeTree } from '../values';
import { buildData } from './build';
import { fieldSql, unsupportedPart } from './types';
import { readColumn } from './values';

const IMPORT = 'dev.tsflink.arrow.ArrowImport';

/** Rows per Arrow record batch when fromArrow has to re-encode columns (batches spread over source subtasks). */
const BATCH_ROWS = 10_000;

/** The schema fromArrow uses: a ROW DataType, or new column names for the inferred types. */
export type ArrowSchemaHint = DataType | readonly string[];

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function rowTypeFor(table: arrow.Table, schema: ArrowSchemaHint | undefined): { sql: string; tree: LogicalTypeTree } {
  const fields = table.schema.fields;
  let sql: string;
  if (schema === undefined || Array.isArray(schema)) {
    const names = (schema as readonly string[] | undefined) ?? fields.map((f) => f.name);
    if (names.length !== fields.length) {
      throw new TypeError(`fromArrow got ${names.length} column names for an Arrow table of ${fields.length} columns`);
    }
    sql = `ROW<${fields.map((f, i) => `${quote(names[i])} ${fieldSql(f)}`).join(', ')}>`;
  } else {
    sql = (schema as DataType).sql;
  }
  const tree = JSON.parse(TypesFacade.describeSql(sql)) as LogicalTypeTree;
  if (tree.root !== 'ROW') throw new TypeError(`fromArrow needs a ROW type, got ${sql}`);
  if (tree.fields!.length !== fields.length) {
    throw new TypeError(`fromArrow's row type has ${tree.fields!.length} fields but the Arrow table has ${fields.length} columns`);
  }
  for (const f of tree.fields!) {
    const bad = unsupportedPart(f.type, f.name);
    if (bad) throw new TypeError(`fromArrow: Flink cannot read column ${bad} from Arrow`);
  }
  return { sql, tree };
}

/** Whether Arrow data of type `a` has the exact layout and meaning Flink reads for `b`. */
function sameLayout(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of ['bitWidth', 'isSigned', 'precision', 'scale', 'unit', 'byteWidth', 'listSize']) if (x[k] !== y[k]) return false;
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  return ac.length === bc.length && ac.every((f, i) => sameLayout(f.type, bc[i].type) && (bc[i].nullable || !f.nullable));
}

function conform(table: arrow.Table, target: arrow.Schema): arrow.RecordBatch[] {
  const struct = new arrow.Struct(target.fields);
  const reusable = table.schema.fields.every(
    (f, j) => sameLayout(f.type, target.fields[j].type) && (target.fields[j].nullable || table.getChildAt(j)!.nullCount === 0),
  );
  if (reusable) {
    return table.batches.map(
      (b) => new arrow.RecordBatch(target, arrow.makeData({ type: struct, length: b.numRows, nullCount: 0, children: b.data.children })),
    );
  }
  const columns = table.schema.fields.map((_, j) => readColumn(table.getChildAt(j)!));
  const batches: arrow.RecordBatch[] = [];
  for (let from = 0; from < table.numRows; from += BATCH_ROWS) {
    const to = Math.min(from + BATCH_ROWS, table.numRows);
    const children = target.fields.map((f, j) =>
      buildData(f.type, columns[j].slice(from, to), f.nullable, { column: f.name, row: (i) => from + i }),
    );
    batches.push(new arrow.RecordBatch(target, arrow.makeData({ type: struct, length: to - from, nullCount: 0, children })));
  }
  return batches;
}

/** Registers nothing: returns the handle of a Flink Table reading the Arrow table's rows. */
export function fromArrowTable(env: Handle, table: arrow.Table, schema?: ArrowSchemaHint): Handle {
  if (!(table instanceof arrow.Table)) throw new TypeError('fromArrow needs an apache-arrow Table');
  const { sql } = rowTypeFor(table, schema);
  const target = arrow.tableFromIPC(Buffer.from(callSync<string>(IMPORT, 'arrowSchema', toJavaJson(sql)), 'base64')).schema;
  const ipc = arrow.tableToIPC(new arrow.Table(target, conform(table, target)), 'stream');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-arrow-'));
  try {
    const file = path.join(dir, 'input.arrow');
    fs.writeFileSync(file, ipc);
    const descriptor = callSync<number>(IMPORT, 'sourceDescriptor', toJavaJson(sql), toJavaJson(file));
    try {
      return handleOf(Gateway.invoke(env, 'from', [{ k: 'handle', id: descriptor }]), 'a Table');
    } finally {
      Gateway.release(descriptor);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
