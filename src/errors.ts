/**
 * The one error type users see. Everything that is the user's input or environment (a missing file, a
 * database from elsewhere, a bad --at) becomes a KvmlogError with a one-line message; the command boundary
 * (cli/base.ts) prints it as `kvmlog: …` with exit status 2 and no stack. Anything else is a bug and keeps
 * its stack. Expected outcomes that are not failures are result unions where they arise (ImportResult,
 * Outcome, CheckpointLookup).
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
