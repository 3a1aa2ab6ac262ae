/**
 * File-system failures (Node's `ErrnoException`: ENOTDIR, EISDIR, EEXIST, EACCES, EROFS, ENOSPC, …)
 * as one-line PrivkitErrors `IO_ERROR` that name the flag and the path and say what is wrong there,
 * and the probe write that finds them before a long run starts. Node only; imports no tfjs.
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PrivkitError } from '../../../accountant/index.js';

/** A path the user gave, for messages. */
export interface IoTarget {
  /** The flag that named it, e.g. "--out" (the message then starts with it). @defaultValue none */
  readonly flag?: string;
  /** The path as given. */
  readonly path: string;
  /** What must be at the path. @defaultValue 'folder' */
  readonly kind?: 'folder' | 'file';
}

/** Reasons worded for people, by errno code; ENOTDIR, EISDIR, EEXIST and ENOENT are worded from the path. */
const REASONS: Readonly<Record<string, string>> = Object.freeze({
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'a file is too large for the file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'a name in the path is too long',
  ELOOP: 'too many symbolic links in the path',
  EIO: 'an input/output error of the device',
  EBUSY: 'the file or folder is busy',
  ETXTBSY: 'the file is busy',
  EXDEV: 'the temporary copy and the destination are on different file systems',
  EINVAL: 'the file system refused the name',
});

const WRITE_CALLS = new Set(['mkdir', 'rename', 'write', 'open', 'unlink', 'rmdir', 'rm', 'copyfile', 'symlink', 'link', 'ftruncate', 'fsync', 'close', 'mkdtemp']);

/**
 * Whether `error` is a file-system error thrown by Node (an Error with an errno `code` and a
 * `syscall` or `path`).
 * @param error - anything thrown.
 * @returns true for e.g. `ENOENT: no such file or directory, open '…'`.
 * @example
 * ```ts
 * try { writeFileSync(p, data); } catch (e) { if (isErrnoException(e)) console.log(e.code); }
 * ```
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error)) return false;
  const e = error as NodeJS.ErrnoException;
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && (typeof e.syscall === 'string' || typeof e.path === 'string');
}

function exists(path: string): 'folder' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

/** The nearest part of `path` (itself or an ancestor) that exists and is not a folder. */
function fileOnTheWay(path: string): string | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    const kind = exists(p);
    if (kind === 'file') return p;
    if (kind === 'folder' || dirname(p) === p) return undefined;
  }
}

function reason(error: NodeJS.ErrnoException, target: IoTarget): string {
  const at = error.path ?? target.path;
  const here = resolve(at) === resolve(target.path) ? '' : ` at ${JSON.stringify(at)}`;
  switch (error.code) {
    case 'ENOTDIR': {
      const file = fileOnTheWay(at);
      return file === undefined ? `a part of the path is not a folder${here}` : `${JSON.stringify(file)} is a file, not a folder`;
    }
    case 'EISDIR':
      return `${JSON.stringify(at)} is a folder, not a file`;
    case 'EEXIST':
      return exists(at) === 'file' ? `${JSON.stringify(at)} already exists and is a file, not a folder` : `${JSON.stringify(at)} already exists`;
    case 'ENOENT':
      if (exists(at) === 'folder') return `the file system does not allow creating files in ${JSON.stringify(at)}`;
      return exists(dirname(resolve(at))) === 'folder'
        ? `the file system does not allow creating ${JSON.stringify(at)}`
        : `a folder on the way to ${JSON.stringify(at)} does not exist (removed while privkit ran?)`;
    default: {
      const known = REASONS[error.code ?? ''];
      return known === undefined ? error.message : `${known}${here}`;
    }
  }
}

