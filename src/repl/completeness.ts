/**
 * Whether an entry can run as typed or needs more lines: open brackets, an unterminated template
 * literal or block comment, or a statement the parser can only finish with more input (`if (x)`,
 * a trailing `=` or `.`) mean incomplete; a syntax error elsewhere means invalid.
 */
import type * as TS from 'typescript';
import { parseConnectorMagic, parseMagic } from './magics';
import type { CompletenessStatus } from './types';

const INDENT = '  ';

/**
 * Open brackets after scanning the code; `unterminated` for a template literal or block comment
 * that more lines can close, `broken` for what no further line fixes (a one-line string left open,
 * a closing bracket that does not match).
 */
function scanBrackets(ts: typeof TS, code: string): { depth: number; unterminated: boolean; broken: boolean } {
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, code);
  const stack: TS.SyntaxKind[] = [];
  let unterminated = false;
  let broken = false;
  const closes: Partial<Record<TS.SyntaxKind, TS.SyntaxKind>> = {
    [K.CloseBraceToken]: K.OpenBraceToken,
    [K.CloseParenToken]: K.OpenParenToken,
    [K.CloseBracketToken]: K.OpenBracketToken,
  };
  // after these an operand ends, so a `/` divides; anywhere else it starts a regular expression
  const operandEnd = new Set<TS.SyntaxKind>([
    K.Identifier, K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.RegularExpressionLiteral,
    K.NoSubstitutionTemplateLiteral, K.TemplateTail, K.CloseParenToken, K.CloseBracketToken,
    K.CloseBraceToken, K.ThisKeyword, K.SuperKeyword, K.TrueKeyword, K.FalseKeyword, K.NullKeyword,
    K.PlusPlusToken, K.MinusMinusToken,
  ]);
  let prev: TS.SyntaxKind | undefined;
  for (let t = scanner.scan(); t !== K.EndOfFileToken; t = scanner.scan()) {
    if ((t === K.SlashToken || t === K.SlashEqualsToken) && (prev === undefined || !operandEnd.has(prev))) t = scanner.reScanSlashToken();
    if (scanner.isUnterminated()) {
      if (t === K.StringLiteral || t === K.RegularExpressionLiteral) broken = true;
      else unterminated = true;
    }
    switch (t) {
      case K.OpenBraceToken:
      case K.OpenParenToken:
      case K.OpenBracketToken:
      case K.TemplateHead:
        stack.push(t);
        break;
      case K.CloseBraceToken:
        if (stack[stack.length - 1] === K.TemplateHead) {
          // the `}` ends a template substitution: rescan as the template's continuation
          t = scanner.reScanTemplateToken(false);
          if (scanner.isUnterminated()) unterminated = true;
          if (t === K.TemplateTail) stack.pop();
          break;
        }
        if (stack.pop() !== closes[t]) broken = true;
        break;
      case K.CloseParenToken:
      case K.CloseBracketToken:
        if (stack.pop() !== closes[t]) broken = true;
        break;
    }
    if (t !== K.WhitespaceTrivia && t !== K.NewLineTrivia && t !== K.SingleLineCommentTrivia && t !== K.MultiLineCommentTrivia) prev = t;
  }
  return { depth: stack.length, unterminated, broken };
}

let typescript: typeof TS | undefined;

/** TypeScript loads on first use: the type checker lives in a worker, the session needs it only here. */
export function loadTypeScript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (typescript ??= require('typescript') as typeof TS);
}

function isCompleteTypeScript(code: string): CompletenessStatus {
  if (code.trim() === '') return { status: 'complete' };
  const ts = loadTypeScript();
  const { depth, unterminated, broken } = scanBrackets(ts, code);
  if (broken) return { status: 'invalid' };
  if (depth > 0 || unterminated) return { status: 'incomplete', indent: INDENT.repeat(Math.max(depth, 1)) };
  const out = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleDetection: ts.ModuleDetectionKind.Force },
  });
  const errors = out.diagnostics ?? [];
  if (errors.length === 0) return { status: 'complete' };
  const end = code.trimEnd().length;
  // errors reported at the end of the input are ones more input could fix ("Expression expected")
  if (errors.every((d) => (d.start ?? 0) >= end)) return { status: 'incomplete', indent: '' };
  return { status: 'invalid' };
}

/** %%sql paragraphs end with a `;` or an empty line; one-line magics are complete. */
export function isComplete(code: string): CompletenessStatus {
  if (parseConnectorMagic(code)) return { status: 'complete' };
  const magic = parseMagic(code);
  if (magic) {
    if (!magic.cell) return { status: 'complete' };
    const body = magic.statement.trim();
    const lines = code.split('\n');
    const endsBlank = lines.length > 2 && lines[lines.length - 1].trim() === '';
    if (body !== '' && (body.endsWith(';') || endsBlank)) return { status: 'complete' };
    return { status: 'incomplete', indent: '' };
  }
  return isCompleteTypeScript(code);
}
