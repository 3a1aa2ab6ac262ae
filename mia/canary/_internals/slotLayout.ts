/**
 * The layout a canary format implies, derived once per format object and cached: the characters after
 * the prefix (fixed or slot), the symbols of each slot character (the mixed-radix digits, most
 * significant first) and the pieces a filled canary is joined from. Characters are Unicode code points.
 */
import type { CanaryFormat } from '../CanaryFormat.js';
import { check } from '../../../accountant/index.js';

/** One character position after the prefix: fixed text, or the `slot`-th slot character. */
export type TemplateEntry =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'slot'; readonly slot: number; readonly symbols: readonly string[] };

/** Everything derived from a format's parts. */
export interface SlotLayout {
  readonly prefix: string;
  /** Code points of the filled canary after the prefix, in order. */
  readonly template: readonly TemplateEntry[];
  /** Symbols of each slot character, one entry per character of every slot, in order. */
  readonly slotSymbols: readonly (readonly string[])[];
  /** |alphabet| of each slot character. */
  readonly radices: readonly number[];
  /** |R| exactly. */
  readonly spaceSizeBig: bigint;
  /** Literal text (string) or slot-character index (number), joined to build a canary. */
  readonly pieces: readonly (string | number)[];
}

const cache = new WeakMap<CanaryFormat, SlotLayout>();

/** The layout of `format` (cached per format object). */
export function slotLayout(format: CanaryFormat): SlotLayout {
  let layout = cache.get(format);
  if (layout === undefined) {
    check(
      typeof format === 'object' && format !== null && Array.isArray(format.parts) && typeof format.prefix === 'string',
      () => `\`format\` must be a CanaryFormat from parseCanaryFormat; got ${typeof format === 'string' ? JSON.stringify(format) : typeof format}.`,
    );
    layout = buildLayout(format);
    cache.set(format, layout);
  }
  return layout;
}

function buildLayout(format: CanaryFormat): SlotLayout {
  const template: TemplateEntry[] = [];
  const slotSymbols: (readonly string[])[] = [];
  const pieces: (string | number)[] = [];
  let spaceSizeBig = 1n;
  let seenSlot = false;
  for (const part of format.parts) {
    if (part.kind === 'text') {
      pieces.push(part.text);
      if (seenSlot) for (const char of part.text) template.push({ kind: 'char', char });
      continue;
    }
    seenSlot = true;
    const symbols = Object.freeze(Array.from(part.alphabet));
    spaceSizeBig *= BigInt(symbols.length) ** BigInt(part.length);
    for (let k = 0; k < part.length; k++) {
      const slot = slotSymbols.length;
      slotSymbols.push(symbols);
      template.push({ kind: 'slot', slot, symbols });
      pieces.push(slot);
    }
  }
  return {
    prefix: format.prefix,
    template,
    slotSymbols,
    radices: slotSymbols.map((s) => s.length),
    spaceSizeBig,
    pieces,
  };
}

/** The canary whose slot characters are `digits` (digit k indexes `slotSymbols[k]`). */
export function fillDigits(layout: SlotLayout, digits: ArrayLike<number>): string {
  let out = '';
  for (const piece of layout.pieces) out += typeof piece === 'string' ? piece : layout.slotSymbols[piece][digits[piece]];
  return out;
}

/** Mixed-radix digits of `index` (most significant first); `index` must be in [0, |R|). */
export function indexDigits(layout: SlotLayout, index: number | bigint): Int32Array {
  const { radices } = layout;
  const digits = new Int32Array(radices.length);
  if (typeof index === 'number') {
    let rest = index;
    for (let k = radices.length - 1; k >= 0; k--) {
      const d = rest % radices[k];
      digits[k] = d;
      rest = (rest - d) / radices[k];
    }
  } else {
    let rest = index;
    for (let k = radices.length - 1; k >= 0; k--) {
      const r = BigInt(radices[k]);
      digits[k] = Number(rest % r);
      rest /= r;
    }
  }
  return digits;
}

/** Advances mixed-radix `digits` by one in place (odometer); returns false after the last index. */
export function incrementDigits(layout: SlotLayout, digits: Int32Array): boolean {
  for (let k = digits.length - 1; k >= 0; k--) {
    if (++digits[k] < layout.radices[k]) return true;
    digits[k] = 0;
  }
  return false;
}
