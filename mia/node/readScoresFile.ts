/**
 * The bring-your-own-model input of an audit: the target's and the shadows' logits on every example,
 * as one JSON file (`privkit audit mia --scores`).
 */
import { readFileSync } from 'node:fs';
import { PrivkitError } from '../../accountant/index.js';
import type { AttackData } from '../attacks/index.js';

/** Options of {@link readScoresFile}. */
export interface ReadScoresFileOptions {
  /**
   * What the file is called in error messages (the CLI passes its flag, `--scores`).
   * @defaultValue 'scores file'
   */
  readonly name?: string;
}

/**
 * Reads a scores file: `{"labels": [n], "target": [[k logits] × n], "shadows": [{"logits": [[k] × n],
 * "inMask": [n of 0/1]}]}` (logits or log-probabilities, one row per example; ±∞ may be written as
 * ±1e999, privkit's JSON convention, which JSON.parse reads as ±Infinity).
 * @param path - the JSON file.
 * @param options - see {@link ReadScoresFileOptions}.
 * @returns the attack data (one query view), ready for auditFromLogits.
 * @throws PrivkitError `BAD_DATA_FILE` for an unreadable file or JSON, or ragged arrays, naming the
 *   field, e.g. 'scores file s.json: "target" row 1 must be 2 numbers'.
 * @example
 * ```ts
 * const data = readScoresFile('scores.json');
 * const audit = auditFromLogits(data, membershipMask(members, data.numExamples), { attacks: ['lira'] });
 * ```
 */
export function readScoresFile(path: string, options: ReadScoresFileOptions = {}): AttackData {
  const name = options.name ?? 'scores file';
  let raw: { labels?: unknown; target?: unknown; shadows?: unknown };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as typeof raw;
  } catch (e) {
    throw new PrivkitError('BAD_DATA_FILE', `cannot read ${name} ${path}: ${(e as Error).message}`, { path });
  }
  const bad = (what: string): PrivkitError => new PrivkitError('BAD_DATA_FILE', `${name} ${path}: ${what}`, { path });
  if (raw === null || typeof raw !== 'object') throw bad('expected a JSON object {"labels", "target", "shadows"}');
  if (!Array.isArray(raw.labels) || !raw.labels.every((l) => Number.isInteger(l))) throw bad('"labels" must be an array of integer class labels');
  const n = raw.labels.length;
  const matrix = (m: unknown, field: string): { values: Float32Array; k: number } => {
    if (!Array.isArray(m) || m.length !== n) throw bad(`"${field}" must have one row of logits per example (${n})`);
    const k = Array.isArray(m[0]) ? (m[0] as unknown[]).length : 0;
    const values = new Float32Array(n * k);
    m.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== k || !row.every((v) => typeof v === 'number')) throw bad(`"${field}" row ${i} must be ${k} numbers`);
      values.set(row as number[], i * k);
    });
    return { values, k };
  };
  const target = matrix(raw.target, 'target');
  if (!Array.isArray(raw.shadows)) throw bad('"shadows" must be an array of {"logits", "inMask"}');
  const shadows = raw.shadows.map((s: { logits?: unknown; inMask?: unknown } | null, j) => {
    if (s === null || typeof s !== 'object') throw bad(`"shadows[${j}]" must be an object {"logits", "inMask"}`);
    const logits = matrix(s.logits, `shadows[${j}].logits`);
    if (logits.k !== target.k) throw bad(`"shadows[${j}].logits" has ${logits.k} classes; the target has ${target.k}`);
    if (!Array.isArray(s.inMask) || s.inMask.length !== n || !s.inMask.every((v) => v === 0 || v === 1)) throw bad(`"shadows[${j}].inMask" must be ${n} values 0 or 1`);
    return { logits: { views: [logits.values] }, inMask: Uint8Array.from(s.inMask as number[]) };
  });
  return { numExamples: n, numClasses: target.k, labels: Int32Array.from(raw.labels as number[]), target: { views: [target.values] }, shadows };
}
