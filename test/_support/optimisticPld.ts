/**
 * An OPTIMISTIC discretisation of a privacy-loss distribution, used only as a test reference: each
 * loss is rounded DOWN to the grid and the tails outside the grid are dropped. δ(ε) = E_P[(1 − e^{ε−L})₊]
 * is increasing in L, and convolution preserves stochastic order, so the composed optimistic PLD gives
 * a LOWER bound on the true δ(ε), hence on the true ε(δ) (Koskela, Jälkö & Honkela 2020, §4;
 * dp_accounting's `pessimistic_estimate=False`). Independent of the connect-the-dots construction.
 */
import type { DiscretePld } from '../../accountant/_internals/pld/discretePld.js';
import type { LossProfile } from '../../accountant/_internals/pld/lossProfiles.js';

export function optimisticPld(profile: LossProfile, interval: number): DiscretePld {
  const iLo = Math.floor(profile.lo / interval);
  const iHi = Math.ceil(profile.hi / interval);
  const n = iHi - iLo + 1;
  const tail = new Float64Array(n);
  for (let j = 0; j < n; j++) tail[j] = Math.exp(profile.logTailP((iLo + j) * interval));
  const masses = new Float64Array(n);
  // P(ε_j < L ≤ ε_{j+1}) goes to ε_j; the top tail P(L > ε_n) goes to ε_n.
  for (let j = 0; j < n - 1; j++) masses[j] = Math.max(0, tail[j] - tail[j + 1]);
  masses[n - 1] = tail[n - 1];
  return { interval, offset: iLo, masses, infinityMass: 0 };
}
