/**
 * Canary formats: the template of a secret inserted into training data to test for memorisation, and
 * its randomness space R (Carlini, Liu, Erlingsson, Kos & Song 2019, "The Secret Sharer: Evaluating
 * and Testing Unintended Memorization in Neural Networks", USENIX Security: a format s[·] whose holes
 * are filled with randomness r ∈ R, e.g. "my pin is {d6}"). Characters are Unicode code points throughout.
 */
import { fillDigits, indexDigits, slotLayout } from './_internals/slotLayout.js';
import { check, invalid } from '../../accountant/index.js';
import { quote } from './_internals/options.js';

/** Literal text of a canary format. */
export interface CanaryTextPart {
  readonly kind: 'text';
  /** The text, with `{{`/`}}` already unescaped. */
  readonly text: string;
}

/** A slot: `length` characters, each drawn independently from `alphabet`. */
export interface CanarySlotPart {
  readonly kind: 'slot';
  /** The symbols of one slot character, distinct code points, in index order (digit 0 first). */
  readonly alphabet: string;
  /** How the slot named its alphabet: `'d'`, `'a'` or a key of `options.alphabets`. */
  readonly alphabetName: string;
  /** Number of characters; ≥ 1. */
  readonly length: number;
}

/** One part of a canary format. */
export type CanaryPart = CanaryTextPart | CanarySlotPart;

/** A parsed canary format; see {@link parseCanaryFormat}. Frozen. */
export interface CanaryFormat {
  /** The format string as given. */
  readonly format: string;
  /** The text before the first slot (the context the model is prompted with); may be empty. */
  readonly prefix: string;
  /** Text and slots in order; adjacent text is merged. */
  readonly parts: readonly CanaryPart[];
  /**
   * |R| = Π over slots of |alphabet|^length, as a float (Infinity past ~1.8e308; use
   * `log2SpaceSize` then).
   */
  readonly spaceSize: number;
  /** log₂|R| = Σ over slots of length·log₂|alphabet|, finite for any format. */
  readonly log2SpaceSize: number;
  /** Characters (code points) of a filled canary, prefix included. */
  readonly length: number;
}

/** Options of {@link parseCanaryFormat}. */
export interface ParseCanaryFormatOptions {
  /**
   * Custom alphabets for `{name:N}` slots: name → a string of distinct characters (digit 0 first).
   * Names match `[A-Za-z_][A-Za-z0-9_-]*`; `d` and `a` are reserved for the built-ins.
   * @defaultValue `{}`
   */
  readonly alphabets?: Readonly<Record<string, string>>;
}

/** A random canary and its mixed-radix index in R. */
export interface RandomCanary {
  /** The filled canary, prefix included. */
  readonly secret: string;
  /** Its index: `fillCanary(format, index) === secret`. */
  readonly index: bigint;
}

const BUILT_IN_ALPHABETS: Readonly<Record<string, string>> = {
  d: '0123456789',
  a: 'abcdefghijklmnopqrstuvwxyz',
};
const SHORT_SLOT = /^([da])(\d+)$/;
const NAMED_SLOT = /^([A-Za-z_][A-Za-z0-9_-]*):(\d+)$/;

/**
 * Parses a canary format. Slots: `{dN}` N digits 0–9, `{aN}` N lowercase letters a–z, `{name:N}` N
 * characters from `options.alphabets[name]` (`{d:N}` and `{a:N}` also name the built-ins). Everything
 * else is literal text; write `{{` and `}}` for literal braces. R is the set of all fillings, each
 * slot character independently (Carlini et al. 2019).
 *
 * @param format - the template, e.g. `"my pin is {d6}"`.
 * @param options - custom alphabets; see {@link ParseCanaryFormatOptions}.
 * @returns the frozen {@link CanaryFormat}.
 * @throws PrivkitError `INVALID_ARGUMENT` when `format` has no slot, a slot length < 1, an unknown
 *   alphabet, a malformed slot or an unbalanced brace, or when a custom alphabet is empty, repeats a
 *   character, has a bad name or shadows `d`/`a`.
 * @example
 * ```ts
 * const f = parseCanaryFormat('my pin is {d4}-{hex:2}', { alphabets: { hex: '0123456789abcdef' } });
 * f.prefix;        // "my pin is "
 * f.spaceSize;     // 10⁴ · 16² = 2 560 000
 * f.log2SpaceSize; // 4·log₂10 + 2·4 ≈ 21.29
 * ```
 */
