/**
 * Conversions between Flink's internal representations (days, millis of day, epoch millis) and
 * TSFlink's JavaScript values (src/api/values.ts): DATE → Date at UTC midnight, TIME → 'HH:mm:ss[.fff]',
 * TIMESTAMP → Date whose UTC fields are the wall clock, TIMESTAMP_LTZ → Date.
 */

const MILLIS_PER_DAY = 86_400_000;

export function dateFromDays(days: number): Date {
  return new Date(days * MILLIS_PER_DAY);
}

export function daysFromValue(v: unknown): number {
  if (v instanceof Date) return Math.floor(v.getTime() / MILLIS_PER_DAY);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return Date.parse(`${v}T00:00:00Z`) / MILLIS_PER_DAY;
  throw new TypeError(`expected a Date or 'yyyy-mm-dd' for DATE, got ${describe(v)}`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function timeFromMillis(millisOfDay: number): string {
  const ms = millisOfDay % 1000;
  const s = Math.floor(millisOfDay / 1000);
  const base = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return ms ? `${base}.${pad(ms, 3)}` : base;
}

export function millisFromTime(v: unknown): number {
  if (typeof v === 'string') {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(v);
    if (m) {
      const frac = m[4] ? Number((m[4] + '00').slice(0, 3)) : 0;
      return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + frac;
    }
  }
  if (v instanceof Date) return v.getTime() - Math.floor(v.getTime() / MILLIS_PER_DAY) * MILLIS_PER_DAY;
  throw new TypeError(`expected 'HH:mm:ss[.fff]' for TIME, got ${describe(v)}`);
}

/** TIMESTAMP (no time zone): a Date whose UTC fields are the wall clock; strings are wall clock. */
export function millisFromTimestamp(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
    if (!Number.isNaN(t)) return t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new TypeError(`expected a Date for TIMESTAMP, got ${describe(v)}`);
}

/** TIMESTAMP_LTZ: an instant. */
export function millisFromInstant(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new TypeError(`expected a Date for TIMESTAMP_LTZ, got ${describe(v)}`);
}

export function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return String(v);
  if (typeof v === 'number') return `number ${v}`; // JSON would print NaN and Infinity as null
  try {
    return `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
  } catch {
    return typeof v;
  }
}
