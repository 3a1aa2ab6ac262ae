/**
 * What the three audit commands (`audit mia`, `audit dp`, `audit canary`) share: the ranges of their
 * training flags, the backend entry, and the checks of an output folder and of an input file.
 */
import { existsSync, statSync } from 'node:fs';
import { choiceFlag, type NumericRange } from './flagTable.js';
import { BACKEND_CHOICES, RANGES } from './parseOptions.js';
import { UsageError } from './UsageError.js';

/** Ranges of the audits' numeric flags. */
export const AUDIT_RANGES = Object.freeze({
  shadowModels: { integer: true, min: 1, max: 4096 },
  epochs: { integer: true, min: 1, max: 100_000 },
  batchSize: { integer: true, min: 1, max: 1_000_000 },
  learningRate: RANGES.float32Positive,
  populationSize: { integer: true, min: 2, max: 100_000_000 },
  jobs: { integer: true, min: 1, max: 256 },
  seed: RANGES.seed,
  canaries: { integer: true, min: 2, max: 1_000_000 },
  textLength: { integer: true, min: 100, max: 100_000_000 },
  canariesPerCount: { integer: true, min: 1, max: 1000 },
  insertions: { integer: true, min: 1, max: 100_000 },
} as const satisfies Record<string, NumericRange>);

/** `--backend <name>` of the audits, default "auto". */
export const AUDIT_BACKEND_FLAG = choiceFlag(BACKEND_CHOICES, { argument: '<name>', description: `tfjs backend: ${BACKEND_CHOICES.join(', ')}`, default: 'auto' });

/**
 * Refuses an output path that is an existing file.
 * @param flag - the flag, e.g. `--out`.
 * @param out - the folder.
 * @returns `out`.
 * @throws UsageError '--out must be a folder; got "x", which is a file'.
 * @example
 * ```ts
 * outputFolder('--out', flags.out);
 * ```
 */
export function outputFolder(flag: string, out: string): string {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${flag} must be a folder; got ${JSON.stringify(out)}, which is a file`, flag);
  return out;
}

/**
 * Refuses an input path that does not exist.
 * @param flag - the flag, e.g. `--members`.
 * @param raw - the path.
 * @returns `raw`.
 * @throws UsageError '--members "x" does not exist'.
 * @example
 * ```ts
 * existingFile('--members', flags.members);
 * ```
 */
export function existingFile(flag: string, raw: string): string {
  if (!existsSync(raw)) throw new UsageError(`${flag} ${JSON.stringify(raw)} does not exist`, flag);
  return raw;
}