export function parseCanaryFormat(format: string, options: ParseCanaryFormatOptions = {}): CanaryFormat {
  check(typeof format === 'string', () => `\`format\` must be a string; got ${typeof format}.`);
  const alphabets = resolveAlphabets(options.alphabets);
  const parts: CanaryPart[] = [];
  let text = '';
  const flushText = (): void => {
    if (text !== '') parts.push(Object.freeze({ kind: 'text' as const, text }));
    text = '';
  };
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === '{' && format[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && format[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '}') {
      throw invalid(`\`format\` has an unmatched "}" at position ${i} of ${quote(format)}; write }} for a literal brace.`);
    } else if (c === '{') {
      const close = format.indexOf('}', i + 1);
      const reopen = format.indexOf('{', i + 1);
      if (close < 0 || (reopen >= 0 && reopen < close)) {
        throw invalid(`\`format\` has an unbalanced "{" at position ${i} of ${quote(format)}; write {{ for a literal brace.`);
      }
      flushText();
      parts.push(parseSlot(format.slice(i + 1, close), format, alphabets));
      i = close + 1;
    } else {
      text += c;
      i++;
    }
  }
  flushText();
  check(
    parts.some((p) => p.kind === 'slot'),
    () => `\`format\` must contain at least one slot such as {d6}; got ${quote(format)}.`,
  );

  let spaceSize = 1;
  let log2SpaceSize = 0;
  let length = 0;
  for (const part of parts) {
    if (part.kind === 'text') {
      length += Array.from(part.text).length;
    } else {
      const size = Array.from(part.alphabet).length;
      spaceSize *= Math.pow(size, part.length);
      log2SpaceSize += part.length * Math.log2(size);
      length += part.length;
    }
  }
  const prefix = parts[0].kind === 'text' ? parts[0].text : '';
  return Object.freeze({ format, prefix, parts: Object.freeze(parts), spaceSize, log2SpaceSize, length });
}

/**
 * The canary with mixed-radix index `index`: slot characters are the digits, the first slot character
 * most significant, each digit indexing its alphabet. Index 0 is every slot character at its
 * alphabet's first symbol; index |R| − 1 at its last; increasing indices are lexicographic in
 * alphabet order.
 *
 * @param format - a parsed format.
 * @param index - an integer in [0, |R|): a safe-integer number, or a bigint for spaces beyond 2⁵³.
 * @returns the filled canary, prefix included.
 * @throws PrivkitError `INVALID_ARGUMENT` when `index` is not an integer in [0, |R|).
 * @example
 * ```ts
 * fillCanary(parseCanaryFormat('pin {d2}{a1}'), 27); // "pin 01b" (27 = 1·26 + 1)
 * ```
 */
export function fillCanary(format: CanaryFormat, index: number | bigint): string {
  const layout = slotLayout(format);
  const inRange =
    typeof index === 'bigint'
      ? index >= 0n && index < layout.spaceSizeBig
      : Number.isSafeInteger(index) && index >= 0 && BigInt(index) < layout.spaceSizeBig;
  check(inRange, () => `\`index\` must be an integer in [0, ${layout.spaceSizeBig}); got ${String(index)}.`);
  return fillDigits(layout, indexDigits(layout, index));
}

/**
 * A canary drawn uniformly from R: each slot character independently and uniformly from its alphabet
 * as `⌊random()·|alphabet|⌋` (uniform up to the generator's resolution, 2⁻³² for mulberry32).
 * Use a cryptographic generator for canaries that must stay secret, a seeded one for reproducible
 * audits.
 *
 * @param format - a parsed format.
 * @param random - a generator of uniform doubles in [0, 1), called once per slot character.
 * @returns the secret and its mixed-radix index.
 * @throws PrivkitError `INVALID_ARGUMENT` when `random()` returns a value outside [0, 1).
 * @example
 * ```ts
 * const { secret, index } = randomCanary(parseCanaryFormat('my pin is {d6}'), Math.random);
 * ```
 */
export function randomCanary(format: CanaryFormat, random: () => number): RandomCanary {
  const layout = slotLayout(format);
  const digits = new Int32Array(layout.radices.length);
  let index = 0n;
  for (let k = 0; k < digits.length; k++) {
    const u = random();
    check(u >= 0 && u < 1, () => `\`random()\` must return a number in [0, 1); got ${u}.`);
    const radix = layout.radices[k];
    digits[k] = Math.floor(u * radix);
    index = index * BigInt(radix) + BigInt(digits[k]);
  }
  return { secret: fillDigits(layout, digits), index };
}

