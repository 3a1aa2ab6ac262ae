/**
 * A statistical test of a differential-privacy claim: draw a randomised mechanism's output many times on
 * two neighbouring datasets, find an output event whose probabilities differ most, and lower-bound the
 * privacy loss that event proves — the approach of DP-Sniper (Bichsel, Steffen, Bogunovic & Vechev
 * 2021) and DP-Auditorium (Kong et al. 2024), with exact Clopper–Pearson bounds as in Jagielski,
 * Ullman & Oprea 2020.
 */
import fc from 'fast-check';
import { clopperPearsonLower, clopperPearsonUpper, ndtri, PrivkitError, requireFunction, requireOptions, seededUniform, show, streamSeed } from '../../accountant/index.js';
import { bestCandidates, buildFeatures, countEvent, describeOutputEvent, slice, type Candidate, type Draws } from './_internals/eventSearch.js';
import { drawSeed } from './_internals/prng.js';
import { neighbouringDatasets } from './neighbouringDatasets.js';
import { claimOf, confidenceOf, MAX_SAMPLES, requireArbitrary, requireCount, samplesOf } from './_internals/validate.js';

/**
 * A randomised mechanism under test. `random()` is uniform on [0, 1) and must be its only source of
 * randomness (checkDp replays draws from the seed to check that); it returns a number or a fixed-length
 * vector of numbers (±∞ allowed, NaN refused).
 */
export type Mechanism<D> = (dataset: D, random: () => number) => number | ArrayLike<number>;

/** The (ε, δ) a mechanism claims. */
export interface PrivacyClaim {
  /** ε ≥ 0. */
  readonly epsilon: number;
  /** δ in [0, 1). @defaultValue 0 */
  readonly delta?: number;
}

/**
 * Options of {@link checkDp}.
 * @example
 * ```ts
 * const options: CheckDpOptions<number[]> = { neighbours: [[1, 2], [1, 2, 3]], samples: 200_000, confidence: 0.95, seed: 1 };
 * ```
 */
export interface CheckDpOptions<D> {
  /** The pair [D, D′] to test. @defaultValue none: a pair is searched for among `datasets` */
  readonly neighbours?: readonly [D, D];
  /**
   * Where to search for a bad pair when `neighbours` is omitted (a short fast-check run scored on
   * `searchSamples` draws, with shrinking).
   * @defaultValue `neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 })`
   */
  readonly datasets?: fc.Arbitrary<readonly [D, D]>;
  /** Draws of the mechanism on each dataset, half to choose the event and half to test it (20 to 10⁸). @defaultValue 100 000 */
  readonly samples?: number;
  /** 1 − α: a mechanism that meets the claim fails with probability at most α. @defaultValue 0.95 */
  readonly confidence?: number;
  /** Seed of the generator behind `random()`; printed in the summary. @defaultValue a fresh random seed */
  readonly seed?: number;
  /** Pairs tried by the search (before shrinking), 1 to 10 000. @defaultValue 20 */
  readonly searchRuns?: number;
  /** Draws per dataset to score a candidate pair during the search (20 to 10⁸). @defaultValue max(2 000, samples / 10) */
  readonly searchSamples?: number;
}

