import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureFolder } from './_internals/ensureFolder.js';

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, then renamed into
 * place, so a reader (or a crash) sees the old file or the new one, never half of one. The folder is
 * created if needed (one level at a time: see ensureFolder); a failed write removes its temporary
 * file. Node only; imports no tfjs.
 * @param path - destination file.
 * @param data - contents.
 * @throws Node's file-system error (ENOTDIR, EISDIR, EACCES, EROFS, ENOSPC, …; `ioError` turns it
 *   into a PrivkitError `IO_ERROR` naming the path).
 * @example
 * ```ts
 * writeFileAtomic('out/report.json', JSON.stringify(report));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  ensureFolder(dirname(path));
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The write's own error is the one to report.
    }
    throw e;
  }
}
