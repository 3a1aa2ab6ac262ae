/**
 * `writeFileAtomic` as `privkit/node` exports it: the atomic write of `src/node/io/writeFileAtomic.ts`, with
 * a file-system failure (ENOTDIR, EISDIR, EACCES, EROFS, ENOSPC, …) as a PrivkitError `IO_ERROR` naming
 * the path. (privkit's own CLI uses the raw write and names its flag in the error instead.)
 */
import { ioError } from './io/ioError.js';
import { writeFileAtomic as writeRaw } from './io/writeFileAtomic.js';

/**
 * Writes `data` to `path` atomically (a temporary file in the same folder, then one rename); the
 * folder is created if needed.
 * @param path - destination file.
 * @param data - contents.
 * @throws PrivkitError `IO_ERROR` naming the path when it cannot be written.
 * @example
 * ```ts
 * writeFileAtomic('out/report.json', JSON.stringify(report));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    writeRaw(path, data);
  } catch (e) {
    throw ioError(e, { path, kind: 'file' });
  }
}
