/**
 * Laws every privacy accountant obeys, as fast-check properties over DP-SGD-like events
 * `poissonSampled(q, gaussian(σ))` composed for some number of steps. Use them to test an accountant
 * of your own, or to check privkit's in your CI.
 */
import fc from 'fast-check';
import { composed, gaussian, noOp, poissonSampled, PrivkitError, requireFunction, requireNonNegative, requireOptions, selfComposed } from '../../accountant/index.js';
import type { PrivacyAccountant } from '../../accountant/index.js';
import { requireCount } from './_internals/validate.js';

/**
 * Options of {@link accountantLaws}.
 * @example
 * ```ts
 * const options: AccountantLawsOptions = { seed: 42, numRuns: 25, stepsMax: 200 };
 * ```
 */
export interface AccountantLawsOptions {
  /** Runs per law. @defaultValue 100 (fast-check's default) */
  readonly numRuns?: number;
  /** Seed for reproducible runs. @defaultValue none: fast-check draws one and prints it on failure */
  readonly seed?: number;
  /** Largest number of steps composed (at least 1). @defaultValue 1000 */
  readonly stepsMax?: number;
  /**
   * Relative slack for the monotonicity and equivalence laws, for accountants that discretise.
   * @defaultValue 1e-9
   */
  readonly relativeTolerance?: number;
}

/**
 * One named law: pass `property` and `parameters` to `fc.assert`.
 * @example
 * ```ts
 * const [law] = accountantLaws(() => new RdpAccountant());
 * fc.assert(law.property, law.parameters);
 * ```
 */
export interface AccountantLaw {
  /** What the law says, e.g. "ε is non-decreasing in the number of steps". */
  readonly name: string;
  /** The fast-check property; it throws an Error that states the numbers when the law fails. */
  readonly property: fc.IProperty<unknown>;
  /** `numRuns` and `seed` from the options, ready for `fc.assert(law.property, law.parameters)`. */
  readonly parameters: fc.Parameters<unknown>;
}

/** Log-uniform doubles in [min, max]. */
function logUniform(min: number, max: number): fc.Arbitrary<number> {
  return fc
    .double({ min: Math.log(min), max: Math.log(max), noNaN: true })
    .map((x) => Math.min(max, Math.max(min, Math.exp(x))));
}

/** Sample rate q in [1e-3, 1], log-uniform. */
const sampleRate = logUniform(1e-3, 1);
/** Noise multiplier σ in [0.5, 10], log-uniform. */
const noiseMultiplier = logUniform(0.5, 10);
/** δ in [1e-8, 1e-3], log-uniform. */
const delta = logUniform(1e-8, 1e-3);
/** ε in [1e-2, 1e2], log-uniform. */
const epsilon = logUniform(1e-2, 1e2);

/** The composed variant of the equivalence law builds an array of `n` events; this bounds `n`. */
const COMPOSED_MAX = 100;

function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/** a ≤ b up to `tol` relative; exact for infinities. */
function notAbove(a: number, b: number, tol: number): boolean {
  return a <= b || a <= b + tol * Math.abs(b);
}