/** What {@link checkDp} concludes. */
export interface CheckDpResult<D> {
  /** False when the evidence refutes the claim: `epsilonLowerBound > claim.epsilon`. */
  readonly passed: boolean;
  /** ε_lb = ln((p_lower − δ)/p_upper) on the chosen event, clamped at 0; ε_true ≥ ε_lb with probability ≥ `confidence`. */
  readonly epsilonLowerBound: number;
  /** The confidence of the bound (the option). */
  readonly confidence: number;
  /** The output event used, e.g. `"y ≥ 3"` or `"y[1] ≤ -0.42"`. */
  readonly event: string;
  /** Draws per dataset. */
  readonly samples: number;
  /** ln((p̂ − δ)/p̂′) from the evaluation counts (clamped at 0; ∞ when the event never occurred under the lighter dataset). */
  readonly epsilonEstimate: number;
  /**
   * Upper end of the interval [epsilonLowerBound, epsilonUpperBound], which covers the chosen event's
   * privacy loss ln((P[E | heavier] − δ)/P[E | lighter]) with probability ≥ `confidence` (∞ when the event
   * never occurred under the lighter dataset).
   */
  readonly epsilonUpperBound: number;
  /** The claim tested, δ filled in. */
  readonly claim: { readonly epsilon: number; readonly delta: number };
  /** The pair tested: the one given, or the one the search found. */
  readonly neighbours: readonly [D, D];
  /** Whether `neighbours` was found by the search. */
  readonly searched: boolean;
  /** The dataset under which the event is more likely. */
  readonly moreLikelyUnder: 'D' | 'D′';
  /** Clopper–Pearson intervals of P[M(D) ∈ E] and P[M(D′) ∈ E] on the evaluation half. */
  readonly eventProbability: { readonly inD: readonly [number, number]; readonly inDPrime: readonly [number, number] };
  /** The seed used (given or drawn). */
  readonly seed: number;
  /** One paragraph for a failure message: verdict, ε bound and interval, event, pair, samples, seed. */
  readonly summary: string;
}

const DEFAULT_DATASETS = neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 });

interface Settings<D> {
  readonly epsilon: number;
  readonly delta: number;
  readonly samples: number;
  readonly confidence: number;
  readonly seed: number;
  readonly searchRuns: number;
  readonly searchSamples: number;
  readonly datasets: fc.Arbitrary<readonly [D, D]>;
}

function invalid(message: string): PrivkitError {
  return new PrivkitError('INVALID_ARGUMENT', message);
}

/** Most pairs the search screens: it is a screening step, whose pick the evaluation then retests. */
const MAX_SEARCH_RUNS = 10_000;

function settingsOf<D>(mechanism: unknown, claim: PrivacyClaim, options: CheckDpOptions<D>): Settings<D> {
  requireFunction('mechanism', mechanism);
  const { epsilon, delta } = claimOf(claim);
  requireOptions('options', options);
  const samples = samplesOf('samples', options.samples ?? 100_000);
  const confidence = confidenceOf(options.confidence ?? 0.95);
  const seed = options.seed ?? drawSeed();
  if (!Number.isSafeInteger(seed)) throw invalid(`\`seed\` must be an integer; got ${show(seed)}.`);
  const searchRuns = requireCount('searchRuns', options.searchRuns ?? 20, 1, MAX_SEARCH_RUNS);
  const searchSamples = samplesOf('searchSamples', options.searchSamples ?? Math.max(2000, Math.floor(samples / 10)));
  if (options.neighbours !== undefined && !(Array.isArray(options.neighbours) && options.neighbours.length === 2)) {
    throw invalid(`\`neighbours\` must be a pair [D, D′]; got ${show(options.neighbours)}.`);
  }
  if (options.datasets !== undefined) requireArbitrary('datasets', options.datasets);
  const datasets = options.datasets ?? (DEFAULT_DATASETS as unknown as fc.Arbitrary<readonly [D, D]>);
  return { epsilon, delta, samples, confidence, seed, searchRuns, searchSamples, datasets };
}

/** "D′ (draw 17)": where an output came from, for error messages. */
function at(name: string, draw: string, row: number): string {
  return `${name} (${draw} ${row + 1})`;
}

/** Writes one output into `values` at row `row`; returns the output's dimension. */
function store(out: unknown, values: Float64Array | null, row: number, k: number, name: string, draw: string): number {
  if (typeof out === 'number') {
    if (Number.isNaN(out)) throw invalid(`The mechanism returned NaN on ${at(name, draw, row)}; outputs must be numbers or vectors of numbers (±∞ allowed).`);
    if (k > 1) throw invalid(`The mechanism returned a number on ${at(name, draw, row)} after returning vectors of length ${k}; the output shape must not change.`);
    if (values !== null) values[row] = out;
    return 1;
  }
  if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
    throw invalid('The mechanism returned a Promise; it must be synchronous: (dataset, random) => number | number[].');
  }
  const vector = out as ArrayLike<number> | null | undefined;
  if (vector === null || vector === undefined || typeof vector.length !== 'number' || vector.length < 1) {
    throw invalid(`The mechanism returned ${show(out)} on ${at(name, draw, row)}; it must return a number or a non-empty array of numbers.`);
  }
  if (k !== 0 && vector.length !== k) throw invalid(`The mechanism returned a vector of length ${vector.length} on ${at(name, draw, row)} after length ${k}; the output shape must not change.`);
  for (let j = 0; j < vector.length; j++) {
    const v = vector[j];
    if (typeof v !== 'number' || Number.isNaN(v)) throw invalid(`The mechanism returned ${show(v)} at index ${j} on ${at(name, draw, row)}; outputs must be numbers (±∞ allowed).`);
    if (values !== null) values[row * vector.length + j] = v;
  }
  return vector.length;
}

