/**
 * The sensitivity of a query as a fast-check property (Dwork, McSherry, Nissim & Smith 2006):
 * ‖f(D) − f(D′)‖ ≤ Δ for every neighbouring pair — the number a Laplace or Gaussian mechanism's noise is
 * scaled by. A forgotten clip or a bound on the wrong norm shows up as a shrunk counterexample.
 */
import fc from 'fast-check';
import { PrivkitError, requireFunction, requireNonNegative, requireOptions, show as showValue } from '../../accountant/index.js';
import { neighbouringDatasets } from './neighbouringDatasets.js';
import { requireArbitrary } from './_internals/validate.js';

/** `'l1'` (Laplace), `'l2'` (Gaussian, DP-SGD) or `'linf'`. */
export type SensitivityNorm = 'l1' | 'l2' | 'linf';

/**
 * Options of {@link sensitivity}.
 * @example
 * ```ts
 * const options: SensitivityOptions<number[]> = { norm: 'l1', bound: 1, datasets: neighbouringDatasets(fc.double({ min: -5, max: 5, noNaN: true })) };
 * ```
 */
export interface SensitivityOptions<D> {
  /** The norm of the difference. */
  readonly norm: SensitivityNorm;
  /** Δ ≥ 0, the claimed sensitivity. */
  readonly bound: number;
  /** The pairs to try. @defaultValue `neighbouringDatasets(fc.integer({ min: 0, max: 10 }))` */
  readonly datasets?: fc.Arbitrary<readonly [D, D]>;
  /** Absolute slack for floating-point rounding. @defaultValue 1e-9·max(1, bound) */
  readonly tolerance?: number;
}

/** ‖a − b‖ in the given norm; a length mismatch is an error. */
function distance(a: ArrayLike<number>, b: ArrayLike<number>, norm: SensitivityNorm): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (norm === 'l1') s += d;
    else if (norm === 'l2') s += d * d;
    else s = Math.max(s, Number.isNaN(d) ? Infinity : d);
  }
  return norm === 'l2' ? Math.sqrt(s) : s;
}

function asVector(x: number | ArrayLike<number>): ArrayLike<number> {
  return typeof x === 'number' ? [x] : x;
}

function show(x: number | ArrayLike<number>): string {
  return typeof x === 'number' ? String(x) : fc.stringify(Array.from(x));
}

const NORM_SYMBOL: Record<SensitivityNorm, string> = { l1: '₁', l2: '₂', linf: '∞' };

/**
 * A fast-check property: ‖fn(D) − fn(D′)‖ ≤ `bound` (+ `tolerance`) over neighbouring pairs. On failure
 * it throws a message with both datasets, both outputs and the observed difference; fast-check shrinks
 * the pair (with {@link neighbouringDatasets}: to the shortest datasets and smallest offending record)
 * and prints its seed.
 * @param fn - the deterministic query: a number or a fixed-length vector (a flattened tensor).
 * @param options - norm, bound, datasets, tolerance; see {@link SensitivityOptions}.
 * @returns a property for `fc.assert`.
 * @throws PrivkitError `INVALID_ARGUMENT` for an `fn` that is not a function, an unknown norm, a bound
 *   or tolerance that is not a number ≥ 0, or `datasets` that is not an arbitrary. The
 *   property itself throws when fn's outputs on D and D′ have different lengths, or the bound is exceeded.
 * @example
 * ```ts
 * const clippedSum = (d: number[]) => d.reduce((s, x) => s + Math.max(-1, Math.min(1, x)), 0);
 * fc.assert(sensitivity(clippedSum, { norm: 'l1', bound: 1, datasets: neighbouringDatasets(fc.integer({ min: -10, max: 10 })) }));
 * ```
 */
export function sensitivity<D>(fn: (dataset: D) => number | ArrayLike<number>, options: SensitivityOptions<D>): fc.IProperty<[readonly [D, D]]> {
  requireFunction('fn', fn);
  requireOptions('options', options);
  const { norm, bound } = options;
  if (norm !== 'l1' && norm !== 'l2' && norm !== 'linf') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`norm\` must be 'l1', 'l2' or 'linf'; got ${JSON.stringify(norm)}.`);
  }
  if (!(typeof bound === 'number' && bound >= 0)) throw new PrivkitError('INVALID_ARGUMENT', `\`bound\` must be in [0, ∞]; got ${showValue(bound)}.`);
  const tolerance = requireNonNegative('tolerance', options.tolerance ?? 1e-9 * Math.max(1, Number.isFinite(bound) ? bound : 1), false);
  if (options.datasets !== undefined) requireArbitrary('datasets', options.datasets);
  const datasets = options.datasets ?? (neighbouringDatasets(fc.integer({ min: 0, max: 10 })) as unknown as fc.Arbitrary<readonly [D, D]>);
  return fc.property(datasets, ([d, dPrime]) => {
    const [out, outPrime] = [fn(d), fn(dPrime)];
    const [a, b] = [asVector(out), asVector(outPrime)];
    if (a.length !== b.length) {
      throw new Error(`fn returned ${a.length} numbers on D but ${b.length} on D′; its output shape must not depend on the data.\n  D  = ${fc.stringify(d)}\n  D′ = ${fc.stringify(dPrime)}`);
    }
    const observed = distance(a, b, norm);
    if (!(observed <= bound + tolerance)) {
      throw new Error(
        `‖f(D) − f(D′)‖${NORM_SYMBOL[norm]} = ${observed} > bound ${bound}\n` +
          `  D     = ${fc.stringify(d)}\n  D′    = ${fc.stringify(dPrime)}\n  f(D)  = ${show(out)}\n  f(D′) = ${show(outPrime)}`,
      );
    }
  });
}
