/**
 * The paths a command writes (`--out`, `--cache`): checked before the long work starts, and the
 * file-system errors of the final writes mapped to the flag that named the path.
 */
import { resolve, sep } from 'node:path';
import { PrivkitError } from '../../accountant/index.js';
import { ioError, isErrnoException, probeWritable, type IoTarget } from '../../src/node/index.js';

/** Whether `path` is `target`, inside it, a temporary sibling of it (`<target>.…`), or a folder on the way to it. */
function concerns(path: string, target: string): boolean {
  return path === target || path.startsWith(target + sep) || path.startsWith(`${target}.`) || target.startsWith(path + sep);
}

/**
 * The first of `targets` that a file-system error is about (by its path), as its `IO_ERROR`.
 * @param error - anything thrown.
 * @param targets - the command's output paths with their flags.
 * @returns the mapped error; `error` itself when it is not a file-system error or concerns none of
 *   the targets (cli/run.ts then still reports it as an `IO_ERROR` naming its own path).
 * @example
 * ```ts
 * throw outputError(e, [{ flag: '--out', path: out }, { flag: '--cache', path: cache }]);
 * ```
 */
export function outputError(error: unknown, targets: readonly IoTarget[]): unknown {
  // privkit/node's writers raise IO_ERROR without a flag; the file-system error is kept as its cause.
  if (error instanceof PrivkitError && error.code === 'IO_ERROR' && error.details?.flag === undefined && isErrnoException(error.details?.cause)) {
    return outputError(error.details.cause, targets);
  }
  if (!isErrnoException(error)) return error;
  const at = typeof error.path === 'string' ? resolve(error.path) : undefined;
  const target = at === undefined ? targets[0] : targets.find((t) => concerns(at, resolve(t.path)));
  if (target === undefined) return error;
  // A temporary sibling (`<out>.privkit-tmp-…`) is an implementation detail: name the target itself.
  if (at !== undefined && at.startsWith(`${resolve(target.path)}.`)) error.path = target.path;
  return ioError(error, target);
}

/**
 * Checks each target with a probe write (nothing stays behind), before any long work.
 * @param targets - the command's output paths.
 * @throws PrivkitError `IO_ERROR` naming the flag and the path.
 * @example
 * ```ts
 * probeOutputs([{ flag: '--out', path: settings.out }]);
 * ```
 */
export function probeOutputs(targets: readonly IoTarget[]): void {
  for (const t of targets) probeWritable(t);
}

/**
 * Runs `work`, mapping its file-system errors to the target they concern ({@link outputError}).
 * @param targets - the command's output paths.
 * @param work - the writing (or the whole run).
 * @returns what `work` returns.
 * @example
 * ```ts
 * await withOutputs([{ flag: '--out', path: out }], () => writeFilesAtomic(out, files));
 * ```
 */
export async function withOutputs<T>(targets: readonly IoTarget[], work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw outputError(e, targets);
  }
}