/** n draws of `mechanism` on `dataset` from the generator seeded by `seed`, after a replay check. */
function drawOutputs<D>(mechanism: Mechanism<D>, dataset: D, n: number, seed: number, name: string): Draws {
  const random = seededUniform(seed);
  const first = mechanism(dataset, random);
  const k = store(first, null, 0, 0, name, 'draw');
  if (n * k > MAX_SAMPLES) {
    throw invalid(`\`samples\` × output length = ${n} × ${k} exceeds ${MAX_SAMPLES} stored numbers per dataset; draw fewer samples or return a shorter vector.`);
  }
  const values = new Float64Array(n * k);
  store(first, values, 0, k, name, 'draw');
  for (let i = 1; i < n; i++) {
    const out = mechanism(dataset, random);
    // Fast path for the common case (a plain number); everything else is checked by `store`.
    if (k === 1 && typeof out === 'number' && out === out) values[i] = out;
    else store(out, values, i, k, name, 'draw');
  }
  // Replay the first two draws: a mechanism that also reads Math.random (or any state) is not reproducible from the seed.
  const replay = seededUniform(seed);
  const again = new Float64Array(Math.min(n, 2) * k);
  for (let i = 0; i < Math.min(n, 2); i++) store(mechanism(dataset, replay), again, i, k, name, 'replay of draw');
  for (let j = 0; j < again.length; j++) {
    if (!Object.is(again[j], values[j])) {
      throw invalid(`The mechanism gave different outputs on ${name} for the same random() sequence; random() must be its only source of randomness (no Math.random, no state kept between calls).`);
    }
  }
  return { n, k, values };
}

function showDataset(d: unknown): string {
  const s = fc.stringify(d);
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 6 : 3) : String(x);
}

/** ln((pA − δ)/pB), clamped at 0 (∞ when pB = 0 < pA − δ). */
function epsilonOf(pA: number, pB: number, delta: number): number {
  const numerator = pA - delta;
  if (!(numerator > 0)) return 0;
  if (pB <= 0) return Infinity;
  return Math.max(0, Math.log(numerator / pB));
}

interface Evaluated {
  readonly candidate: Candidate;
  readonly lower: number;
  readonly estimate: number;
  readonly upper: number;
  readonly inD: [number, number];
  readonly inDPrime: [number, number];
}

/** The most separated pair found among `datasets` (fast-check run and shrink on screening draws). */
function searchNeighbours<D>(mechanism: Mechanism<D>, s: Settings<D>, z: number): readonly [D, D] {
  let best: { pair: readonly [D, D]; score: number } | null = null;
  const screen = (pair: readonly [D, D]): number => {
    const d0 = drawOutputs(mechanism, pair[0], s.searchSamples, streamSeed(s.seed, 2), 'D');
    const d1 = drawOutputs(mechanism, pair[1], s.searchSamples, streamSeed(s.seed, 3), 'D′');
    const score = Math.max(...bestCandidates(d0, d1, buildFeatures(d0, d1), s.delta, z).map((c) => c.score));
    if (best === null || score > best.score) best = { pair, score };
    return score;
  };
  const details = fc.check(
    fc.property(s.datasets, (pair) => screen(pair) <= s.epsilon),
    { numRuns: s.searchRuns, seed: streamSeed(s.seed, 4) | 0 },
  );
  if (details.errorInstance instanceof PrivkitError) throw details.errorInstance;
  if (details.failed && details.counterexample !== null) return details.counterexample[0];
  if (best === null) throw invalid('The search drew no pair of datasets from `datasets`.');
  return (best as { pair: readonly [D, D] }).pair;
}

