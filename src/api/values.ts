/**
 * Converts values between their JSON wire form (see RowJson.java / Values.java) and TypeScript,
 * driven by Flink's logical type tree.
 */

export interface LogicalTypeTree {
  root: string;
  nullable: boolean;
  sql: string;
  precision?: number;
  scale?: number;
  length?: number;
  kind?: string;
  element?: LogicalTypeTree;
  key?: LogicalTypeTree;
  value?: LogicalTypeTree;
  fields?: { name: string; type: LogicalTypeTree }[];
  /** A DataStream ROW (a record, maybe a table's row): decoded objects carry getKind(), encoded ones keep it. */
  rowKind?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function base64ToBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** JSON from the JVM → the TypeScript value for `t`. */
export function decodeValue(v: Json, t: LogicalTypeTree): unknown {
  if (v === null) return null;
  switch (t.root) {
    case 'BIGINT':
      return BigInt(v as string);
    case 'FLOAT':
    case 'DOUBLE':
      return typeof v === 'string' ? Number(v) : v;
    case 'DATE':
      return new Date(`${v as string}T00:00:00Z`);
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
      return new Date(`${v as string}Z`);
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
    case 'TIMESTAMP_WITH_TIME_ZONE':
      return new Date(v as string);
    case 'BINARY':
    case 'VARBINARY':
      return base64ToBytes(v as string);
    case 'ARRAY':
      return (v as Json[]).map((e) => decodeValue(e, t.element!));
    case 'MAP':
      return new Map((v as Json[][]).map(([k, x]) => [decodeValue(k, t.key!), decodeValue(x, t.value!)]));
    case 'MULTISET':
      return new Map((v as Json[][]).map(([k, n]) => [decodeValue(k, t.element!), n as number]));
    case 'ROW': {
      const out: Record<string, unknown> = {};
      t.fields!.forEach((f, i) => (out[f.name] = decodeValue((v as Json[])[i], f.type)));
      return out;
    }
    default:
      return v;
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoLocal(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '')
  );
}

function typeError(value: unknown, t: LogicalTypeTree): Error {
  const shown = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  return new TypeError(`cannot use ${typeof value} ${shown} as a value of type ${t.sql}`);
}

/** A TypeScript value → its JSON wire form for `t`; throws a TypeError for a wrong value. */
export function encodeValue(v: unknown, t: LogicalTypeTree): Json {
  if (v === null || v === undefined) {
    if (!t.nullable) throw new TypeError(`null is not allowed for ${t.sql}`);
    return null;
  }
  switch (t.root) {
    case 'CHAR':
    case 'VARCHAR':
      if (typeof v !== 'string') throw typeError(v, t);
      return v;
    case 'BOOLEAN':
      if (typeof v !== 'boolean') throw typeError(v, t);
      return v;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(v, t);
      return v;
    case 'BIGINT':
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      throw typeError(v, t);
    case 'FLOAT':
    case 'DOUBLE':
      if (typeof v !== 'number') throw typeError(v, t);
      return Number.isFinite(v) ? v : String(v);
    case 'DECIMAL':
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      if (typeof v === 'string' && /^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(v)) return v;
      throw typeError(v, t);
    case 'DATE':
      if (v instanceof Date) return isoLocal(v).slice(0, 10);
      if (typeof v === 'string') return v;
      throw typeError(v, t);
    case 'TIME_WITHOUT_TIME_ZONE':
      if (typeof v === 'string') return v;
      throw typeError(v, t);
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
      if (v instanceof Date) return isoLocal(v);
      if (typeof v === 'string') return v;
      throw typeError(v, t);
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'string') return v;
      throw typeError(v, t);
    case 'BINARY':
    case 'VARBINARY':
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      throw typeError(v, t);
    case 'ARRAY':
      if (!Array.isArray(v)) throw typeError(v, t);
      return v.map((e) => encodeValue(e, t.element!));
    case 'MAP':
    case 'MULTISET': {
      const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' ? Object.entries(v as object) : null;
      if (!entries) throw typeError(v, t);
      const keyType = t.root === 'MAP' ? t.key! : t.element!;
      const valueType: LogicalTypeTree = t.root === 'MAP' ? t.value! : { root: 'INTEGER', nullable: false, sql: 'INT' };
      return entries.map(([k, x]) => [encodeValue(k, keyType), encodeValue(x, valueType)]);
    }
    case 'ROW': {
      const fields = t.fields!;
      if (Array.isArray(v)) {
        if (v.length !== fields.length) {
          throw new TypeError(`a row of ${t.sql} needs ${fields.length} values, got ${v.length}`);
        }
        return fields.map((f, i) => encodeValue(v[i], f.type));
      }
      if (typeof v !== 'object') throw typeError(v, t);
      const obj = v as Record<string, unknown>;
      const unknownKeys = Object.keys(obj).filter((k) => !fields.some((f) => f.name === k));
      if (unknownKeys.length) {
        throw new TypeError(`unknown field(s) ${unknownKeys.join(', ')} for ${t.sql}`);
      }
      return fields.map((f) => {
        try {
          return encodeValue(obj[f.name], f.type);
        } catch (e) {
          throw new TypeError(`field '${f.name}': ${(e as Error).message}`);
        }
      });
    }
    default:
      throw new TypeError(`values of type ${t.sql} cannot be passed from TypeScript`);
  }
}

/** Infers a SQL type for a JS value (fromValues / fromElements without an explicit type). */
export function inferSqlType(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'bigint') return 'BIGINT';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? 'INT' : Number.isInteger(v) ? 'BIGINT' : 'DOUBLE';
  if (typeof v === 'string') return 'STRING';
  if (v instanceof Date) return 'TIMESTAMP_LTZ(3)';
  if (v instanceof Uint8Array) return 'BYTES';
  if (Array.isArray(v)) {
    const el = v.map(inferSqlType).find((x) => x !== undefined);
    return el ? `ARRAY<${el}>` : undefined;
  }
  if (v instanceof Map) {
    const [k, x] = [...v.entries()][0] ?? [];
    const kt = inferSqlType(k);
    const vt = inferSqlType(x);
    return kt && vt ? `MAP<${kt}, ${vt}>` : undefined;
  }
  if (typeof v === 'object') {
    const parts = Object.entries(v as object).map(([k, x]) => `\`${k}\` ${inferSqlType(x) ?? 'STRING'}`);
    return `ROW<${parts.join(', ')}>`;
  }
  return undefined;
}
