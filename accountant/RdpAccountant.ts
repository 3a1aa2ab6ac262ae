/**
 * Rényi-DP accountant (Mironov 2017; Abadi et al. 2016's moments accountant), exact at every order.
 *
 * Per-order RDP of the supported mechanisms:
 * - `gaussian(σ)`: α/(2σ²) (Mironov 2017, Prop. 7);
 * - `laplace(b)`: Mironov 2017, Prop. 6 (see `_internals/laplaceRdp.ts`);
 * - `poissonSampled(q, gaussian(σ))`: Mironov, Talwar & Zhang 2019 (arXiv 1908.10530, §3.3), exact at
 *   integer and fractional orders (see `_internals/sampledGaussianRdp.ts`);
 * - composition adds RDP vectors (Mironov 2017, Prop. 1); `nonPrivate` is +∞, `noOp` is 0.
 * Conversion to (ε, δ): {@link epsilonFromRdp} (Canonne, Kamath & Steinke 2020, Prop. 12).
 */
import { PrivkitError } from './PrivkitError.js';
import type { DpEvent } from './DpEvent.js';
import { DEFAULT_RDP_ORDERS } from './defaultOrders.js';
import type { AccountantState, LedgerEntry, PrivacyAccountant } from './PrivacyAccountant.js';
import { deltaFromRdp, epsilonFromRdp, type EpsilonAtOrder } from './rdpConversion.js';
import { rdpLaplace } from './_internals/laplaceRdp.js';
import { rdpPoissonSampledGaussian } from './_internals/sampledGaussianRdp.js';
import { checkCompose, ledgerOfState, supportsEvent } from './_internals/supportedEvents.js';
import { requireInRange } from './base/check.js';

/** Options of {@link RdpAccountant}. */
export interface RdpAccountantOptions {
  /**
   * RDP orders α in (1, {@link MAX_RDP_ORDER}] to track; ε is minimised over them.
   * @defaultValue {@link DEFAULT_RDP_ORDERS} (dp_accounting's 156 orders, 1.1 … 1024)
   */
  readonly orders?: readonly number[];
}

/**
 * Largest RDP order accepted. The exact RDP of the subsampled Gaussian at integer α is a sum of α
 * terms (and the fractional-order fallback uses its integer neighbours), so α = 1e9 took minutes and
 * α = 1e300 asked for an array of that length; orders beyond a few thousand never give a smaller ε
 * for δ ≥ 1e-300 anyway (dp_accounting's largest default order is 1024).
 */
export const MAX_RDP_ORDER = 1e6;

/** Per-order RDP vectors of leaf mechanisms, shared by all accountants (bounded LRU). */
const leafCache = new Map<string, Float64Array>();
const LEAF_CACHE_SIZE = 512;

/**
 * Rényi-DP accountant.
 *
 * @example
 * ```ts
 * const acc = new RdpAccountant().compose(poissonSampled(256 / 60000, gaussian(1.1)), 14063);
 * acc.getEpsilonAndOrder(1e-5); // { epsilon: 2.5967…, order: … }
 * ```
 */
export class RdpAccountant implements PrivacyAccountant {
  readonly kind = 'rdp' as const;
  /** The orders tracked (frozen copy). */
  readonly orders: readonly number[];
  private readonly ordersKey: string;
  private readonly rdp: Float64Array;
  private readonly entries: LedgerEntry[] = [];

