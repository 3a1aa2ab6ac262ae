/**
 * The members file of an audit: the target model's training rows, one 0-based row index per line, as
 * `privkit train` writes `members.txt` and `privkit audit mia --members` reads it.
 */
import { readFileSync } from 'node:fs';
import { PrivkitError } from '../../accountant/index.js';

/** Options of {@link readMembersFile}. */
export interface ReadMembersFileOptions {
  /**
   * What the file is called in error messages (the CLI passes its flag, `--members`).
   * @defaultValue 'members file'
   */
  readonly name?: string;
}

/**
 * Reads a members file: one 0-based row index per line; blank lines and `#` comments are skipped.
 * It does not check the indices against a population (membershipMask does).
 * @param path - the file.
 * @param options - see {@link ReadMembersFileOptions}.
 * @returns the indices, in file order.
 * @throws PrivkitError `BAD_DATA_FILE` when the file cannot be read, or naming the line of anything
 *   that is not a non-negative integer, e.g. 'members file m.txt line 4: expected a 0-based row index; got "1.5"'.
 * @example
 * ```ts
 * const members = readMembersFile('runs/m/members.txt');
 * const isMember = membershipMask(members, data.y.length);
 * ```
 */
export function readMembersFile(path: string, options: ReadMembersFileOptions = {}): number[] {
  const name = options.name ?? 'members file';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PrivkitError('BAD_DATA_FILE', `cannot read ${name} ${path}: ${(e as Error).message}`, { path });
  }
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, k) => {
    const t = line.replace(/#.*/, '').trim();
    if (t === '') return;
    if (!/^\d+$/.test(t)) throw new PrivkitError('BAD_DATA_FILE', `${name} ${path} line ${k + 1}: expected a 0-based row index; got ${JSON.stringify(t)}`, { path, line: k + 1 });
    out.push(Number(t));
  });
  return out;
}
