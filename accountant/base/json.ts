/**
 * privkit's one way of writing JSON: what the CLI prints (`--json`), report.json, privacy.json and
 * scores files all go through {@link stringifyJson}, so a number means the same in each of them.
 *
 * JSON (RFC 8259 §6) has no infinity and no NaN, and `JSON.stringify` silently writes both as
 * `null`: an ε of +∞ (a non-private model) would read as "no value", and as 0 in a JavaScript
 * comparison (`null <= 3` is true). privkit writes +∞ as the number literal `1e999` and −∞ as
 * `-1e999`: valid JSON numbers that overflow to ±Infinity in every IEEE 754 reader (JavaScript's
 * `JSON.parse`, Python's `json`, `jq`), so `epsilon <= budget` stays false. NaN, which no number can
 * stand for, is `null`.
 */
import { PrivkitError } from '../PrivkitError.js';

/** How +∞ is written: a JSON number that every IEEE 754 double parser reads back as +Infinity. */
export const JSON_POSITIVE_INFINITY = '1e999';
/** How −∞ is written (read back as −Infinity). */
export const JSON_NEGATIVE_INFINITY = '-1e999';

/**
 * Serialises `value` as JSON the way privkit writes every file and every `--json` line: as
 * `JSON.stringify(value, null, space)` (same key order, same spacing, `toJSON` honoured, `undefined`
 * and functions dropped from objects and written `null` in arrays), except that
 * - +∞ is written `1e999` and −∞ `-1e999` (numbers that parse back to ±Infinity), NaN `null`;
 * - typed arrays (`Float64Array`, `Int32Array`, …) are written as arrays, not `{"0": …}` objects;
 * - bigints are written as decimal strings (`JSON.stringify` would throw).
 *
 * @param value - what to serialise.
 * @param space - spaces per indentation level, an integer in [0, 10]; 0 (the default) writes one line.
 * @returns the JSON text (`"null"` when `value` itself is `undefined` or a function).
 * @throws PrivkitError `INVALID_ARGUMENT` for another `space`, or a value JSON cannot hold (a
 *   circular reference).
 * @example
 * ```ts
 * stringifyJson({ epsilon: Infinity, order: NaN, scores: Float64Array.of(0.5) });
 * // '{"epsilon":1e999,"order":null,"scores":[0.5]}'
 * JSON.parse('{"epsilon":1e999}').epsilon; // Infinity
 * ```
 */
export function stringifyJson(value: unknown, space = 0): string {
  if (!(Number.isInteger(space) && space >= 0 && space <= 10)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`space\` must be an integer in [0, 10]; got ${String(space)}.`);
  }
  const text = write(value, '', '', ' '.repeat(space), []);
  return text ?? 'null';
}

/** Writes one value; `undefined` when it is not representable (dropped from objects, `null` in arrays). */
function write(holderValue: unknown, key: string, indent: string, step: string, ancestors: object[]): string | undefined {
  let value = holderValue;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  // Boxed primitives, as JSON.stringify unwraps them.
  if (value instanceof Number) value = Number(value);
  else if (value instanceof String) value = String(value);
  else if (value instanceof Boolean) value = value.valueOf();
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value)) return JSON.stringify(value);
      if (Number.isNaN(value)) return 'null';
      return value > 0 ? JSON_POSITIVE_INFINITY : JSON_NEGATIVE_INFINITY;
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.includes(object)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`value\` cannot be written as JSON: it holds a circular reference (at key ${JSON.stringify(key)}).`);
  }
  ancestors.push(object);
  const inner = indent + step;
  const open = step === '' ? '' : `\n${inner}`;
  const separator = step === '' ? ',' : `,\n${inner}`;
  const close = step === '' ? '' : `\n${indent}`;
  let text: string;
  if (Array.isArray(object) || (ArrayBuffer.isView(object) && !(object instanceof DataView))) {
    const items = Array.from(object as ArrayLike<unknown>, (item, i) => write(item, String(i), inner, step, ancestors) ?? 'null');
    text = items.length === 0 ? '[]' : `[${open}${items.join(separator)}${close}]`;
  } else {
    const colon = step === '' ? ':' : ': ';
    const fields: string[] = [];
    for (const k of Object.keys(object)) {
      const v = write((object as Record<string, unknown>)[k], k, inner, step, ancestors);
      if (v !== undefined) fields.push(`${JSON.stringify(k)}${colon}${v}`);
    }
    text = fields.length === 0 ? '{}' : `{${open}${fields.join(separator)}${close}}`;
  }
  ancestors.pop();
  return text;
}
