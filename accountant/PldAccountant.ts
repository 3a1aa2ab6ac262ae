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
 */
import { PrivkitError } from './PrivkitError.js';
import { describeEvent, gaussian, type DpEvent } from './DpEvent.js';
import type { AccountantState, LedgerEntry, PrivacyAccountant } from './PrivacyAccountant.js';
import { checkCompose, ledgerOfState, supportsEvent } from './_internals/supportedEvents.js';
import { requireInRange } from './_internals/validate.js';
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
    this.addLeaves(checked, count);
    this.entries.push(Object.freeze({ event: checked, count }));
    this.cached = null;
    return this;
  }

  /** @inheritDoc */
  get ledger(): readonly LedgerEntry[] {
    return Object.freeze([...this.entries]);
  }

  /** @inheritDoc */
  getEpsilon(delta: number): number {
    requireInRange('delta', delta, { min: 0, max: 1, minOpen: true, maxOpen: true });
    if (this.nonPrivateSeen) return Infinity;
    const { remove, add } = this.pld();
    return Math.max(epsilonForDelta(remove, delta), epsilonForDelta(add, delta));
  }

  /** @inheritDoc */
  getDelta(epsilon: number): number {
    requireInRange('epsilon', epsilon, { min: 0, max: Infinity });
    if (this.nonPrivateSeen) return 1;
    const { remove, add } = this.pld();
    return Math.max(deltaForEpsilon(remove, epsilon), deltaForEpsilon(add, epsilon));
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

  /**
   * Adds the leaf mechanisms of a validated event, each with how often it runs: its count is the sum,
   * over the paths from `event` to it, of the product of the counts along the path. The distinct
   * sub-events are visited once each, parents before children (reverse post-order), so a sub-event
   * shared by several parents costs one visit.
   */
  private addLeaves(event: DpEvent, count: number): void {
    if (count === 0) return;
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
    const add = (e: DpEvent, n: number): void => void runs.set(e, (runs.get(e) ?? 0) + n);
    for (let i = order.length - 1; i >= 0; i--) {
      const e = order[i];
      const n = runs.get(e) ?? 0;
      if (n === 0) continue;
      switch (e.kind) {
        case 'noOp':
          break;
        case 'nonPrivate':
          this.nonPrivateSeen = true;
          break;
        case 'selfComposed':
          add(e.event, n * e.count);
          break;
        case 'composed':
          for (const child of e.events) add(child, n);
          break;
        case 'gaussian':
          // Gaussians compose in closed form: σ_total^{-2} = Σ count_i·σ_i^{-2} (one Gaussian with
          // sensitivity 1), exact and cheaper than any convolution.
          this.gaussianPrecision += n / (e.noiseMultiplier * e.noiseMultiplier);
          break;
        case 'poissonSampled':
          if (e.sampleRate === 0 || e.event.kind === 'noOp') break;
          if (e.sampleRate === 1) {
            add(e.event, n);
            break;
          }
          this.addLeaf(e, n);
          break;
        case 'laplace':
          this.addLeaf(e, n);
          break;
      }
    }
  }

  private addLeaf(event: DpEvent, count: number): void {
    const key = JSON.stringify(event);
    const leaf = this.leaves.get(key);
    if (leaf === undefined) this.leaves.set(key, { key, event, count });
    else leaf.count += count;
  }

  private pld(): PldPair {
    if (this.cached !== null) return this.cached;
    const d = this.valueDiscretizationInterval;
    const tail = this.tailMassTruncation;
    let remove = identityPld(d);
    let add = identityPld(d);
    if (this.gaussianPrecision > 0) {
      remove = add = basePlds(gaussian(1 / Math.sqrt(this.gaussianPrecision)), d).remove;
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

function basePlds(event: DpEvent, interval: number): PldPair {
  if (event.kind === 'gaussian') {
    const pld = discretizeProfile(sampledGaussianRemove(1, event.noiseMultiplier), interval);
    return { remove: pld, add: pld }; // symmetric: the two adjacencies have the same PLD
  }
  if (event.kind === 'laplace') {
    const pld = discretizeProfile(laplaceProfile(event.scale), interval);
    return { remove: pld, add: pld };
  }
  if (event.kind === 'poissonSampled' && event.event.kind === 'gaussian') {
    const { sampleRate: q } = event;
    const sigma = event.event.noiseMultiplier;
    return {
      remove: discretizeProfile(sampledGaussianRemove(q, sigma), interval),
      add: discretizeProfile(sampledGaussianAdd(q, sigma), interval),
    };
  }
  throw new PrivkitError('UNSUPPORTED_EVENT', `PldAccountant does not support ${describeEvent(event)}.`);
}