  /**
   * @param options - see {@link RdpAccountantOptions}.
   * @throws PrivkitError `INVALID_ARGUMENT` for an empty order list or an order ≤ 1, NaN, ∞ or above {@link MAX_RDP_ORDER}.
   */
  constructor(options: RdpAccountantOptions = {}) {
    const orders = options.orders ?? DEFAULT_RDP_ORDERS;
    if (!Array.isArray(orders) || orders.length === 0) {
      throw new PrivkitError('INVALID_ARGUMENT', '`orders` must be a non-empty array of numbers > 1.');
    }
    orders.forEach((a, i) => {
      requireInRange(`orders[${i}]`, a, { min: 1, max: Infinity, minOpen: true, maxOpen: true });
      if (a > MAX_RDP_ORDER) {
        throw new PrivkitError(
          'INVALID_ARGUMENT',
          `\`orders[${i}]\` must be at most ${MAX_RDP_ORDER} (the subsampled Gaussian's RDP costs time and memory linear in the order); got ${a}.`,
          { field: `orders[${i}]`, value: a },
        );
      }
    });
    this.orders = Object.freeze([...orders]);
    this.ordersKey = orders === DEFAULT_RDP_ORDERS ? 'default' : this.orders.join(',');
    this.rdp = new Float64Array(this.orders.length);
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
   * @returns this accountant, for chaining.
   * @throws PrivkitError `UNSUPPORTED_EVENT` naming the unsupported sub-event, or `INVALID_ARGUMENT`.
   */
  compose(event: DpEvent, count = 1): this {
    const checked = checkCompose('RdpAccountant', event, count);
    const delta = this.rdpOf(checked);
    if (count > 0) for (let i = 0; i < delta.length; i++) this.rdp[i] += count * delta[i];
    this.entries.push(Object.freeze({ event: checked, count }));
    return this;
  }

  /** @inheritDoc */
  get ledger(): readonly LedgerEntry[] {
    return Object.freeze([...this.entries]);
  }

  /** The accumulated RDP at each of {@link orders}. */
  rdpVector(): readonly number[] {
    return Array.from(this.rdp);
  }

  /**
   * ε and the optimal order for the given δ.
   * @param delta - δ in (0, 1).
   * @returns `{ epsilon, order }`; `order` is null when ε = ∞.
   * @throws PrivkitError `INVALID_ARGUMENT` for δ outside (0, 1).
   */
  getEpsilonAndOrder(delta: number): EpsilonAtOrder {
    return epsilonFromRdp(this.orders, this.rdp, delta);
  }

  /** @inheritDoc */
  getEpsilon(delta: number): number {
    return this.getEpsilonAndOrder(delta).epsilon;
  }

  /** @inheritDoc */
  getDelta(epsilon: number): number {
    return deltaFromRdp(this.orders, this.rdp, epsilon).delta;
  }

  /** @inheritDoc */
  toJSON(): AccountantState {
    return {
      accountant: 'rdp',
      options: { orders: [...this.orders] },
      ledger: this.entries.map((e) => ({ event: e.event, count: e.count })),
    };
  }

  /**
   * Rebuilds an accountant from {@link toJSON} output by replaying its ledger (same state, bit for bit).
   * @throws PrivkitError `INVALID_ARGUMENT` for a malformed state.
   */
  static fromJSON(state: AccountantState): RdpAccountant {
    const ledger = ledgerOfState(state, 'rdp');
    const orders = (state.options as { orders?: number[] } | undefined)?.orders;
    const acc = new RdpAccountant(orders === undefined ? {} : { orders });
    for (const entry of ledger) acc.compose(entry.event, entry.count);
    return acc;
  }

  /**
   * The RDP vector of a validated event (at most MAX_EVENT_DEPTH deep, so the recursion is shallow);
   * `memo` holds the vectors of the sub-events already evaluated, so that a sub-event shared by
   * several parents costs one evaluation.
   */
  private rdpOf(event: DpEvent, memo = new Map<DpEvent, Float64Array>()): Float64Array {
    const known = memo.get(event);
    if (known !== undefined) return known;
    let out: Float64Array = new Float64Array(this.orders.length);
    switch (event.kind) {
      case 'noOp':
        break;
      case 'nonPrivate':
        out.fill(Infinity);
        break;
      case 'selfComposed': {
        if (event.count === 0) break;
        const inner = this.rdpOf(event.event, memo);
        for (let i = 0; i < out.length; i++) out[i] = event.count * inner[i];
        break;
      }
      case 'composed':
        for (const e of event.events) {
          const inner = this.rdpOf(e, memo);
          for (let i = 0; i < out.length; i++) out[i] += inner[i];
        }
        break;
      default:
        out = this.leaf(event);
    }
    memo.set(event, out);
    return out;
  }

  private leaf(event: DpEvent): Float64Array {
    const key = `${this.ordersKey}|${JSON.stringify(event)}`;
    const hit = leafCache.get(key);
    if (hit !== undefined) {
      leafCache.delete(key); // refresh LRU position
      leafCache.set(key, hit);
      return hit;
    }
    const out = new Float64Array(this.orders.length);
    const orders = this.orders;
    if (event.kind === 'gaussian') {
      const s2 = event.noiseMultiplier * event.noiseMultiplier;
      for (let i = 0; i < out.length; i++) out[i] = orders[i] / (2 * s2);
    } else if (event.kind === 'laplace') {
      for (let i = 0; i < out.length; i++) out[i] = rdpLaplace(event.scale, orders[i]);
    } else if (event.kind === 'poissonSampled') {
      const inner = event.event;
      if (inner.kind === 'gaussian') {
        for (let i = 0; i < out.length; i++) out[i] = rdpPoissonSampledGaussian(event.sampleRate, inner.noiseMultiplier, orders[i]);
      } // noOp inside: zero cost
    }
    if (!(event.kind === 'poissonSampled' && (event.sampleRate === 0 || event.event.kind === 'noOp'))) {
      // A mechanism that touches the data has RDP > 0 at every order; where the value underflows
      // (σ ≳ 1e160, q ≲ 1e-160) it is rounded up to the least positive double, so that the
      // Bretagnolle–Huber test certifies ε = 0 only for δ ≥ e^{-372}, never for every δ.
      for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = Number.MIN_VALUE;
    }
    leafCache.set(key, out);
    if (leafCache.size > LEAF_CACHE_SIZE) leafCache.delete(leafCache.keys().next().value as string);
    return out;
  }
}
