/**
 * JSON for reports, without JSON's silent losses: `JSON.stringify` turns `Infinity` and `NaN` into
 * `null` (an ε of `Infinity` would read as "no value") and typed arrays into `{"0": …}` objects.
 */
import { PrivkitError } from '../../accountant/PrivkitError.js';
import { requireInteger } from '../_internals/invalid.js';

/**
 * Serialises `value` as JSON for `report.json`. Non-finite numbers become the strings `"Infinity"`,
 * `"-Infinity"` and `"NaN"` (what `Number(…)` parses back); typed arrays become plain arrays; bigints
 * become decimal strings. Everything else is as `JSON.stringify`.
 *
 * @param value - what to serialise.
 * @param indent - spaces per indentation level, an integer in [0, 10] (JSON.stringify's range, which
 *   would silently cut a larger one to 10); 0 for one line.
 * @defaultValue indent = 2
 * @returns the JSON text (`"null"` when `value` is `undefined`).
 * @throws PrivkitError `INVALID_ARGUMENT` for another `indent`, or a value that JSON cannot hold (a
 *   circular reference).
 * @example
 * ```ts
 * stringifyReportJson({ epsilon: Infinity, scores: new Float64Array([0.5]) }, 0);
 * // '{"epsilon":"Infinity","scores":[0.5]}'
 * ```
 */
export function stringifyReportJson(value: unknown, indent = 2): string {
  requireInteger('indent', indent, 0, 10);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer, indent > 0 ? indent : undefined);
  } catch (e) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`value\` cannot be written as JSON: ${(e as Error).message.split('\n')[0]}.`);
  }
  return text === undefined ? 'null' : text;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>);
  }
  return value;
}
