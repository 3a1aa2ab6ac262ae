/**
 * The version of the installed privkit package, read from its package.json at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `version` of the nearest enclosing package.json whose `name` is "privkit". Walking up from
 * this file works both from the sources (cli/_internals/) and from the build (dist/cli/_internals/).
 * @param from - where to start. @defaultValue this module's URL
 * @returns the version, e.g. "0.1.0", or "unknown" when no such package.json is found.
 * @example
 * ```ts
 * program.version(packageVersion());
 * ```
 */
export function packageVersion(from: string | URL = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'privkit' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // An unreadable or malformed package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
