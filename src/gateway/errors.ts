/** Errors raised by the Java side, converted into TypeScript errors that keep Flink's detail. */

export interface JavaCause {
  className: string;
  message: string;
}

export interface SqlPosition {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

const MARKER = 'TSFLINK_ERROR_JSON:';

/**
 * A failure inside Flink. `message` is the most specific message of the Java cause chain prefixed
 * by the outermost one; `causes` holds the whole chain, `sqlPosition` where the SQL parser or
 * validator pointed.
 */
export class FlinkError extends Error {
  override readonly name = 'FlinkError';
  readonly causes: JavaCause[];
  readonly sqlPosition?: SqlPosition;
  readonly javaStackTrace: string;

  constructor(causes: JavaCause[], sqlPosition: SqlPosition | undefined, javaStackTrace: string) {
    super(FlinkError.summarize(causes));
    this.causes = causes;
    this.sqlPosition = sqlPosition;
    this.javaStackTrace = javaStackTrace;
  }

  /** The Java class of the outermost exception, e.g. org.apache.flink.table.api.ValidationException. */
  get javaClass(): string {
    return this.causes[0]?.className ?? 'java.lang.Throwable';
  }

  private static summarize(causes: JavaCause[]): string {
    if (causes.length === 0) return 'unknown Java error';
    const first = causes[0];
    const head = `${shortName(first.className)}: ${first.message}`;
    const root = causes[causes.length - 1];
    const userFailure = userCodeFailure(causes);
    const summary = userFailure
      ? // the user's error and line first; Flink's wrapping in one line after it
        `${userFailure}\n(failed the Flink job: ${head.split('\n')[0]})`
      : causes.length === 1 || first.message.includes(root.message)
        ? head
        : `${head}\nCaused by ${shortName(root.className)}: ${root.message}`;
    const advice = hints.map((h) => h(causes)).filter((a): a is string => a !== undefined);
    return [summary, ...advice].join('\n');
  }
}

/** Explains a kind of failure whose Java messages alone do not tell the user what happened. */
export type ErrorHint = (causes: readonly JavaCause[]) => string | undefined;

const hints: ErrorHint[] = [];

/** Adds a line of advice to the message of every FlinkError the hint recognizes. */
export function addErrorHint(hint: ErrorHint): void {
  hints.push(hint);
}

/**
 * The failure of the user's TypeScript code in a worker (the worker's "TypeScript UDF 'f' failed:
 * …" with the user's frames), without the Beam runner's "Error received from SDK harness" prefix.
 */
function userCodeFailure(causes: readonly JavaCause[]): string | undefined {
  for (let i = causes.length - 1; i >= 0; i--) {
    const at = causes[i].message.search(/TypeScript UDF '[^']*' failed/);
    if (at >= 0) return causes[i].message.slice(at).trimEnd();
  }
  return undefined;
}

function shortName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/** Turns an error thrown by java-bridge into a FlinkError when it carries the facade's JSON. */
export function fromJavaError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const at = err.message.indexOf(MARKER);
  if (at < 0) {
    const firstLine = err.message.split('\n')[0];
    return new FlinkError([{ className: firstLine.split(':')[0], message: firstLine }], undefined, err.message);
  }
  const rest = err.message.slice(at + MARKER.length);
  const end = rest.indexOf('\n');
  try {
    const parsed = JSON.parse(end < 0 ? rest : rest.slice(0, end)) as {
      chain: JavaCause[];
      sqlPosition?: SqlPosition;
      javaStackTrace?: string;
    };
    return new FlinkError(parsed.chain, parsed.sqlPosition, parsed.javaStackTrace ?? '');
  } catch {
    return err;
  }
}
