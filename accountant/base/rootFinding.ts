/**
 * The one bracketed search of privkit's calibrations (`calibrateNoiseMultiplier`, `maxSteps`): the
 * Illinois variant of regula falsi (Dowell & Jarratt 1971, "A modified regula falsi method for
 * computing the root of an equation", BIT 11) on a monotone function whose sign changes inside a
 * bracket, as dp_accounting's `mechanism_calibration.py` calibrates any parameter by one bracketed
 * search. Each probe keeps at least `margin` from both ends of the bracket, so the bracket shrinks
 * by at least that much per probe and the search always ends.
 */

/**
 * `f` with its values remembered, so that a search's bracketing and its refinement share evaluations
 * (each ε of a calibration composes a whole training run).
 * @param f - a pure function of one number.
 * @returns the same function, evaluated at most once per argument.
 * @example
 * ```ts
 * const eps = memoize((sigma) => dpSgdEpsilon('rdp', sigma, q, steps, delta));
 * ```
 */
export function memoize(f: (x: number) => number): (x: number) => number {
  const memo = new Map<number, number>();
  return (x) => {
    let y = memo.get(x);
    if (y === undefined) {
      y = f(x);
      memo.set(x, y);
    }
    return y;
  };
}

/** A bracket [lo, hi] with f(lo) and f(hi) of opposite signs: one ≤ 0, the other > 0. */
export interface Bracket {
  readonly lo: number;
  readonly hi: number;
  /** f(lo). */
  readonly fLo: number;
  /** f(hi). */
  readonly fHi: number;
}

/** Options of {@link illinoisSearch}. */
export interface IllinoisSearchOptions extends Bracket {
  /** The function, monotone on [lo, hi] (increasing or decreasing); f(x) ≤ 0 is "feasible". */
  readonly f: (x: number) => number;
  /** The search stops once hi − lo ≤ width. */
  readonly width: number;
  /** Every probe lies in [lo + margin, hi − margin]. */
  readonly margin: number;
  /**
   * Integer probes: the regula falsi point is rounded and a bisection takes ⌊(lo + hi)/2⌋ (use
   * `margin` 1 and `width` 1 to find the last feasible integer). @defaultValue false
   */
  readonly integer?: boolean;
  /**
   * After a probe that fails to halve the bracket, the next probe bisects, so that the search never
   * takes more than about twice as many probes as bisection. @defaultValue false
   */
  readonly bisectAfterSlowProbe?: boolean;
}

/**
 * Narrows a sign-changing bracket of a monotone function by Illinois-weighted regula falsi: the
 * probe is lo + (hi − lo)·f(lo)/(f(lo) − f(hi)) (a bisection when an end value is not finite), the
 * probe replaces the end whose f has its sign (f ≤ 0 or f > 0), and when the same end is replaced
 * twice in a row the other end's f is halved (Dowell & Jarratt 1971), which keeps the convergence
 * superlinear where plain regula falsi stalls on one side.
 * @param options - the bracket, the function and the stopping rule; see {@link IllinoisSearchOptions}.
 * @returns the final bracket, still sign-changing, with hi − lo ≤ `width` (the f values at its ends
 *   may be Illinois-halved, not f itself).
 * @example
 * ```ts
 * // the last n with n² ≤ 50:
 * const f = (n: number) => n * n - 50;
 * illinoisSearch({ f, lo: 1, hi: 64, fLo: f(1), fHi: f(64), width: 1, margin: 1, integer: true }).lo; // 7
 * ```
 */
export function illinoisSearch(options: IllinoisSearchOptions): Bracket {
  const { f, width, margin } = options;
  const integer = options.integer ?? false;
  const bisectAfterSlowProbe = options.bisectAfterSlowProbe ?? false;
  let { lo, hi, fLo, fHi } = options;
  const loFeasible = fLo <= 0;
  let side = 0;
  let bisectNext = false;
  while (hi - lo > width) {
    const span = hi - lo;
    let x: number;
    if (!bisectNext && Number.isFinite(fLo) && Number.isFinite(fHi)) {
      x = lo + (span * fLo) / (fLo - fHi);
      if (integer) x = Math.round(x);
    } else {
      x = integer ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
    }
    if (!(x >= lo + margin)) x = lo + margin;
    if (!(x <= hi - margin)) x = hi - margin;
    const fx = f(x);
    if ((fx <= 0) === loFeasible) {
      lo = x;
      fLo = fx;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = x;
      fHi = fx;
      if (side === 1) fLo /= 2;
      side = 1;
    }
    bisectNext = bisectAfterSlowProbe && !bisectNext && hi - lo > span / 2;
  }
  return { lo, hi, fLo, fHi };
}
