/**
 * SQL paragraphs inside a TypeScript session: `%sql stmt` / `%bsql stmt` (one statement on the
 * rest of the entry) and `%%sql …` / `%%bsql …` cells with Zeppelin-style options. The header syntax
 * is parsed once, in sql-paragraph-parse.ts; this adds which form (line or cell) the entry used.
 * `%sql` runs on the streaming tEnv, `%bsql` on the batch bEnv.
 */
import { parseSqlCell, type SqlCell } from './sql-paragraph-parse';

export interface SqlMagic extends SqlCell {
  /** Whether this is the %%-cell form. */
  cell: boolean;
}

/** The SQL paragraph an entry starts with, or undefined for TypeScript. */
export function parseMagic(code: string): SqlMagic | undefined {
  const parsed = parseSqlCell(code);
  if (!parsed) return undefined;
  return { ...parsed, cell: /^\s*%%/.test(code) };
}

/**
 * `%connector kafka jdbc` adds connectors to the session (names, Maven coordinates or jar paths,
 * separated by spaces or commas); `%connector` alone lists the known ones. Undefined when the entry
 * is not this magic.
 */
export function parseConnectorMagic(code: string): string[] | undefined {
  const m = /^\s*%connectors?(?=\s|$)([\s\S]*)$/.exec(code);
  if (!m) return undefined;
  return m[1].split(/[\s,]+/).filter(Boolean);
}
