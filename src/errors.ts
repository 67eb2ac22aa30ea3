/**
 * The one error type users see. Everything that is the user's input or environment (a missing file, a
 * database from elsewhere, a bad --at) becomes a KvmlogError with a one-line message; commands print it
 * with `this.error` and no stack. Anything else is a bug and keeps its stack.
 */
export type ErrorCode =
  | 'input'
  | 'format'
  | 'database'
  | 'usage'
  | 'not-found'
  | 'ambiguous';

export class KvmlogError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KvmlogError';
  }
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KvmlogError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: new KvmlogError(code, message) });
