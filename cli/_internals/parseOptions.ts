/**
 * Strict parsing of numeric and enumerated flag values. Commander hands every value over as the
 * raw string; these helpers turn it into a number or throw a {@link UsageError} whose one-line
 * message names the flag and its allowed range.
 */
import type { AccountantKind } from '../../accountant/index.js';
import { formatNumber } from './format.js';
import { UsageError } from './UsageError.js';

/** The allowed values of a numeric flag. */
export interface NumericFlagSpec {
  /** The flag as typed, e.g. "--delta". */
  readonly flag: string;
  /** Whether the value must be an integer (written in any notation, e.g. "1e3"). */
  readonly integer: boolean;
  /** Lower bound. */
  readonly min: number;
  /** Upper bound (`Infinity` for none; finiteness is always required). */
  readonly max: number;
  /** Whether `min` itself is excluded. @defaultValue false */
  readonly minOpen?: boolean;
  /** Whether `max` itself is excluded. @defaultValue false */
  readonly maxOpen?: boolean;
  /**
   * Whether the value goes into float32 tensors (a learning rate, a clipping norm, a noise
   * multiplier): then a non-zero value must also lie in [{@link FLOAT32_MIN_NORMAL},
   * {@link FLOAT32_MAX}], since 1e-300 is 0 in float32 (training would silently do nothing) and 1e39 is
   * infinite. @defaultValue false
   */
  readonly float32?: boolean;
}

/** The smallest positive normal float32, 2⁻¹²⁶ (IEEE 754 binary32). */
export const FLOAT32_MIN_NORMAL = 2 ** -126;
/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷ (IEEE 754 binary32). */
export const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;
/** The float32 range as printed in messages (rounded inwards, so that a value printed is a value allowed). */
const FLOAT32_RANGE = '[1.1755e-38, 3.4028e38]';

/**
 * The ranges of the numeric flags shared by several commands (each command's table gives them their
 * place, placeholder and description; see flagTable.ts).
 */
export const RANGES = Object.freeze({
  sampleRate: { integer: false, min: 0, max: 1, minOpen: true },
  noiseMultiplier: { integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true },
  steps: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  delta: { integer: false, min: 0, max: 1, minOpen: true, maxOpen: true },
  targetEpsilon: { integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true },
  batchSize: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  datasetSize: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  epochs: { integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true },
  /** A value that goes into float32 tensors (learning rate, clipping norm, σ of a training run). */
  float32Positive: { integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
} as const satisfies Record<string, Omit<NumericFlagSpec, 'flag'>>);

/** The accountants the CLI offers, in the order shown in messages. */
export const ACCOUNTANT_CHOICES = Object.freeze(['rdp', 'pld'] as const satisfies readonly AccountantKind[]);

/** The tfjs backends the CLI offers (the library's BACKEND_CHOICES, kept here so that validating flags loads no tfjs). */
export const BACKEND_CHOICES = Object.freeze(['auto', 'tensorflow', 'wasm', 'cpu'] as const);

// Decimal or scientific notation only: no hex, no "Infinity", no empty string, no whitespace.
const NUMBER_SYNTAX = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The allowed range as a noun phrase, e.g. "a number in (0, 1)", "a finite number > 0",
 * "an integer ≥ 1".
 * @param spec - the flag's range.
 * @returns the phrase.
 * @example
 * ```ts
 * describeAllowed(RANGES.delta); // "a number in (0, 1)"
 * ```
 */
export function describeAllowed(spec: Omit<NumericFlagSpec, 'flag'>): string {
  if (spec.float32 === true && spec.min === 0) {
    return `${spec.minOpen ? 'a number' : '0 or a number'} in ${FLOAT32_RANGE} (float32)`;
  }
  if (spec.integer) {
    return spec.max >= Number.MAX_SAFE_INTEGER ? `an integer ≥ ${spec.min}` : `an integer in [${spec.min}, ${spec.max}]`;
  }
  if (spec.max === Infinity) return `a finite number ${spec.minOpen ? '>' : '≥'} ${spec.min}`;
  return `a number in ${interval(spec)}`;
}

function interval(spec: Omit<NumericFlagSpec, 'flag'>): string {
  return `${spec.minOpen ? '(' : '['}${spec.min}, ${spec.max}${spec.maxOpen ? ')' : ']'}`;
}

/** How an out-of-range (but well-formed) number is described: "in (0, 1)" or "a finite number > 0". */
function describeRange(spec: NumericFlagSpec): string {
  if (!spec.integer && spec.max !== Infinity) return `in ${interval(spec)}`;
  return describeAllowed(spec);
}

/**
 * Parses the raw value of a numeric flag.
 * @param spec - the flag and its range.
 * @param raw - the string commander received.
 * @returns the number, inside the range (and an integer when `spec.integer`).
 * @throws UsageError when `raw` is not a decimal number, not an integer where one is required, not
 *   finite, or outside the range; e.g. "--delta must be in (0, 1); got 1.5".
 * @example
 * ```ts
 * parseNumericFlag({ ...RANGES.steps, flag: '--steps' }, '1e3'); // 1000
 * ```
 */
export function parseNumericFlag(spec: NumericFlagSpec, raw: string): number {
  if (!NUMBER_SYNTAX.test(raw)) {
    throw new UsageError(`${spec.flag} must be ${describeAllowed(spec)}; got ${JSON.stringify(raw)}`, spec.flag);
  }
  const value = Number(raw);
  if (spec.integer && Number.isFinite(value) && !Number.isInteger(value)) {
    throw new UsageError(`${spec.flag} must be ${describeAllowed(spec)}; got ${raw}`, spec.flag);
  }
  const aboveMin = spec.minOpen ? value > spec.min : value >= spec.min;
  const belowMax = spec.maxOpen ? value < spec.max : value <= spec.max;
  if (!Number.isFinite(value) || !aboveMin || !belowMax) {
    const range = spec.integer && value > spec.max ? `an integer in [${spec.min}, ${spec.max}]` : describeRange(spec);
    throw new UsageError(`${spec.flag} must be ${range}; got ${raw}`, spec.flag);
  }
  if (spec.float32 === true && value !== 0 && !(Math.abs(value) >= FLOAT32_MIN_NORMAL && Math.abs(value) <= FLOAT32_MAX)) {
    const what = Math.abs(value) < FLOAT32_MIN_NORMAL ? 'which is 0 or denormal in float32' : 'which overflows float32';
    throw new UsageError(`${spec.flag} must be ${describeAllowed(spec)}; got ${raw}, ${what}`, spec.flag);
  }
  return value;
}

/**
 * Checks that the noise's standard deviation σ·C is finite in float32 (each flag may be, and their
 * product still overflow: noise of infinite spread makes every weight NaN).
 * @param noiseMultiplier - σ (0 for a non-private run).
 * @param maxGradNorm - C.
 * @throws UsageError naming both flags when σ·C > {@link FLOAT32_MAX}.
 * @example
 * ```ts
 * checkNoiseStd(1e20, 1e20); // throws: σ·C = 1e40
 * ```
 */
export function checkNoiseStd(noiseMultiplier: number, maxGradNorm: number): void {
  const std = noiseMultiplier * maxGradNorm;
  if (std > FLOAT32_MAX) {
    throw new UsageError(
      `--noise-multiplier × --max-grad-norm (the noise's standard deviation) must be at most 3.4028e38 (float32); got ${formatNumber(noiseMultiplier)} × ${formatNumber(maxGradNorm)} = ${formatNumber(std)}`,
      '--noise-multiplier',
    );
  }
}
