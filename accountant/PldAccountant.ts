/**
 * Privacy-loss-distribution (PLD) accountant: tight (ε, δ) for compositions, typically 5–15% below
 * the RDP bound for DP-SGD.
 *
 * Design of dp_accounting's `pld` package: each mechanism's PLD is discretised pessimistically on a
 * grid of width `valueDiscretizationInterval` by "connect the dots" (Doroshenko et al. 2022, arXiv
 * 2207.04380), composed by FFT convolution (Koskela, Jälkö & Honkela 2020, arXiv 1906.03049), with
 * truncated tails counted into the mass at +∞. Add and remove adjacency are tracked separately and
 * the worse is reported (ε = max(ε_remove, ε_add); δ likewise). Every number it reports is an upper
 * bound on the true ε (δ), up to float64 round-off.
 *
 * Supported events: `gaussian`, `laplace`, `poissonSampled(q, gaussian)` (and of `noOp`),
 * `selfComposed`, `composed`, `nonPrivate`, `noOp`. Composition is lazy: `compose` records the event,
 * the PLD is built at the first query and cached until the next `compose`.
 *
 * Extreme inputs (all answers stay upper bounds): ε = 0 without any PLD for δ ≥ 1 − Π(1 − TV) (the
 * total-variation bound, Kairouz, Oh & Viswanath 2015, Thm 3.3 at ε = 0: δ near 1, q = 1e-300);
 * more than ~10^7 runs of one mechanism are composed by repeated squaring, up to 2^53 − 1 runs (more
 * is an `INVALID_ARGUMENT`); losses beyond ±1e300 (σ ≲ 1e-150) are cut there, the mass above going to
 * +∞; σ above 1e150 is accounted as σ = 1e150 (its losses are below what float64 resolves).
 */
import { PrivkitError } from './PrivkitError.js';
import { describeEvent, gaussian, type DpEvent } from './DpEvent.js';
import type { AccountantState, LedgerEntry, PrivacyAccountant } from './PrivacyAccountant.js';
import { checkCompose, ledgerOfState, supportsEvent } from './_internals/supportedEvents.js';
import { requireInRange } from './base/check.js';
import {
  compose as composePld,
  deltaForEpsilon,
  discretizeProfile,
  epsilonForDelta,
  identityPld,
  selfCompose,
  type DiscretePld,
} from './_internals/pld/discretePld.js';
import { laplaceProfile, sampledGaussianAdd, sampledGaussianRemove } from './_internals/pld/lossProfiles.js';
import {
  logOneMinusTvGaussian,
  logOneMinusTvLaplace,
  logOneMinusTvSampledGaussian,
  zeroEpsilonDelta,
} from './_internals/totalVariation.js';

/** Options of {@link PldAccountant}. */
export interface PldAccountantOptions {
  /**
   * Width Δ of the privacy-loss grid. Smaller is tighter and slower.
   * @defaultValue 1e-4 (dp_accounting's default)
   */
  readonly valueDiscretizationInterval?: number;
  /**
   * Probability mass that each composition may drop from the tails (added to δ, pessimistically).
   * @defaultValue 1e-15
   */
  readonly tailMassTruncation?: number;
}

/**
 * Largest δ the PLD resolves: its masses carry FFT round-off of ~1e-10 of the total (more after 10^7
 * compositions), so 1 − δ below ~1e-6 is not resolved. ε at a larger δ is reported as ε at this δ
 * (larger, an upper bound), and a δ(ε) above it as 1 (unless the total-variation bound is smaller).
 */
const MAX_PLD_DELTA = 1 - 1e-6;

/** A leaf mechanism (no composition inside) and how often it was run. */
interface Leaf {
  readonly key: string;
  readonly event: DpEvent;
  count: number;
}

/** The pair of PLDs for the two adjacency relations. */
interface PldPair {
  readonly remove: DiscretePld;
  readonly add: DiscretePld;
}

/**
 * PLD accountant.
 *
 * @example
 * ```ts
 * const acc = new PldAccountant().compose(poissonSampled(256 / 60000, gaussian(1.1)), 14063);
 * acc.getEpsilon(1e-5); // ≈ 2.38, vs 2.60 from the RDP accountant
 * ```
 */
