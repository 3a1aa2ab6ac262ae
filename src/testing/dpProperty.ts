/**
 * {@link checkDp} as a fast-check property: fast-check draws the neighbouring pairs, runs the test on
 * each and shrinks a failing pair.
 */
import fc from 'fast-check';
import { PrivkitError, requireFunction, requireOptions } from '../../accountant/index.js';
import { checkDpSync, type Mechanism, type PrivacyClaim } from './checkDp.js';
import { neighbouringDatasets } from './neighbouringDatasets.js';
import { claimOf, confidenceOf, requireArbitrary, samplesOf } from './_internals/validate.js';

/**
 * Options of {@link dpProperty}.
 * @example
 * ```ts
 * const options: DpPropertyOptions<number[]> = { datasets: neighbouringDatasets(fc.integer({ min: 0, max: 10 })), samples: 20_000, runs: 10 };
 * ```
 */
export interface DpPropertyOptions<D> {
  /** The pairs to test. @defaultValue `neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 })` */
  readonly datasets?: fc.Arbitrary<readonly [D, D]>;
  /** Draws per dataset for each pair. @defaultValue 20 000 */
  readonly samples?: number;
  /** 1 − α for the whole property (all `runs` pairs together). @defaultValue 0.95 */
  readonly confidence?: number;
  /**
   * How many pairs `fc.assert` will try (its `numRuns`; fast-check's default is 100). Each pair is tested
   * at confidence 1 − α/runs, so that a mechanism meeting the claim fails the whole property with
   * probability ≤ α (Bonferroni). Pass the same number as `numRuns`. @defaultValue 100
   */
  readonly runs?: number;
}

/**
 * A fast-check property that a mechanism meets an (ε, δ) claim on every neighbouring pair fast-check
 * draws: for each pair, {@link checkDp} with a seed that fast-check draws (and prints on failure). It
 * throws, with the pair, the ε lower bound and its interval, the event and the seed, when a pair refutes
 * the claim; fast-check then shrinks the pair. The mechanism must be synchronous.
 * @param mechanism - `(dataset, random) => number | number[]`.
 * @param claim - the claimed ε and δ.
 * @param options - datasets, samples, confidence, runs; see {@link DpPropertyOptions}.
 * @returns a property for `fc.assert` (pass `numRuns: runs`).
 * @throws PrivkitError `INVALID_ARGUMENT`, when the property is made, for a `mechanism` that is not a
 *   function, a bad claim (ε ≥ 0, δ in [0, 1)), `runs` that is not an integer ≥ 1, `confidence` outside
 *   (0, 1), `samples` outside [20, 10⁸], or `datasets` that is not an arbitrary.
 * @example
 * ```ts
 * fc.assert(dpProperty(noisyCount, { epsilon: 1, delta: 0 }, {
 *   datasets: neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 }), runs: 20 }), { numRuns: 20 });
 * ```
 */
export function dpProperty<D>(mechanism: Mechanism<D>, claim: PrivacyClaim, options: DpPropertyOptions<D> = {}): fc.IProperty<[readonly [D, D], number]> {
  requireFunction('mechanism', mechanism);
  claimOf(claim);
  requireOptions('options', options);
  const runs = options.runs ?? 100;
  if (!(Number.isSafeInteger(runs) && runs >= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`runs\` must be an integer ≥ 1; got ${String(runs)}.`);
  }
  const confidence = confidenceOf(options.confidence ?? 0.95);
  const samples = samplesOf('samples', options.samples ?? 20_000);
  if (options.datasets !== undefined) requireArbitrary('datasets', options.datasets);
  const datasets = options.datasets ?? (neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 }) as unknown as fc.Arbitrary<readonly [D, D]>);
  const perPair = 1 - (1 - confidence) / runs;
  return fc.property(datasets, fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })), (neighbours, seed) => {
    const result = checkDpSync(mechanism, claim, { neighbours, seed, samples, confidence: perPair });
    if (!result.passed) throw new Error(result.summary);
  });
}