/** a = b up to `tol` relative; exact for infinities. */
function close(a: number, b: number, tol: number): boolean {
  return Object.is(a, b) || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * The laws of a privacy accountant, as named fast-check properties:
 * ε is non-decreasing in the number of steps and in the sample rate and non-increasing in σ;
 * `compose(e, n)`, `compose(selfComposed(e, n))` and `compose(composed([e, …, e]))` agree;
 * δ(ε(δ)) ≤ δ and ε(δ(ε)) ≤ ε (to 1e-6 relative); composing `noOp` changes nothing.
 *
 * Events are `poissonSampled(q, gaussian(σ))` with q in [1e-3, 1] and σ in [0.5, 10] (log-uniform),
 * composed 1…`stepsMax` times; δ is in [1e-8, 1e-3] and ε in [1e-2, 1e2] (log-uniform).
 *
 * @param makeAccountant - returns a fresh, empty accountant each time it is called.
 * @param options - runs, seed, step bound and tolerance; see {@link AccountantLawsOptions}.
 * @returns the laws, each with a name, a property and the `fc.assert` parameters.
 * @throws PrivkitError `INVALID_ARGUMENT` if `makeAccountant` is not a function, `stepsMax` or
 *   `numRuns` is not an integer ≥ 1, `seed` is not an integer, or `relativeTolerance` is not a finite
 *   number ≥ 0.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { it } from 'vitest';
 * import { RdpAccountant } from 'privkit';
 * import { accountantLaws } from 'privkit/testing';
 *
 * for (const law of accountantLaws(() => new RdpAccountant(), { seed: 42, numRuns: 25 })) {
 *   it(law.name, () => fc.assert(law.property, law.parameters));
 * }
 * ```
 */
export function accountantLaws(makeAccountant: () => PrivacyAccountant, options: AccountantLawsOptions = {}): AccountantLaw[] {
  requireFunction('makeAccountant', makeAccountant);
  requireOptions('options', options);
  const stepsMax = requireCount('stepsMax', options.stepsMax ?? 1000, 1);
  if (options.numRuns !== undefined) requireCount('numRuns', options.numRuns, 1);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`seed\` must be an integer; got ${String(options.seed)}.`);
  }
  const tol = requireNonNegative('relativeTolerance', options.relativeTolerance ?? 1e-9, true);
  const parameters: fc.Parameters<unknown> = {
    ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const steps = fc.integer({ min: 1, max: stepsMax });
  const epsilonAfter = (q: number, sigma: number, n: number, d: number): number =>
    makeAccountant().compose(poissonSampled(q, gaussian(sigma)), n).getEpsilon(d);
  const law = (name: string, property: fc.IProperty<unknown>): AccountantLaw => ({ name, property, parameters });

  return [
    law(
      'ε is non-decreasing in the number of steps',
      fc.property(sampleRate, noiseMultiplier, steps, steps, delta, (q, sigma, n1, n2, d) => {
        const [few, many] = n1 <= n2 ? [n1, n2] : [n2, n1];
        const [eFew, eMany] = [epsilonAfter(q, sigma, few, d), epsilonAfter(q, sigma, many, d)];
        check(notAbove(eFew, eMany, tol), () => `ε(${few} steps) = ${eFew} > ε(${many} steps) = ${eMany}`);
      }),
    ),
    law(
      'ε is non-decreasing in the sample rate',
      fc.property(sampleRate, sampleRate, noiseMultiplier, steps, delta, (q1, q2, sigma, n, d) => {
        const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
        const [eLo, eHi] = [epsilonAfter(lo, sigma, n, d), epsilonAfter(hi, sigma, n, d)];
        check(notAbove(eLo, eHi, tol), () => `ε(q=${lo}) = ${eLo} > ε(q=${hi}) = ${eHi}`);
      }),
    ),
    law(
      'ε is non-increasing in the noise multiplier',
      fc.property(sampleRate, noiseMultiplier, noiseMultiplier, steps, delta, (q, s1, s2, n, d) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [eLo, eHi] = [epsilonAfter(q, lo, n, d), epsilonAfter(q, hi, n, d)];
        check(notAbove(eHi, eLo, tol), () => `ε(σ=${hi}) = ${eHi} > ε(σ=${lo}) = ${eLo}`);
      }),
    ),
    law(
      'compose(e, n) ≡ compose(selfComposed(e, n)) ≡ compose(composed([e, …, e]))',
      fc.property(sampleRate, noiseMultiplier, fc.integer({ min: 1, max: Math.min(stepsMax, COMPOSED_MAX) }), delta, epsilon, (q, sigma, n, d, e) => {
        const event = poissonSampled(q, gaussian(sigma));
        const variants = [
          makeAccountant().compose(event, n),
          makeAccountant().compose(selfComposed(event, n)),
          makeAccountant().compose(composed(Array.from({ length: n }, () => event))),
        ];
        const [eps, deltas] = [variants.map((a) => a.getEpsilon(d)), variants.map((a) => a.getDelta(e))];
        check(eps.every((x) => close(x, eps[0], tol)), () => `ε(δ=${d}) differs: ${eps.join(' vs ')}`);
        check(deltas.every((x) => close(x, deltas[0], tol)), () => `δ(ε=${e}) differs: ${deltas.join(' vs ')}`);
      }),
    ),
    law(
      'δ(ε(δ)) ≤ δ',
      fc.property(sampleRate, noiseMultiplier, steps, delta, (q, sigma, n, d) => {
        const acc = makeAccountant().compose(poissonSampled(q, gaussian(sigma)), n);
        const e = acc.getEpsilon(d);
        if (!(Number.isFinite(e) && e > 0)) return; // nothing to invert
        const back = acc.getDelta(e);
        check(back <= d * (1 + 1e-6), () => `ε(${d}) = ${e}, but δ(${e}) = ${back}`);
      }),
    ),
    law(
      'ε(δ(ε)) ≤ ε',
      fc.property(sampleRate, noiseMultiplier, steps, epsilon, (q, sigma, n, e) => {
        const acc = makeAccountant().compose(poissonSampled(q, gaussian(sigma)), n);
        const d = acc.getDelta(e);
        if (!(d > 0 && d < 1)) return; // δ = 0 or 1 is outside getEpsilon's domain
        const back = acc.getEpsilon(d);
        check(back <= e * (1 + 1e-6) + 1e-9, () => `δ(${e}) = ${d}, but ε(${d}) = ${back}`);
      }),
    ),
    law(
      'composing noOp changes nothing',
      fc.property(sampleRate, noiseMultiplier, steps, fc.integer({ min: 0, max: 10 }), delta, epsilon, (q, sigma, n, k, d, e) => {
        const event = poissonSampled(q, gaussian(sigma));
        const plain = makeAccountant().compose(event, n);
        const padded = makeAccountant().compose(noOp()).compose(event, n).compose(noOp(), k).compose(selfComposed(noOp(), k));
        const [e1, e2, d1, d2] = [plain.getEpsilon(d), padded.getEpsilon(d), plain.getDelta(e), padded.getDelta(e)];
        check(Object.is(e1, e2) && Object.is(d1, d2), () => `ε(δ=${d}): ${e1} vs ${e2}; δ(ε=${e}): ${d1} vs ${d2}`);
      }),
    ),
  ];
}
