/**
 * The part of GitHub Actions' `${{ … }}` expression language the workflows and action.yml use:
 * context paths, string and boolean literals, `==` / `!=` (case-insensitive, as GitHub compares
 * strings), `!`, `&&`, `||` (returning an operand, as GitHub does), parentheses and the status
 * functions. Anything else throws, so a workflow that outgrows the test runner says so.
 */
export type Value = string | boolean;

export interface Scope {
  /** a context path such as `steps.sync.outputs.commit`; undefined when unknown */
  lookup(path: string): Value | undefined;
  /** whether an earlier step of the job failed */
  failed: boolean;
}

const TOKEN = /\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][\w.-]*(?:\(\))?)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`the test runner cannot read the expression ${text}`);
    tokens.push(match[1]!);
  }
  return tokens;
}

function truthy(value: Value): boolean {
  return value !== '' && value !== false;
}

function equal(a: Value, b: Value): boolean {
  return String(a).toLowerCase() === String(b).toLowerCase();
}

export function evaluateExpression(text: string, scope: Scope): Value {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => tokens[at++]!;

  function primary(): Value {
    const token = next();
    if (token === '(') {
      const value = or();
      if (next() !== ')') throw new Error(`unbalanced parentheses in ${text}`);
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'cancelled()') return false;
    if (token === 'always()') return true;
    if (token === 'success()') return !scope.failed;
    if (token === 'failure()') return scope.failed;
    if (token.endsWith('()')) throw new Error(`the test runner does not know the function ${token}`);
    const value = scope.lookup(token);
    if (value === undefined) throw new Error(`the test runner does not know the expression ${token}`);
    return value;
  }
  function comparison(): Value {
    const left = primary();
    const op = peek();
    if (op !== '==' && op !== '!=') return left;
    next();
    const right = primary();
    return op === '==' ? equal(left, right) : !equal(left, right);
  }
  function unary(): Value {
    if (peek() === '!') {
      next();
      return !truthy(unary());
    }
    return comparison();
  }
  function and(): Value {
    let value = unary();
    while (peek() === '&&') {
      next();
      const right = unary();
      value = truthy(value) ? right : value;
    }
    return value;
  }
  function or(): Value {
    let value = and();
    while (peek() === '||') {
      next();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  }

  const value = or();
  if (at !== tokens.length) throw new Error(`the test runner cannot read the expression ${text}`);
  return value;
}

/** `${{ … }}` inside a string, each replaced by its value */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) =>
    String(evaluateExpression(expr, scope)),
  );
}

/**
 * a step's or job's `if:`, with or without `${{ }}`; as on GitHub, one without a status function
 * means `success() && (…)`, and a missing one `success()`
 */
export function condition(text: string | undefined, scope: Scope): boolean {
  if (text === undefined) return !scope.failed;
  const bare = /^\s*\$\{\{\s*(.+?)\s*\}\}\s*$/.exec(text)?.[1] ?? text;
  if (!/\b(cancelled|always|success|failure)\(\)/.test(bare) && scope.failed) return false;
  return truthy(evaluateExpression(bare, scope));
}