export class PldAccountant implements PrivacyAccountant {
  readonly kind = 'pld' as const;
  /** Grid width Δ. */
  readonly valueDiscretizationInterval: number;
  /** Tail mass dropped per composition. */
  readonly tailMassTruncation: number;
  private readonly entries: LedgerEntry[] = [];
  private readonly leaves = new Map<string, Leaf>();
  private nonPrivateSeen = false;
  private gaussianPrecision = 0;
  /** Σ count·log(1 − TV) over the leaves other than the Gaussians (see _internals/totalVariation.ts). */
  private logNoLeak = 0;
  private cached: PldPair | null = null;

  /**
   * @param options - see {@link PldAccountantOptions}.
   * @throws PrivkitError `INVALID_ARGUMENT` for Δ outside (0, 1] or a truncation outside [0, 1e-3].
   */
  constructor(options: PldAccountantOptions = {}) {
    this.valueDiscretizationInterval = requireInRange('valueDiscretizationInterval', options.valueDiscretizationInterval ?? 1e-4, {
      min: 0,
      max: 1,
      minOpen: true,
    });
    this.tailMassTruncation = requireInRange('tailMassTruncation', options.tailMassTruncation ?? 1e-15, { min: 0, max: 1e-3 });
  }

  /**
   * @inheritDoc
   * @throws PrivkitError `INVALID_ARGUMENT` when `event` is not a valid DP event.
   */
  supports(event: DpEvent): boolean {
    return supportsEvent(event);
  }

  /**
   * Adds `count` runs of `event`. The event is validated and checked in full before any state changes.
   * @param event - the mechanism.
   * @param count - a non-negative integer. @defaultValue 1
   * @returns this accountant.
   * @throws PrivkitError `UNSUPPORTED_EVENT` naming the sub-event, or `INVALID_ARGUMENT`.
   */
  compose(event: DpEvent, count = 1): this {
    const checked = checkCompose('PldAccountant', event, count);
    const runs = leafRuns(checked, count);
    for (const [key, leaf] of runs.leaves) {
      const total = (this.leaves.get(key)?.count ?? 0) + leaf.count;
      if (!(total <= Number.MAX_SAFE_INTEGER)) {
        throw new PrivkitError(
          'INVALID_ARGUMENT',
          `PldAccountant supports at most 2^53 − 1 = ${Number.MAX_SAFE_INTEGER} runs of one mechanism; ${describeEvent(leaf.event)} would run ${total} times.`,
          { event: leaf.event, count: total },
        );
      }
    }
    for (const [key, leaf] of runs.leaves) {
      const known = this.leaves.get(key);
      if (known === undefined) this.leaves.set(key, { ...leaf });
      else known.count += leaf.count;
    }
    for (const leaf of runs.leaves.values()) this.logNoLeak += leaf.count * logOneMinusTv(leaf.event);
    this.gaussianPrecision += runs.gaussianPrecision;
    if (runs.nonPrivate) this.nonPrivateSeen = true;
    this.entries.push(Object.freeze({ event: checked, count }));
    this.cached = null;
    return this;
  }

  /** @inheritDoc */
  get ledger(): readonly LedgerEntry[] {
    return Object.freeze([...this.entries]);
  }

  /**
   * @inheritDoc
   * @returns ε ≥ 0: exactly 0 when δ ≥ 1 − Π(1 − TV) (the total-variation bound, see
   *   _internals/totalVariation.ts); +∞ when δ is below the mass at +∞, which includes the truncated
   *   tails (about `tailMassTruncation` per composition), so that δ ≲ 1e-15 is never certified; for
   *   δ > 1 − 1e-6, ε at 1 − 1e-6 (see MAX_PLD_DELTA).
   */
  getEpsilon(delta: number): number {
    requireInRange('delta', delta, { min: 0, max: 1, minOpen: true, maxOpen: true });
    if (this.nonPrivateSeen) return Infinity;
    if (delta >= this.zeroEpsilonDelta()) return 0;
    const { remove, add } = this.pld();
    const d = Math.min(delta, MAX_PLD_DELTA);
    return Math.max(epsilonForDelta(remove, d), epsilonForDelta(add, d));
  }

