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
import { checkCompose, ledgerOfState, unsupportedPart } from './_internals/supportedEvents.js';
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

  /** @inheritDoc */
  supports(event: DpEvent): boolean {
    return unsupportedPart(event) === null;
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

  private addLeaves(event: DpEvent, count: number): void {
    if (count === 0) return;
    switch (event.kind) {
      case 'noOp':
        return;
      case 'nonPrivate':
        this.nonPrivateSeen = true;
        return;
      case 'selfComposed':
        this.addLeaves(event.event, count * event.count);
        return;
      case 'composed':
        for (const e of event.events) this.addLeaves(e, count);
        return;
      case 'poissonSampled':
        if (event.sampleRate === 0 || event.event.kind === 'noOp') return;
        if (event.sampleRate === 1) {
          this.addLeaves(event.event, count);
          return;
        }
        break;
      default:
        break;
    }
    if (event.kind === 'gaussian') {
      // Gaussians compose in closed form: σ_total^{-2} = Σ count_i·σ_i^{-2} (one Gaussian with
      // sensitivity 1), exact and cheaper than any convolution.
      this.gaussianPrecision += count / (event.noiseMultiplier * event.noiseMultiplier);
      return;
    }
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
