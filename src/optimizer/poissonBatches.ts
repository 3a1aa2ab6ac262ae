/**
 * Poisson sampling of batches, the sampling the privacy accountants assume (Abadi et al. 2016 §3.1;
 * Mironov, Talwar & Zhang 2019): each of the n examples joins each batch independently with
 * probability q, so batch sizes vary and may be 0. Shuffled fixed-size batches do not give the
 * accounted guarantee (TF-Privacy #483, Opacus #80).
 */
import { PrivkitError } from '../../accountant/index.js';
import { UniformStream, Xoshiro128, describeValue, isGeneratorState, secureWords } from './randomness.js';

export { isGeneratorState };

/** Where a {@link PoissonSampler}'s randomness comes from. */
export type SamplerRandomness = 'secure' | { readonly seed: number } | { readonly state: readonly number[] };

/**
 * Poisson sampling of batches of example indices, by geometric skips (the gap to the next included
 * index is Geometric(q)): O(q·n) per batch. Secure (the CSPRNG) or seeded (xoshiro128**, whose state
 * {@link PoissonSampler.state} saves and restores in O(1)).
 */
export class PoissonSampler {
  private readonly generator: Xoshiro128 | null;
  private readonly uniforms: UniformStream;
  private readonly logKeep: number;

  /**
   * @param n - number of examples, an integer ≥ 1.
   * @param sampleRate - q in (0, 1].
   * @param randomness - `'secure'`, `{ seed }`, or `{ state }` from {@link PoissonSampler.state}.
   * @throws PrivkitError `INVALID_ARGUMENT` for bad n, q, seed or state.
   */
  constructor(
    readonly n: number,
    readonly sampleRate: number,
    randomness: SamplerRandomness,
  ) {
    if (!Number.isSafeInteger(n) || n < 1) throw new PrivkitError('INVALID_ARGUMENT', `\`n\` must be an integer ≥ 1; got ${String(n)}.`);
    if (!(typeof sampleRate === 'number' && sampleRate > 0 && sampleRate <= 1)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`sampleRate\` must be in (0, 1]; got ${String(sampleRate)}.`);
    }
    if (randomness === 'secure') this.generator = null;
    else if (typeof randomness === 'object' && randomness !== null && 'seed' in randomness && Number.isSafeInteger(randomness.seed)) {
      this.generator = new Xoshiro128(randomness.seed);
    } else if (typeof randomness === 'object' && randomness !== null && 'state' in randomness && isGeneratorState(randomness.state)) {
      this.generator = Xoshiro128.fromState(randomness.state);
    } else {
      throw new PrivkitError('INVALID_ARGUMENT', `the sampler's randomness must be 'secure', { seed: integer } or { state: four 32-bit words, not all 0 }; got ${describeValue(randomness)}.`);
    }
    // Unbuffered: every uniform takes its words straight from the generator, so its state is exact.
    this.uniforms = new UniformStream(this.generator ?? secureWords, this.generator === null ? 4096 : 2);
    this.logKeep = Math.log1p(-sampleRate);
  }

  /** The next batch: sorted indices, possibly none. */
  next(): Int32Array {
    const { n, sampleRate, logKeep, uniforms } = this;
    if (sampleRate === 1) return Int32Array.from({ length: n }, (_, i) => i);
    const picked: number[] = [];
    // Index of the next included example: skip ~ Geometric(q) ⇒ floor(log U / log(1 − q)), U ∈ (0, 1).
    let i = Math.floor(Math.log(uniforms.uniform()) / logKeep);
    while (i < n) {
      picked.push(i);
      i += 1 + Math.floor(Math.log(uniforms.uniform()) / logKeep);
    }
    return Int32Array.from(picked);
  }

  /**
   * Continues a seeded sampler from a saved {@link PoissonSampler.state} (checkpoint resume, O(1)).
   * @throws PrivkitError `INVALID_ARGUMENT` for a secure sampler (it has no state) or a bad state.
   */
  restore(state: readonly number[]): void {
    if (this.generator === null) throw new PrivkitError('INVALID_ARGUMENT', 'A secure sampler has no state to restore; it draws fresh randomness.');
    if (!isGeneratorState(state)) throw new PrivkitError('INVALID_ARGUMENT', `a sampler state is four 32-bit words, not all 0; got ${describeValue(state)}.`);
    this.generator.setState(state);
  }

  /** The seeded generator's state (four words; restore with `{ state }`), or `null` when secure. */
  state(): number[] | null {
    return this.generator === null ? null : this.generator.state();
  }
}

/**
 * An endless sequence of Poisson-sampled batches of example indices (see {@link PoissonSampler}).
 * @param n - number of examples, an integer ≥ 1.
 * @param sampleRate - q in (0, 1].
 * @param seed - a seed, an integer taken modulo 2³² (the same seed gives the same batches: for
 *   experiments), or `'secure'` (the CSPRNG). @defaultValue 'secure'
 * @returns a generator of Int32Array index lists, sorted, possibly empty.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad n, q or seed.
 * @example
 * ```ts
 * const batches = poissonBatches(60000, 256 / 60000);
 * const first = batches.next().value; // ~256 indices
 * ```
 */
export function poissonBatches(n: number, sampleRate: number, seed: number | 'secure' = 'secure'): Generator<Int32Array, never> {
  // Built here, not in the generator's body, so that bad arguments throw at the call, not at the first next().
  const sampler = new PoissonSampler(n, sampleRate, seed === 'secure' ? 'secure' : { seed });
  return batchesOf(sampler);
}

function* batchesOf(sampler: PoissonSampler): Generator<Int32Array, never> {
  for (;;) yield sampler.next();
}
