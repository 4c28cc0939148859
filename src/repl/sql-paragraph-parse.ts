/**
 * Parsing of SQL cells (`%%sql`, `%%bsql`, and the one-line `%sql` / `%bsql`) and of their
 * Zeppelin-style paragraph options, plus splitting a paragraph into statements.
 *
 * Header syntax (the documented one is Zeppelin's):
 *   %%sql(type=update, refreshInterval=500)      options in parentheses, `key=value, ...`
 *   %%sql --type update --refreshInterval=500    the same as flags (cell form only)
 *   %%sql type=update refreshInterval=500        or as bare key=value words (cell form only)
 *   %sql(type=append, maxRows=5) SELECT ...      one-line form: the statement follows the header
 * Values may be quoted with '…' or "…" (needed when they hold `,` or `)`, e.g. a template).
 */

export interface SqlCell {
  /** `%%sql` / `%sql` run on the streaming environment, `%%bsql` / `%bsql` on the batch one. */
  mode: 'streaming' | 'batch';
  options: Record<string, string>;
  /** The SQL text after the header (may hold several `;`-separated statements). */
  statement: string;
}

const HEADER = /^\s*(%%?)(b?sql)\b/;

/** Parses a SQL cell; undefined when the code is not one (it is TypeScript). */
export function parseSqlCell(code: string): SqlCell | undefined {
  const m = HEADER.exec(code);
  if (!m) return undefined;
  const cellForm = m[1] === '%%';
  const mode = m[2] === 'bsql' ? 'batch' : 'streaming';
  let rest = code.slice(m[0].length);
  let options: Record<string, string> = {};
  if (rest.startsWith('(')) {
    const parsed = parseParenOptions(rest);
    options = parsed.options;
    rest = rest.slice(parsed.length);
  }
  if (cellForm) {
    const nl = rest.indexOf('\n');
    const headerRest = nl < 0 ? rest : rest.slice(0, nl);
    options = { ...options, ...parseFlagOptions(headerRest) };
    rest = nl < 0 ? '' : rest.slice(nl + 1);
  }
  return { mode, options, statement: rest.trim() };
}

function unterminated(what: string): Error {
  return new SyntaxError(`SQL cell header: unterminated ${what}`);
}

/** Parses `(k=v, k2='v 2')` at the start of text; returns the options and the consumed length. */
function parseParenOptions(text: string): { options: Record<string, string>; length: number } {
  const options: Record<string, string> = {};
  let i = 1;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) throw unterminated("'(' options list");
    if (text[i] === ')') return { options, length: i + 1 };
    const keyStart = i;
    while (i < text.length && /[\w.-]/.test(text[i])) i++;
    const key = text.slice(keyStart, i);
    skipSpace();
    if (!key || text[i] !== '=') throw new SyntaxError(`SQL cell header: expected key=value at '${text.slice(keyStart, keyStart + 20)}'`);
    i++;
    skipSpace();
    let value: string;
    if (text[i] === "'" || text[i] === '"') {
      const quote = text[i];
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw unterminated(`${quote}-quoted value of '${key}'`);
      value = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && text[i] !== ',' && text[i] !== ')') i++;
      value = text.slice(start, i).trim();
    }
    options[key] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== ')') throw unterminated("'(' options list");
  }
}

/** Parses `--key value --key2=value2` or `key=value` words (the rest of a `%%sql` header line). */
function parseFlagOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  const tokens = text.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? [];
  const unquote = (t: string) => (/^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const bare = /^([A-Za-z_][\w.]*)=(.*)$/s.exec(t);
    if (bare) {
      options[bare[1]] = unquote(bare[2]);
      continue;
    }
    if (!t.startsWith('--') || t.length === 2) throw new SyntaxError(`SQL cell header: expected --option or key=value, got '${t}'`);
    const eq = t.indexOf('=');
    if (eq > 0) {
      options[t.slice(2, eq)] = unquote(t.slice(eq + 1));
    } else {
      const next = tokens[i + 1];
      if (next === undefined || next.startsWith('--')) throw new SyntaxError(`SQL cell header: option '${t}' needs a value`);
      options[t.slice(2)] = unquote(next);
      i++;
    }
  }
  return options;
}

/** Splits at `;` outside quotes and comments, keeping every segment (even empty ones). */
function segments(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      if (c === ';') {
        out.push(sql.slice(start, i));
        start = i + 1;
      }
      i++;
    }
  }
  out.push(sql.slice(start));
  return out;
}

const REWRITTEN_BEGIN = 'EXECUTE STATEMENT SET BEGIN';
const SET_BEGIN = /^(EXECUTE\s+)?STATEMENT\s+SET\s+BEGIN\b|^BEGIN\s+STATEMENT\s+SET\b/i;

/**
 * Splits SQL into statements at `;` outside quotes and comments. `EXECUTE STATEMENT SET BEGIN …
 * END` stays one statement. Empty (or comment-only) statements are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let set: string[] | undefined;
  for (const raw of segments(sql)) {
    const s = raw.trim();
    const code = stripLeadingComments(s);
    if (set) {
      if (/^END$/i.test(code)) {
        const [head, ...rest] = set;
        out.push(head === REWRITTEN_BEGIN ? `${head}\n${rest.join(';\n')};\nEND` : `${set.join(';\n')};\nEND`);
        set = undefined;
      } else if (code !== '') {
        set.push(s);
      }
    } else if (SET_BEGIN.test(code)) {
      // the SQL client's `BEGIN STATEMENT SET; … END;` is Flink's EXECUTE STATEMENT SET BEGIN … END
      set = [/^BEGIN\s+STATEMENT\s+SET\s*$/i.test(code) ? REWRITTEN_BEGIN : s];
    } else if (code !== '') {
      out.push(s);
    }
  }
  if (set) throw new SyntaxError('EXECUTE STATEMENT SET BEGIN … needs a closing END;');
  return out;
}

/** The statement without leading whitespace and `--` / `/* *\/` comments. */
export function stripLeadingComments(s: string): string {
  let t = s.trimStart();
  for (;;) {
    if (t.startsWith('--')) {
      const nl = t.indexOf('\n');
      t = nl < 0 ? '' : t.slice(nl + 1).trimStart();
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/');
      t = end < 0 ? '' : t.slice(end + 2).trimStart();
    } else {
      return t;
    }
  }
}
