/**
 * Output formatting: numbers for people, and single-line JSON for scripts.
 */
import { stringifyJson } from '../../accountant/index.js';

/**
 * A number in the style of C's `%g`: `significant` significant digits, trailing zeros dropped,
 * exponent notation (two-digit exponent) below 1e-4 or from 10^significant up; ∞ as "∞".
 * @param x - the number.
 * @param significant - significant digits. @defaultValue 5
 * @returns e.g. 1e-5 → "1e-05", 256 / 60000 → "0.0042667", 14063 → "14063".
 * @example
 * ```ts
 * formatNumber(1e-5); // "1e-05"
 * ```
 */
export function formatNumber(x: number, significant = 5): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(significant)))));
  if (exponent < -4 || exponent >= significant) {
    const [mantissa, exp] = x.toExponential(significant - 1).split('e');
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${stripZeros(mantissa)}e${sign}${digits}`;
  }
  return stripZeros(x.toFixed(Math.max(0, significant - 1 - exponent)));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * ε or σ for people: four decimals between 1e-3 and 1e6 (as dp_accounting's examples print ε),
 * `%g` style otherwise, "∞" for infinity.
 * @param x - the number.
 * @returns e.g. "2.5967".
 * @example
 * ```ts
 * formatFourDecimals(2.596655528680917); // "2.5967"
 * ```
 */
export function formatFourDecimals(x: number): string {
  if (x >= 1e-3 && x < 1e6) return x.toFixed(4);
  return formatNumber(x);
}

/**
 * One line of JSON (plus newline), by privkit's one JSON convention ({@link stringifyJson}): JSON has
 * no infinity; +∞ is written as the number `1e999` (−∞ as `-1e999`), which JSON.parse (JavaScript and
 * Python) reads back as Infinity, so that `epsilon <= budget` stays false in scripts (a `null`
 * would compare as 0 in JavaScript). NaN is written as `null`.
 * @param value - what to print (an object, usually); key order is kept.
 * @returns e.g. '{"epsilon":2.59,"delta":0.00001,"accountant":"rdp","order":8.1}\n'.
 * @example
 * ```ts
 * jsonLine({ epsilon: Infinity, order: null }); // '{"epsilon":1e999,"order":null}\n'
 * ```
 */
export function jsonLine(value: unknown): string {
  return `${stringifyJson(value)}\n`;
}

/**
 * A message as one stderr line: "privkit: " prefix (commander's "error: " dropped), inner line
 * breaks (commander's "(Did you mean …?)" suggestion) folded into spaces, one trailing newline.
 * @param message - the raw message.
 * @returns the line.
 * @example
 * ```ts
 * errorLine("error: unknown option '--delt'\n(Did you mean --delta?)\n");
 * // "privkit: unknown option '--delt' (Did you mean --delta?)\n"
 * ```
 */
export function errorLine(message: string): string {
  const flat = message
    .trim()
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ');
  return `privkit: ${flat}\n`;
}
