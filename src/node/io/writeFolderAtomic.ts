/**
 * A folder of files written as one atomic unit: the complete new folder is written next to the
 * destination (same parent, temporary name), then swapped in by renames, so that a crash or kill at
 * any point leaves at the destination the complete old folder, the complete new one, or nothing —
 * never old files beside new ones. Node only; imports no tfjs.
 */
import { readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PrivkitError } from '../../../accountant/index.js';
import { crashPoint } from '../_internals/crashPoint.js';
import { ensureFolder } from './_internals/ensureFolder.js';

/** Options of {@link writeFolderAtomic}. */
export interface WriteFolderAtomicOptions {
  /**
   * Which names an existing folder at the destination may hold for it to be replaced. A folder that
   * holds anything else is left alone and the write refused, so that a mistyped destination (".",
   * a home folder) is never swapped away. @defaultValue the names of `files`
   */
  readonly replaceable?: (name: string) => boolean;
}

/**
 * The entries of an existing folder that {@link writeFolderAtomic} would refuse to replace.
 * @param dir - the destination.
 * @param replaceable - names it may replace.
 * @returns the other entries (empty when `dir` does not exist or holds only replaceable names).
 * @example
 * ```ts
 * foreignEntries('runs/a', (n) => ['model.json', 'weights.bin'].includes(n)); // ['notes.txt']
 * ```
 */
export function foreignEntries(dir: string, replaceable: (name: string) => boolean): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !replaceable(n)).sort();
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `files` as the folder `dir`, atomically:
 * 1. the parent folder is created if needed;
 * 2. the new folder is written complete as `<dir>.privkit-tmp-<pid>-<random>` beside `dir`;
 * 3. an existing `dir` is renamed to `<dir>.privkit-old-<pid>-<random>`, the new folder renamed to
 *    `dir`, and the old one removed.
 * A failure removes what it wrote and puts the old folder back. A kill between the two renames of
 * step 3 leaves no `dir` and both complete folders beside it under their temporary names (delete
 * them, or rename one back). Each write and rename passes a crash point (`PRIVKIT_TEST_CRASH_AT`, for
 * the kill-at-every-write tests).
 * @param dir - the destination folder.
 * @param files - file name → contents (plain names, no folders).
 * @param options - which names an existing `dir` may hold.
 * @throws PrivkitError `IO_ERROR` when an existing `dir` is a file or holds other files (named);
 *   `INVALID_ARGUMENT` for a file name with a path separator; Node's file-system error for a failed
 *   write (see `ioError`).
 * @example
 * ```ts
 * writeFolderAtomic('runs/a', { 'model.json': json, 'weights.bin': weights, 'privacy.json': record });
 * ```
 */
export function writeFolderAtomic(dir: string, files: Readonly<Record<string, string | Uint8Array>>, options: WriteFolderAtomicOptions = {}): void {
  const names = Object.keys(files);
  for (const n of names) {
    if (n === '' || n === '.' || n === '..' || /[\\/]/.test(n)) throw new PrivkitError('INVALID_ARGUMENT', `file names must be plain names; got ${JSON.stringify(n)}.`);
  }
  const target = resolve(dir);
  const replaceable = options.replaceable ?? ((n: string) => names.includes(n));
  const refuseExisting = (): void => {
    if (!exists(target)) return;
    if (!statSync(target).isDirectory()) {
      throw new PrivkitError('IO_ERROR', `${JSON.stringify(dir)} is a file, not a folder; it was left alone.`, { path: dir });
    }
    const foreign = foreignEntries(target, replaceable);
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
      throw new PrivkitError('IO_ERROR', `${JSON.stringify(dir)} holds files privkit did not write (${shown}); it was left alone: give a new folder, or one written by privkit.`, { path: dir });
    }
  };
  refuseExisting();
  const parent = dirname(target);
  ensureFolder(parent);
  const tag = `${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  const fresh = join(parent, `${basename(target)}.privkit-tmp-${tag}`);
  const old = join(parent, `${basename(target)}.privkit-old-${tag}`);
  let movedAway = false;
  let swapped = false;
  try {
    crashPoint(`mkdir ${basename(fresh)}`);
    mkdirSync(fresh);
    for (const n of names) {
      crashPoint(`write ${n}`);
      writeFileSync(join(fresh, n), files[n]);
    }
    // Checked again just before the swap: the folder may have changed during a long run.
    refuseExisting();
    if (exists(target)) {
      crashPoint(`rename ${basename(target)} → ${basename(old)}`);
      renameSync(target, old);
      movedAway = true;
    }
    crashPoint(`rename ${basename(fresh)} → ${basename(target)}`);
    renameSync(fresh, target);
    swapped = true;
  } catch (e) {
    try {
      rmSync(fresh, { recursive: true, force: true });
      if (movedAway && !swapped) renameSync(old, target);
    } catch {
      // The write's own error is the one to report.
    }
    throw e;
  }
  if (movedAway) {
    crashPoint(`remove ${basename(old)}`);
    try {
      rmSync(old, { recursive: true, force: true });
    } catch {
      // The new folder is in place; an old copy that cannot be removed is only clutter beside it.
    }
  }
  crashPoint('done');
}
