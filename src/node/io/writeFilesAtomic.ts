import { renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivkitError } from '../../../accountant/index.js';
import { crashPoint } from '../_internals/crashPoint.js';
import { ensureFolder } from './_internals/ensureFolder.js';

/**
 * Writes several files into one folder, all or none as far as a failing write goes: every file is
 * first written complete to a temporary name beside its destination, and only then are they renamed
 * into place, one by one. A write that fails (a full disk, a read-only folder) removes the temporary
 * files and the folders this call created, so the folder is left as it was. Other files in the folder
 * are untouched. (A kill between the renames can leave some files new and some old; where that
 * matters, write a folder of its own with writeFolderAtomic.) Node only; imports no tfjs.
 * @param dir - the folder (created if needed).
 * @param files - file name → contents (plain names).
 * @throws PrivkitError `INVALID_ARGUMENT` for a name with a path separator; Node's file-system error
 *   of the failing write (see `ioError`).
 * @example
 * ```ts
 * writeFilesAtomic('audit', { 'report.json': json, 'report.html': html, 'scores.csv': csv });
 * ```
 */
export function writeFilesAtomic(dir: string, files: Readonly<Record<string, string | Uint8Array>>): void {
  const names = Object.keys(files);
  for (const n of names) {
    if (n === '' || n === '.' || n === '..' || /[\\/]/.test(n)) throw new PrivkitError('INVALID_ARGUMENT', `file names must be plain names; got ${JSON.stringify(n)}.`);
  }
  const created = ensureFolder(dir);
  const tag = `${process.pid}-${Date.now()}`;
  const written: string[] = [];
  try {
    for (const n of names) {
      const tmp = join(dir, `${n}.tmp-${tag}`);
      crashPoint(`write ${n}.tmp`);
      written.push(tmp);
      writeFileSync(tmp, files[n]);
    }
  } catch (e) {
    try {
      for (const tmp of written) rmSync(tmp, { force: true });
      for (const folder of created.reverse()) rmdirSync(folder);
    } catch {
      // The write's own error is the one to report.
    }
    throw e;
  }
  for (const n of names) {
    crashPoint(`rename ${n}`);
    renameSync(join(dir, `${n}.tmp-${tag}`), join(dir, n));
  }
}
