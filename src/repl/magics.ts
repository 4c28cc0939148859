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