/**
 * A file-system failure as a PrivkitError `IO_ERROR` whose one-line message names the flag, the path
 * and what is wrong, e.g. `--out must be a folder that can be created and written; got "a/x/out":
 * "a/x" is a file, not a folder (ENOTDIR)`. Anything else is returned unchanged.
 * @param error - anything thrown while reading or writing `target`.
 * @param target - the flag and path the user gave.
 * @returns the PrivkitError, or `error` itself when it is not a file-system error.
 * @example
 * ```ts
 * try { writeFileAtomic(join(out, 'report.json'), text); } catch (e) { throw ioError(e, { flag: '--out', path: out }); }
 * ```
 */
export function ioError(error: unknown, target: IoTarget): unknown {
  // An IO_ERROR raised without a flag (privkit/node's writeFileAtomic) is worded again for this flag.
  if (error instanceof PrivkitError && error.code === 'IO_ERROR' && target.flag !== undefined && error.details?.flag === undefined && isErrnoException(error.details?.cause)) {
    return ioError(error.details.cause, target);
  }
  if (error instanceof PrivkitError || !isErrnoException(error)) return error;
  const why = `${reason(error, target)} (${error.code})`;
  const kind = target.kind ?? 'folder';
  const message =
    target.flag === undefined
      ? `cannot ${WRITE_CALLS.has(error.syscall ?? '') ? 'write' : 'read'} ${JSON.stringify(target.path)}: ${why}`
      : `${target.flag} must be a ${kind} that can be ${kind === 'folder' ? 'created and written' : 'written'}; got ${JSON.stringify(target.path)}: ${why}`;
  return new PrivkitError('IO_ERROR', message, { path: target.path, code: error.code, ...(target.flag === undefined ? { cause: error } : { flag: target.flag }) });
}

/**
 * Runs `work`; a file-system error it throws becomes {@link ioError}'s `IO_ERROR` for `target`.
 * @param target - the flag and path `work` writes to.
 * @param work - the writing.
 * @returns what `work` returns.
 * @throws PrivkitError `IO_ERROR` for a file-system failure; anything else `work` throws, unchanged.
 * @example
 * ```ts
 * await withIoErrors({ flag: '--out', path: out }, () => writeReport(out, doc, json));
 * ```
 */
export async function withIoErrors<T>(target: IoTarget, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw ioError(e, target);
  }
}

/**
 * Checks, before a long run, that `target` can be written: nothing on the way is a file, a folder
 * target is not a file (a file target not a folder), and a probe file can be written (then removed)
 * in the deepest folder of the path that exists. Creates nothing that stays; a folder that does not
 * exist yet is created later by the writer.
 * @param target - the flag and path.
 * @throws PrivkitError `IO_ERROR` naming the flag and the path (ENOTDIR, EISDIR, EACCES, EROFS,
 *   ENOSPC, …).
 * @example
 * ```ts
 * probeWritable({ flag: '--out', path: settings.out });
 * ```
 */
export function probeWritable(target: IoTarget): void {
  const abs = resolve(target.path);
  const kind = target.kind ?? 'folder';
  const self = exists(abs);
  if (kind === 'folder' && self === 'file') {
    throw ioError(Object.assign(new Error(`ENOTDIR: not a directory, '${abs}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: abs }), target);
  }
  if (kind === 'file' && self === 'folder') {
    throw ioError(Object.assign(new Error(`EISDIR: illegal operation on a directory, '${abs}'`), { code: 'EISDIR', syscall: 'open', path: abs }), target);
  }
  let folder = kind === 'folder' ? abs : dirname(abs);
  for (;;) {
    try {
      if (statSync(folder).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, '${folder}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: folder });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && dirname(folder) !== folder) {
        folder = dirname(folder);
        continue;
      }
      throw ioError(e, target);
    }
  }
  const probe = join(folder, `.privkit-probe-${process.pid}-${Math.random().toString(16).slice(2, 10)}`);
  try {
    writeFileSync(probe, 'x');
  } catch (e) {
    // Name the folder that refused, not the probe's own name.
    if (isErrnoException(e)) e.path = folder;
    throw ioError(e, target);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // Nothing was written, or the folder went away: the probe's own error is the one to report.
    }
  }
}