/**
 * The mixed-radix index of a filled canary, the inverse of {@link fillCanary}.
 *
 * @param format - a parsed format.
 * @param secret - a canary of this format, prefix included.
 * @returns its index in [0, |R|).
 * @throws PrivkitError `INVALID_ARGUMENT` when `secret` does not match `format` (naming the first
 *   mismatching character).
 * @example
 * ```ts
 * canaryIndex(parseCanaryFormat('pin {d2}{a1}'), 'pin 01b'); // 27n
 * ```
 */
export function canaryIndex(format: CanaryFormat, secret: string): bigint {
  check(typeof secret === 'string', () => `\`secret\` must be a string; got ${typeof secret}.`);
  const layout = slotLayout(format);
  const chars = Array.from(secret);
  const prefix = Array.from(layout.prefix);
  const mismatch = (at: number, expected: string): never => {
    throw invalid(
      `\`secret\` ${quote(secret)} does not match \`format\` ${quote(format.format)}: ` +
        `expected ${expected} at character ${at}; got ${at < chars.length ? quote(chars[at]) : 'the end'}.`,
    );
  };
  for (let i = 0; i < prefix.length; i++) if (chars[i] !== prefix[i]) mismatch(i, quote(prefix[i]));
  let index = 0n;
  for (let j = 0; j < layout.template.length; j++) {
    const at = prefix.length + j;
    const entry = layout.template[j];
    if (entry.kind === 'char') {
      if (chars[at] !== entry.char) mismatch(at, quote(entry.char));
    } else {
      const digit = at < chars.length ? entry.symbols.indexOf(chars[at]) : -1;
      if (digit < 0) mismatch(at, `one of ${quote(entry.symbols.join(''))}`);
      index = index * BigInt(entry.symbols.length) + BigInt(digit);
    }
  }
  if (chars.length !== format.length) {
    throw invalid(
      `\`secret\` ${quote(secret)} does not match \`format\` ${quote(format.format)}: ` +
        `it has ${chars.length} characters; expected ${format.length}.`,
    );
  }
  return index;
}

function resolveAlphabets(custom: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const all: Record<string, string> = { ...BUILT_IN_ALPHABETS };
  if (custom === undefined) return all;
  check(typeof custom === 'object' && custom !== null, () => '`options.alphabets` must be an object of name → characters.');
  for (const [name, alphabet] of Object.entries(custom)) {
    check(
      /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name),
      () => `\`options.alphabets\` names must match [A-Za-z_][A-Za-z0-9_-]*; got ${quote(name)}.`,
    );
    check(
      !(name in BUILT_IN_ALPHABETS),
      () => `\`options.alphabets.${name}\` would shadow the built-in alphabet {${name}N}; choose another name.`,
    );
    const symbols = typeof alphabet === 'string' ? Array.from(alphabet) : [];
    check(
      symbols.length >= 1 && new Set(symbols).size === symbols.length,
      () => `\`options.alphabets.${name}\` must be a non-empty string of distinct characters; got ${typeof alphabet === 'string' ? quote(alphabet) : typeof alphabet}.`,
    );
    all[name] = alphabet;
  }
  return all;
}

function parseSlot(body: string, format: string, alphabets: Record<string, string>): CanarySlotPart {
  const match = SHORT_SLOT.exec(body) ?? NAMED_SLOT.exec(body);
  if (match === null) {
    throw invalid(`\`format\` has a malformed slot {${body}} in ${quote(format)}; expected {dN}, {aN} or {name:N} with N ≥ 1.`);
  }
  const [, name, digits] = match;
  const length = Number(digits);
  check(
    Number.isSafeInteger(length) && length >= 1,
    () => `\`format\` slot {${body}} in ${quote(format)} must have a length N ≥ 1; got ${digits}.`,
  );
  const alphabet = Object.prototype.hasOwnProperty.call(alphabets, name) ? alphabets[name] : undefined;
  if (alphabet === undefined) {
    throw invalid(
      `\`format\` slot {${body}} uses the unknown alphabet ${quote(name)}; known: ${Object.keys(alphabets).join(', ')} ` +
        '(pass others in `options.alphabets`).',
    );
  }
  return Object.freeze({ kind: 'slot' as const, alphabet, alphabetName: name, length });
}