/**
 * {@link checkDp}, synchronously (for `fc.property`, see {@link dpProperty}); same arguments and result.
 * @example
 * ```ts
 * const result = checkDpSync((d: number[], random) => d.length + sampleLaplace(random, 1), { epsilon: 1 }, { neighbours: [[], [1]], seed: 1 });
 * ```
 */
export function checkDpSync<D>(mechanism: Mechanism<D>, claim: PrivacyClaim, options: CheckDpOptions<D> = {}): CheckDpResult<D> {
  const s = settingsOf(mechanism, claim, options);
  const alpha = 1 - s.confidence;
  // Two candidate events (one per direction) × two one-sided bounds each: α/4 per bound (Bonferroni).
  const perBound = alpha / 4;
  const z = -ndtri(perBound); // Φ⁻¹(1 − perBound), from the lower tail so that no digit is lost
  const searched = options.neighbours === undefined;
  const neighbours = options.neighbours ?? searchNeighbours(mechanism, s, z);

  const draws0 = drawOutputs(mechanism, neighbours[0], s.samples, streamSeed(s.seed, 0), 'D');
  const draws1 = drawOutputs(mechanism, neighbours[1], s.samples, streamSeed(s.seed, 1), 'D′');
  if (draws0.k !== draws1.k) throw invalid(`The mechanism returned ${draws0.k} numbers on D but ${draws1.k} on D′; the output shape must not depend on the data.`);
  const half = Math.floor(s.samples / 2);
  const [sel0, sel1] = [slice(draws0, 0, half), slice(draws1, 0, half)];
  const [ev0, ev1] = [slice(draws0, half, s.samples), slice(draws1, half, s.samples)];
  const candidates = bestCandidates(sel0, sel1, buildFeatures(sel0, sel1), s.delta, z);

  const evaluated: Evaluated[] = candidates.map((candidate) => {
    const [c0, c1] = [countEvent(ev0, candidate.event), countEvent(ev1, candidate.event)];
    const inD: [number, number] = [clopperPearsonLower(c0, ev0.n, perBound), clopperPearsonUpper(c0, ev0.n, perBound)];
    const inDPrime: [number, number] = [clopperPearsonLower(c1, ev1.n, perBound), clopperPearsonUpper(c1, ev1.n, perBound)];
    const [heavy, light, heavyHat, lightHat] =
      candidate.heavier === 0 ? [inD, inDPrime, c0 / ev0.n, c1 / ev1.n] : [inDPrime, inD, c1 / ev1.n, c0 / ev0.n];
    return {
      candidate,
      lower: epsilonOf(heavy[0], light[1], s.delta),
      estimate: epsilonOf(heavyHat, lightHat, s.delta),
      upper: epsilonOf(heavy[1], light[0], s.delta),
      inD,
      inDPrime,
    };
  });
  const chosen = evaluated.reduce((a, b) => (b.lower > a.lower || (b.lower === a.lower && b.estimate > a.estimate) ? b : a));
  const passed = !(chosen.lower > s.epsilon);
  const event = describeOutputEvent(chosen.candidate.event);
  const moreLikelyUnder = chosen.candidate.heavier === 0 ? 'D' : 'D′';
  const pct = `${Number((s.confidence * 100).toPrecision(6))}%`;
  const bound = `ε ≥ ${fmt(chosen.lower)} at ${pct} confidence (estimate ${fmt(chosen.estimate)}, interval [${fmt(chosen.lower)}, ${fmt(chosen.upper)}])`;
  const claimText = `ε = ${s.epsilon}, δ = ${s.delta}`;
  const probabilities = `P[E | D] ∈ [${fmt(chosen.inD[0])}, ${fmt(chosen.inD[1])}], P[E | D′] ∈ [${fmt(chosen.inDPrime[0])}, ${fmt(chosen.inDPrime[1])}]`;
  const where = `${searched ? 'Neighbours found by search' : 'Neighbours'}: D = ${showDataset(neighbours[0])}, D′ = ${showDataset(neighbours[1])}; ${s.samples} samples per dataset, seed ${s.seed}.`;
  const summary = passed
    ? `No evidence against ${claimText}: ${bound} on the event E = {${event}} (${probabilities}). ${where}`
    : `The claim ${claimText} is refuted: ${bound} > ${s.epsilon} on the event E = {${event}}, more likely under ${moreLikelyUnder} (${probabilities}). ${where}`;
  return {
    passed,
    epsilonLowerBound: chosen.lower,
    confidence: s.confidence,
    event,
    samples: s.samples,
    epsilonEstimate: chosen.estimate,
    epsilonUpperBound: chosen.upper,
    claim: { epsilon: s.epsilon, delta: s.delta },
    neighbours,
    searched,
    moreLikelyUnder,
    eventProbability: { inD: chosen.inD, inDPrime: chosen.inDPrime },
    seed: s.seed,
    summary,
  };
}

