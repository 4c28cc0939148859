/**
 * The names every cell sees without importing anything: the session's environments and helpers
 * (declared here once for the type checker and built once for the runtime) plus the whole public
 * TSFlink API.
 */
import type { TableEnvironment } from '../api/table-environment';
import type { StreamExecutionEnvironment } from '../api/datastream/stream-execution-environment';
import type { StreamTableEnvironment } from '../api/datastream/stream-table-environment';
import type { TableResult } from '../api/table-result';
import type { Session } from '../session/session';
import { DISPLAY_DECLARATION, type DisplayFunction } from './display-helpers';
import { CHART_DECLARATION, type chart } from './chart';

export const BINDING_NAMES = ['tEnv', 'bEnv', 'senv', 'sql', 'display', 'chart', 'session'] as const;

/** What the type checker sees for the bindings (a virtual module next to the cells). */
export const BINDINGS_DECLARATIONS = `import type { TableEnvironment, StreamTableEnvironment, StreamExecutionEnvironment, TableResult, Session } from 'tsflink';
/** The streaming TableEnvironment of this session, a StreamTableEnvironment of senv: fromDataStream, toDataStream, toChangelogStream. */
export declare const tEnv: StreamTableEnvironment;
/** The batch TableEnvironment of this session (EnvironmentSettings.inBatchMode()), sharing tEnv's catalog. */
export declare const bEnv: TableEnvironment;
/** The StreamExecutionEnvironment of this session (the DataStream API), tEnv's. */
export declare const senv: StreamExecutionEnvironment;
/** Runs one SQL statement on tEnv: sql('SELECT ...') or` + " sql`SELECT ${x}`" + `. */
export declare function sql(statement: string): Promise<TableResult>;
export declare function sql(strings: TemplateStringsArray, ...values: unknown[]): Promise<TableResult>;
` + DISPLAY_DECLARATION + CHART_DECLARATION + `/** The running TSFlink session: web UI address, jobs, cancelAllJobs(). */
export declare const session: Session;
`;

export interface Bindings {
  tEnv: StreamTableEnvironment;
  bEnv: TableEnvironment;
  senv: StreamExecutionEnvironment;
  sql: (statement: string | TemplateStringsArray, ...values: unknown[]) => Promise<TableResult>;
  display: DisplayFunction;
  chart: typeof chart;
  session: Session;
}

export function sqlFunction(env: TableEnvironment): Bindings['sql'] {
  return (statement, ...values) => {
    const text = typeof statement === 'string' ? statement : statement.reduce((acc, s, i) => acc + String(values[i - 1]) + s);
    return env.executeSql(text);
  };
}
