/**
 * The Table API's enums as Java constants (JavaEnum values passed to the JVM as the enum): what
 * explain() details, which SQL dialect, what kind of result.
 */
import type { ArgNode } from '../gateway/facade';
import { JavaEnum } from './expressions';

function javaEnum<const N extends readonly string[]>(javaClass: string, names: N): { readonly [K in N[number]]: JavaEnum<K> } {
  return Object.freeze(Object.fromEntries(names.map((n) => [n, new JavaEnum(javaClass, n)]))) as { readonly [K in N[number]]: JavaEnum<K> };
}

/** Extra explain() output: `table.explain(ExplainDetail.CHANGELOG_MODE)`. */
export const ExplainDetail = javaEnum('org.apache.flink.table.api.ExplainDetail', [
  'ESTIMATED_COST', 'CHANGELOG_MODE', 'JSON_EXECUTION_PLAN', 'PLAN_ADVICE',
] as const);
export type ExplainDetail = (typeof ExplainDetail)[keyof typeof ExplainDetail];

/** `tEnv.getConfig().setSqlDialect(SqlDialect.DEFAULT)`. */
export const SqlDialect = javaEnum('org.apache.flink.table.api.SqlDialect', ['DEFAULT', 'HIVE'] as const);
export type SqlDialect = (typeof SqlDialect)[keyof typeof SqlDialect];

/** What a TableResult holds: SUCCESS (DDL) or SUCCESS_WITH_CONTENT (rows). Compare with `result.getResultKind()`. */
export const ResultKind = Object.freeze({ SUCCESS: 'SUCCESS', SUCCESS_WITH_CONTENT: 'SUCCESS_WITH_CONTENT' } as const);

/** The arguments of a Java explain(ExplainDetail...) call. */
export function explainArgs(details: readonly ExplainDetail[]): ArgNode[] {
  return details.map((d) => {
    if (!(d instanceof JavaEnum) || d.javaClass !== 'org.apache.flink.table.api.ExplainDetail') {
      throw new TypeError(`explain() takes ExplainDetail values (ExplainDetail.CHANGELOG_MODE, ...), got ${String(d)}`);
    }
    return d.node;
  });
}
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];
