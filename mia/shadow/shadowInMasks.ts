import { PrivkitError, requireSeed, seededUniform } from '../../accountant/index.js';
import { checkShadowCount, MAX_EXAMPLES } from './_internals/checkShadowInputs.js';

/**
 * Which population examples each shadow model trains on, in the design of Carlini et al. 2022
 * ("Membership Inference Attacks From First Principles", §IV-C / their `train.py`): every example is
 * IN for exactly half of the shadow models, so that each example has N/2 IN and N/2 OUT models to
 * fit its two Gaussians from.
 *
 * We draw the shadows in complementary pairs (shadow 2k trains on a uniformly random half of the
 * population, shadow 2k+1 on the rest), which gives "exactly half" for every example by
 * construction and also makes every shadow's training set the same size (⌊n/2⌋ or ⌈n/2⌉), so that
 * shadows can be trained together in lock-step (same number of steps per epoch). Across pairs the
 * halves are independent. An odd count leaves the last shadow unpaired: examples are then IN for
 * ⌊N/2⌋ or ⌈N/2⌉ of them.
 *
 * @param numExamples - population size n, an integer in [2, 2³¹ − 1].
 * @param count - number of shadow models N, an integer in [1, 65 536].
 * @param seed - seed of the draw, an integer in [0, 2³² − 1].
 * @returns N masks of length n; `masks[s][i] === 1` when example i is IN for shadow s.
 * @throws PrivkitError `INVALID_ARGUMENT` for n or N outside those ranges, a non-integer, or a bad seed.
 * @example
 * ```ts
 * const masks = shadowInMasks(10_000, 16, 0); // masks[0][i] + masks[1][i] === 1 for every i
 * ```
 */
export function shadowInMasks(numExamples: number, count: number, seed: number): Uint8Array[] {
  if (!Number.isInteger(numExamples) || numExamples < 2) {
    throw new PrivkitError('INVALID_ARGUMENT', `the population must have at least 2 examples; got ${String(numExamples)}.`);
  }
  if (numExamples > MAX_EXAMPLES) throw new PrivkitError('INVALID_ARGUMENT', `the population must have at most ${MAX_EXAMPLES} examples; got ${numExamples}.`);
  checkShadowCount(count);
  requireSeed('seed', seed);
  const masks: Uint8Array[] = [];
  for (let pair = 0; 2 * pair < count; pair++) {
    const u = seededUniform(((seed >>> 0) ^ Math.imul(pair + 1, 0x9e3779b1)) >>> 0);
    // A uniformly random half: the first ⌊n/2⌋ of a Fisher–Yates permutation (pairs alternate which
    // side gets the extra example when n is odd).
    const order = new Int32Array(numExamples);
    for (let i = 0; i < numExamples; i++) order[i] = i;
    for (let i = numExamples - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const half = pair % 2 === 0 ? Math.floor(numExamples / 2) : Math.ceil(numExamples / 2);
    const a = new Uint8Array(numExamples);
    for (let i = 0; i < half; i++) a[order[i]] = 1;
    masks.push(a);
    if (masks.length < count) masks.push(a.map((v) => 1 - v));
  }
  return masks;
}
