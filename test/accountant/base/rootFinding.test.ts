/** The shared Illinois search against brute force (integers) and closed-form roots (reals). */
import { describe, expect, it } from 'vitest';
import { illinoisSearch, memoize } from '../../../accountant/base/rootFinding.js';

describe('illinoisSearch', () => {
  it('integer mode finds the last feasible integer of an increasing f, as a linear scan does', () => {
    for (const [a, c] of [[1, 50], [0.37, 1234.5], [3, 9e5], [1e-3, 7]] as const) {
      const f = (n: number) => a * n * Math.sqrt(n) - c; // increasing, f ≤ 0 is feasible
      let probes = 0;
      const counted = (n: number) => (probes++, f(n));
      const hi = 2 ** 40;
      const bracket = illinoisSearch({ f: counted, lo: 0, hi, fLo: f(0), fHi: f(hi), width: 1, margin: 1, integer: true, bisectAfterSlowProbe: true });
      let last = 0;
      while (f(last + 1) <= 0) last++;
      expect(bracket.lo).toBe(last);
      expect(bracket.hi).toBe(last + 1);
      expect(probes).toBeLessThanOrEqual(2 * 40 + 2); // never much worse than bisection
    }
  });

  it('real mode closes a bracket of a decreasing f (feasible at hi) around the root, below the width', () => {
    const root = Math.cbrt(2);
    const f = (x: number) => 2 - x ** 3; // decreasing: f(lo) > 0, f(hi) ≤ 0
    const bracket = illinoisSearch({ f, lo: 0, hi: 10, fLo: f(0), fHi: f(10), width: 1e-9, margin: 0.45e-9 });
    expect(bracket.hi - bracket.lo).toBeLessThanOrEqual(1e-9);
    expect(bracket.lo).toBeLessThanOrEqual(root);
    expect(bracket.hi).toBeGreaterThanOrEqual(root);
    expect(f(bracket.hi)).toBeLessThanOrEqual(0);
  });

  it('bisects where an end value is infinite, and still converges', () => {
    const f = (x: number) => (x < 1 ? -Infinity : x - 3); // −∞ on the feasible side
    const bracket = illinoisSearch({ f, lo: 0, hi: 100, fLo: f(0), fHi: f(100), width: 1e-6, margin: 1e-7 });
    expect(bracket.lo).toBeLessThanOrEqual(3);
    expect(bracket.hi).toBeGreaterThan(3);
    expect(bracket.hi - bracket.lo).toBeLessThanOrEqual(1e-6);
  });

  it('returns the bracket unchanged when it is already narrow enough', () => {
    const f = (x: number) => x - 0.5;
    expect(illinoisSearch({ f, lo: 0, hi: 1, fLo: -0.5, fHi: 0.5, width: 1, margin: 0.1 })).toEqual({ lo: 0, hi: 1, fLo: -0.5, fHi: 0.5 });
  });
});

describe('memoize', () => {
  it('evaluates once per argument and returns the same values', () => {
    let calls = 0;
    const square = memoize((x) => (calls++, x * x));
    expect([square(3), square(3), square(-3), square(3)]).toEqual([9, 9, 9, 9]);
    expect(calls).toBe(2);
  });
});