  /** @inheritDoc */
  getDelta(epsilon: number): number {
    requireInRange('epsilon', epsilon, { min: 0, max: Infinity });
    if (this.nonPrivateSeen) return 1;
    const { remove, add } = this.pld();
    const d = Math.max(deltaForEpsilon(remove, epsilon), deltaForEpsilon(add, epsilon));
    return Math.min(d > MAX_PLD_DELTA ? 1 : d, this.zeroEpsilonDelta());
  }

  /**
   * δ₀ = 1 − Π(1 − TV): every δ ≥ δ₀ is met with ε = 0, and δ(ε) ≤ δ₀ for every ε ≥ 0 (Kairouz, Oh
   * & Viswanath 2015, Thm 3.3 at ε = 0; see _internals/totalVariation.ts). Exact, and no PLD needed.
   */
  private zeroEpsilonDelta(): number {
    const gaussian = this.gaussianPrecision > 0 ? logOneMinusTvGaussian(1 / Math.sqrt(this.gaussianPrecision)) : 0;
    return zeroEpsilonDelta(this.logNoLeak + gaussian);
  }

  /** @inheritDoc */
  toJSON(): AccountantState {
    return {
      accountant: 'pld',
      options: { valueDiscretizationInterval: this.valueDiscretizationInterval, tailMassTruncation: this.tailMassTruncation },
      ledger: this.entries.map((e) => ({ event: e.event, count: e.count })),
    };
  }

  /**
   * Rebuilds an accountant from {@link toJSON} output by replaying its ledger.
   * @throws PrivkitError `INVALID_ARGUMENT` for a malformed state.
   */
  static fromJSON(state: AccountantState): PldAccountant {
    const ledger = ledgerOfState(state, 'pld');
    const acc = new PldAccountant((state.options ?? {}) as PldAccountantOptions);
    for (const entry of ledger) acc.compose(entry.event, entry.count);
    return acc;
  }

  private pld(): PldPair {
    if (this.cached !== null) return this.cached;
    const d = this.valueDiscretizationInterval;
    const tail = this.tailMassTruncation;
    let remove = identityPld(d);
    let add = identityPld(d);
    if (this.gaussianPrecision > 0) {
      // σ_total below the least double (precision +∞) is a Gaussian whose loss is beyond every
      // bound: the least double stands for it (its whole P-mass goes to +∞).
      const sigma = Math.max(1 / Math.sqrt(this.gaussianPrecision), Number.MIN_VALUE);
      remove = add = basePlds(gaussian(sigma), d).remove;
    }
    for (const leaf of this.leaves.values()) {
      const base = basePlds(leaf.event, d);
      const symmetric = remove === add && base.add === base.remove;
      remove = composePld(remove, selfCompose(base.remove, leaf.count, tail), tail);
      add = symmetric ? remove : composePld(add, selfCompose(base.add, leaf.count, tail), tail);
    }
    this.cached = { remove, add };
    return this.cached;
  }
}

/** What one `compose` call adds: Gaussian precision, whether a nonPrivate event runs, the other leaves. */
interface LeafRuns {
  gaussianPrecision: number;
  nonPrivate: boolean;
  readonly leaves: Map<string, Leaf>;
}

/**
 * The leaf mechanisms of a validated event, each with how often it runs: its count is the sum, over
 * the paths from `event` to it, of the product of the counts along the path. The distinct sub-events
 * are visited once each, parents before children (reverse post-order), so a sub-event shared by
 * several parents costs one visit. Pure: `compose` checks the result before it changes any state.
 */
