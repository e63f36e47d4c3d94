/**
 * One error type for the whole project. Every error has a stable `code` (PascalCase, in the
 * spirit of Flux's condition reasons) that tests, the catalog and `--json` rely on, and a
 * message that says what happened and what to do. Messages never carry secrets or query strings.
 * The codes, what they mean and what is decided on them are in `error-catalogue.ts`: a code
 * without an entry there does not type-check.
 */
import type { ErrorCode } from './error-catalogue.ts';

export class ChartroomError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChartroomError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** A problem in a registry or credential file: the run stops before writing anything (exit 2). */
export class ConfigError extends ChartroomError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    file: string,
    position: { line: number; column: number } | undefined,
    message: string,
    hint?: string,
    /** the error this one reports, when it re-words another (a bad URL, an undecryptable file) */
    cause?: unknown,
  ) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    super('ConfigInvalid', `${where}: ${message}`, { hint, cause });
    this.name = 'ConfigError';
    this.file = file;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Wrong command-line usage (exit 2). */
export class UsageError extends ChartroomError {
  constructor(message: string) {
    super('Usage', message);
    this.name = 'UsageError';
  }
}

export function isChartroomError(value: unknown): value is ChartroomError {
  return value instanceof ChartroomError;
}

/** The hint of anything thrown, so that an error re-worded for its context keeps it. */
export function hintOf(error: unknown): string | undefined {
  return isChartroomError(error) ? error.hint : undefined;
}

/** The message of anything thrown, for places that record errors (catalog, report). */
export function describeError(error: unknown): { code: ErrorCode; message: string } {
  if (isChartroomError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'Internal', message: error.message };
  return { code: 'Internal', message: String(error) };
}

/** Every problem found in the registry files, reported together (exit 2, nothing written). */
export class ConfigErrors extends ChartroomError {
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[]) {
    super('ConfigInvalid', errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
    this.errors = errors;
  }
}
