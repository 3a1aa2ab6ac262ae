/**
 * JSON for reports, without JSON's silent losses: `JSON.stringify` turns `Infinity` and `NaN` into
 * `null` (an ε of `Infinity` would read as "no value") and typed arrays into `{"0": …}` objects.
 */
import { requireInteger, stringifyJson } from '../../accountant/index.js';

/**
 * Serialises `value` as JSON for `report.json`, by privkit's one JSON convention
 * ({@link stringifyJson}): +∞ is written `1e999` and −∞ `-1e999` (numbers that `JSON.parse` and
 * Python's `json` read back as ±Infinity), NaN `null`; typed arrays become plain arrays; bigints
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
 * // '{"epsilon":1e999,"scores":[0.5]}'
 * ```
 */
export function stringifyReportJson(value: unknown, indent = 2): string {
  requireInteger('indent', indent, 0, 10);
  return stringifyJson(value, indent);
}