/**
 * Tests whether `mechanism` can be (ε, δ)-DP, and fails when the samples prove it is not.
 *
 * How: the mechanism runs `samples` times on D and on D′ (each with its own seeded stream of `random()`).
 * The first half of each sample (the selection half) picks, for each direction, the output event E —
 * a threshold set {g(y) ≥ t}, {g(y) ≤ t} or, for discrete outputs, {g(y) = v}, with g the output itself,
 * a coordinate, a fitted linear projection (mean difference or a diagonal Gaussian classifier) or a
 * distance to a mean — that maximises an approximate lower bound of ln((P_A[E] − δ)/P_B[E]).
 * The second half (the evaluation half), never seen by that choice, gives exact one-sided
 * Clopper–Pearson bounds p_A,lower and p_B,upper, and ε_lb = ln((p_A,lower − δ)/p_B,upper).
 *
 * Why it is sound: if the mechanism is (ε, δ)-DP then P_A[E] ≤ e^ε·P_B[E] + δ for every event E
 * (Dwork & Roth 2014, Def. 2.4), so ln((P_A[E] − δ)/P_B[E]) ≤ ε. E is fixed before the evaluation half is
 * drawn, so each Clopper–Pearson bound fails with probability ≤ α/4 (α = 1 − confidence); two events (one
 * per direction) × two bounds make a Bonferroni union of α. Hence a mechanism that meets the claim is
 * reported as failing with probability at most α — for any mechanism, any pair, any sample size. When the
 * pair is searched for, the search uses its own draws, so the final test on the chosen pair is still
 * at level α. The converse does not hold: passing is not a proof of privacy, only the absence of
 * evidence at this sample size (the largest ε the test can certify is about ln(samples/10)).
 *
 * Without `neighbours`, fast-check draws up to `searchRuns` pairs from `datasets` and scores each on
 * `searchSamples` draws of its own; the first pair whose score exceeds ε is shrunk (shorter datasets,
 * smaller records), and the shrunk pair — or else the best-scoring one — gets the test above.
 *
 * @param mechanism - `(dataset, random) => number | number[]`; `random()` must be its only randomness.
 * @param claim - the claimed ε and δ.
 * @param options - the pair (or where to search for one), samples, confidence, seed; see {@link CheckDpOptions}.
 * @returns the verdict, the ε lower bound with its interval and the event, the pair and the seed.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad claim or option, a mechanism that returns NaN, a
 *   Promise or outputs of changing shape, or one whose outputs are not reproducible from `random()`.
 * @example
 * ```ts
 * const noisyCount = (d: number[], random: () => number) => d.length + sampleLaplace(random, 1);
 * const result = await checkDp(noisyCount, { epsilon: 1, delta: 0 }, { neighbours: [[1, 2], [1, 2, 3]], samples: 200_000, seed: 1 });
 * expect(result.passed, result.summary).toBe(true);
 * ```
 */
export async function checkDp<D>(mechanism: Mechanism<D>, claim: PrivacyClaim, options: CheckDpOptions<D> = {}): Promise<CheckDpResult<D>> {
  return checkDpSync(mechanism, claim, options);
}
