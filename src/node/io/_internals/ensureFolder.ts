import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `dir` and any missing parents, one `mkdir` at a time. Node's `mkdirSync(dir, { recursive:
 * true })` loops forever where the kernel answers ENOENT for a folder whose parent exists (under
 * `/proc`); here that ENOENT is thrown. A part of the path that is a file throws ENOTDIR.
 * @param dir - the folder.
 * @returns the folders it created, outermost first (empty when `dir` existed).
 * @throws Node's file-system error (`code`, `path`) of the first step that fails.
 * @example
 * ```ts
 * ensureFolder('runs/a/b');
 * ```
 */
export function ensureFolder(dir: string): string[] {
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    let isFolder: boolean;
    try {
      isFolder = statSync(p).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw e;
      missing.push(p);
      p = dirname(p);
      continue;
    }
    if (!isFolder) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${missing[missing.length - 1] ?? p}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: missing[missing.length - 1] ?? p });
    break;
  }
  const created: string[] = [];
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      created.push(m);
    } catch (e) {
      // Another process may have created it meanwhile.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw e;
    }
  }
  return created;
}
