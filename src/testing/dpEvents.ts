/**
 * An arbitrary of DP events (the mechanism descriptions accountants read), for testing accountant laws
 * beyond the DP-SGD events of {@link accountantLaws}.
 */
import fc from 'fast-check';
import { composed, gaussian, laplace, MAX_EVENT_DEPTH, nonPrivate, noOp, poissonSampled, requireBoolean, requireOptions, selfComposed } from '../../accountant/index.js';
import type { DpEvent } from '../../accountant/index.js';
import { MAX_RECORDS, requireCount } from './_internals/validate.js';

/**
 * Options of {@link dpEvents}.
 * @example
 * ```ts
 * const options: DpEventsOptions = { maxDepth: 1, maxCount: 100 };
 * ```
 */
export interface DpEventsOptions {
  /**
   * Nesting depth of `selfComposed`, `composed` and `poissonSampled` (0: leaves only), below
   * `MAX_EVENT_DEPTH` (events nest at most that deep). @defaultValue 2
   */
  readonly maxDepth?: number;
  /** Largest `selfComposed` count. @defaultValue 1000 */
  readonly maxCount?: number;
  /** Largest number of events in a `composed` (at most 10⁶). @defaultValue 3 */
  readonly maxComposed?: number;
  /** Include `nonPrivate()` leaves (ε = ∞). @defaultValue false */
  readonly nonPrivate?: boolean;
  /**
   * Only events privkit's accountants support: Poisson subsampling of a Gaussian (or noOp) only.
   * With false, `poissonSampled` also wraps Laplace events and compositions. @defaultValue true
   */
  readonly supportedOnly?: boolean;
}

function logUniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ min: Math.log(min), max: Math.log(max), noNaN: true }).map((x) => Math.min(max, Math.max(min, Math.exp(x))));
}

/**
 * DP events: Gaussian (σ in [0.3, 30]) and Laplace (b in [0.05, 20]) leaves, log-uniform, `noOp`, and
 * nested `poissonSampled` (q in [1e-4, 1], log-uniform), `selfComposed` and `composed`. Shrinks towards
 * a single leaf.
 * @param options - depth and sizes; see {@link DpEventsOptions}.
 * @returns an arbitrary of frozen, valid events.
 * @throws PrivkitError `INVALID_ARGUMENT` for a depth outside [0, MAX_EVENT_DEPTH − 1], count bounds that
 *   are not integers ≥ 1 (`maxComposed` at most 10⁶), or flags that are not booleans.
 * @example
 * ```ts
 * fc.assert(fc.property(dpEvents(), (e) => !new RdpAccountant().supports(e) || new RdpAccountant().compose(e).getEpsilon(1e-5) >= 0));
 * ```
 */
export function dpEvents(options: DpEventsOptions = {}): fc.Arbitrary<DpEvent> {
  requireOptions('options', options);
  // A leaf is one level and every depth adds one, so events nest maxDepth + 1 levels deep.
  const maxDepth = requireCount('maxDepth', options.maxDepth ?? 2, 0, MAX_EVENT_DEPTH - 1);
  const maxCount = requireCount('maxCount', options.maxCount ?? 1000, 1);
  const maxComposed = requireCount('maxComposed', options.maxComposed ?? 3, 1, MAX_RECORDS);
  const supportedOnly = requireBoolean('supportedOnly', options.supportedOnly ?? true);
  const withNonPrivate = requireBoolean('nonPrivate', options.nonPrivate ?? false);
  const gaussians = logUniform(0.3, 30).map((s) => gaussian(s) as DpEvent);
  const leaves: fc.Arbitrary<DpEvent>[] = [gaussians, logUniform(0.05, 20).map((b) => laplace(b)), fc.constant(noOp())];
  if (withNonPrivate) leaves.push(fc.constant(nonPrivate()));
  const leaf = fc.oneof(...leaves);
  const rate = logUniform(1e-4, 1);
  const at = (depth: number): fc.Arbitrary<DpEvent> => {
    if (depth === 0) return leaf;
    const inner = at(depth - 1);
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: fc.tuple(rate, supportedOnly ? fc.oneof(gaussians, fc.constant(noOp())) : inner).map(([q, e]) => poissonSampled(q, e) as DpEvent) },
      { weight: 1, arbitrary: fc.tuple(inner, fc.integer({ min: 0, max: maxCount })).map(([e, n]) => selfComposed(e, n) as DpEvent) },
      { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: maxComposed }).map((es) => composed(es) as DpEvent) },
    );
  };
  return at(maxDepth);
}
