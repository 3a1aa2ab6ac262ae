import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, then renamed into
 * place, so a reader (or a crash) sees the old file or the new one, never half of one. The folder is
 * created if needed; a failed write removes its temporary file. Node only; imports no tfjs.
 * @param path - destination file.
 * @param data - contents.
 * @example
 * ```ts
 * writeFileAtomic('out/report.json', JSON.stringify(report));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