function leafRuns(event: DpEvent, count: number): LeafRuns {
  const out: LeafRuns = { gaussianPrecision: 0, nonPrivate: false, leaves: new Map() };
  if (count === 0) return out;
  const order: DpEvent[] = [];
  const visited = new Set<DpEvent>();
  const visit = (e: DpEvent): void => {
    if (visited.has(e)) return;
    visited.add(e);
    // Children in reverse: for a tree, the reverse post-order is then the pre-order, the order
    // in which the leaves have always been composed (same float64 round-off as before).
    const children = runsInside(e);
    for (let i = children.length - 1; i >= 0; i--) visit(children[i]);
    order.push(e);
  };
  visit(event);
  const runs = new Map<DpEvent, number>([[event, count]]);
  const add = (e: DpEvent, n: number): void => {
    if (n > 0) runs.set(e, (runs.get(e) ?? 0) + n); // n is 0 below a selfComposed(…, 0)
  };
  const addLeaf = (e: DpEvent, n: number): void => {
    const key = JSON.stringify(e);
    const leaf = out.leaves.get(key);
    if (leaf === undefined) out.leaves.set(key, { key, event: e, count: n });
    else leaf.count += n;
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const e = order[i];
    const n = runs.get(e) ?? 0;
    if (n === 0) continue;
    switch (e.kind) {
      case 'noOp':
        break;
      case 'nonPrivate':
        out.nonPrivate = true;
        break;
      case 'selfComposed':
        add(e.event, n * e.count);
        break;
      case 'composed':
        for (const child of e.events) add(child, n);
        break;
      case 'gaussian':
        // Gaussians compose in closed form: σ_total^{-2} = Σ count_i·σ_i^{-2} (one Gaussian with
        // sensitivity 1), exact and cheaper than any convolution. (+∞ for σ ≲ 1e-154: see pld().)
        out.gaussianPrecision += n / (e.noiseMultiplier * e.noiseMultiplier);
        break;
      case 'poissonSampled':
        if (e.sampleRate === 0 || e.event.kind === 'noOp') break;
        if (e.sampleRate === 1) {
          add(e.event, n);
          break;
        }
        addLeaf(e, n);
        break;
      case 'laplace':
        addLeaf(e, n);
        break;
    }
  }
  return out;
}

/** log(1 − TV) of one run of a leaf other than a Gaussian. */
function logOneMinusTv(event: DpEvent): number {
  if (event.kind === 'laplace') return logOneMinusTvLaplace(event.scale);
  if (event.kind === 'poissonSampled' && event.event.kind === 'gaussian') return logOneMinusTvSampledGaussian(event.sampleRate, event.event.noiseMultiplier);
  throw new PrivkitError('UNSUPPORTED_EVENT', `PldAccountant does not support ${describeEvent(event)}.`);
}

/** The sub-events whose runs {@link PldAccountant} counts separately: what a leaf's count flows to. */
function runsInside(event: DpEvent): readonly DpEvent[] {
  switch (event.kind) {
    case 'selfComposed':
      return event.count === 0 ? [] : [event.event];
    case 'composed':
      return event.events;
    case 'poissonSampled':
      return event.sampleRate === 1 ? [event.event] : [];
    default:
      return [];
  }
}

/**
 * σ above which a Gaussian is replaced by this one: its losses are within 1e-150 of 0, below what
 * float64 resolves on any grid, and a smaller σ is pessimistic (it leaks more). Keeps σ² finite.
 */
const MAX_PLD_SIGMA = 1e150;

function basePlds(event: DpEvent, interval: number): PldPair {
  if (event.kind === 'gaussian') {
    const pld = discretizeProfile(sampledGaussianRemove(1, Math.min(event.noiseMultiplier, MAX_PLD_SIGMA)), interval);
    return { remove: pld, add: pld }; // symmetric: the two adjacencies have the same PLD
  }
  if (event.kind === 'laplace') {
    const pld = discretizeProfile(laplaceProfile(event.scale), interval);
    return { remove: pld, add: pld };
  }
  if (event.kind === 'poissonSampled' && event.event.kind === 'gaussian') {
    const { sampleRate: q } = event;
    const sigma = Math.min(event.event.noiseMultiplier, MAX_PLD_SIGMA);
    return {
      remove: discretizeProfile(sampledGaussianRemove(q, sigma), interval),
      add: discretizeProfile(sampledGaussianAdd(q, sigma), interval),
    };
  }
  throw new PrivkitError('UNSUPPORTED_EVENT', `PldAccountant does not support ${describeEvent(event)}.`);
}
