import erfc from '@stdlib/math-base-special-erfc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditMultiRun, clopperPearson } from '../../../mia/audit/index.js';
import { gdpEpsilon, gdpLogDelta } from '../../../mia/audit/_internals/gaussianDp.js';
import { expectInvalid } from '../../_support/errors.js';

const PROPERTY_PARAMETERS = { seed: 20240611, numRuns: 200 } as const;

/** Φ by stdlib erfc, and Φ⁻¹ by bisection on it: independent of the erfcinv the module uses. */
const ndtr = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
function ndtriByBisection(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (ndtr(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * δ(ε) of μ-GDP as the hockey-stick divergence of N(μ, 1) from N(0, 1), by composite Simpson
 * quadrature of φ(x − μ) − e^ε·φ(x) over the region where it is positive, x > ε/μ + μ/2 — a
 * numerical integral, not the closed form of Cor. 2.13.
 */
function gdpDeltaByQuadrature(mu: number, epsilon: number): number {
  const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const f = (x: number) => phi(x - mu) - Math.exp(epsilon) * phi(x);
  const a = epsilon / mu + mu / 2;
  // Beyond a the integrand decays like e^{−a·(x − a)}: integrate 80 decay lengths (or 40), finely.
  const b = a + Math.min(40, 80 / Math.max(a, 1));
  const n = 40_000; // even
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 === 1 ? 4 : 2);
  return (s * h) / 3;
}

describe('auditMultiRun', () => {
  it('FPR_ub = FNR_ub = ½ claims nothing (hand-checked: 0 of 2 at confidence ½ → 1 − √¼ = ½)', () => {
    // Each one-sided bound at 1 − α/2 = 0.75: k = 0 of n = 2 → 1 − 0.25^{1/2} = 0.5.
    const audit = auditMultiRun({ falsePositives: 0, negatives: 2, falseNegatives: 0, positives: 2, delta: 0, confidence: 0.5 });
    expect(audit.fprUpper).toBeCloseTo(0.5, 14);
    expect(audit.fnrUpper).toBeCloseTo(0.5, 14);
    expect(audit.epsilonLowerBound).toBeCloseTo(0, 12); // ln(½/½)
    expect(audit.gdp.muLowerBound).toBeCloseTo(0, 12); // Φ⁻¹(½) − Φ⁻¹(½)
    expect(audit.gdp.epsilonLowerBound).toBeCloseTo(0, 10);
    expect(audit.method).toBe('clopper-pearson');
    expect(audit.confidence).toBe(0.5);
  });

  it('a chance-level test (half wrong on each side) gives exactly 0 for everything', () => {
    const audit = auditMultiRun({ falsePositives: 500, negatives: 1000, falseNegatives: 500, positives: 1000, delta: 1e-5 });
    expect(audit.epsilonLowerBound).toBe(0);
    expect(audit.gdp).toEqual({ muLowerBound: 0, epsilonLowerBound: 0 });
  });

  it('splits the confidence: each rate bound is one-sided Clopper–Pearson at 1 − α/2', () => {
    const audit = auditMultiRun({ falsePositives: 7, negatives: 500, falseNegatives: 31, positives: 400, delta: 1e-5, confidence: 0.9 });
    expect(audit.fprUpper).toBe(clopperPearson(7, 500, 0.95, 'upper').upper);
    expect(audit.fnrUpper).toBe(clopperPearson(31, 400, 0.95, 'upper').upper);
  });

  it('equals max(ln((1 − δ − FNR_ub)/FPR_ub), ln((1 − δ − FPR_ub)/FNR_ub), 0), both orientations', () => {
    // Hand-checked closed form: 0 errors of n each side, δ = 0 → u = 1 − (α/2)^{1/n}, ε = ln((1 − u)/u).
    for (const n of [10, 100, 1000]) {
      const audit = auditMultiRun({ falsePositives: 0, negatives: n, falseNegatives: 0, positives: n, delta: 0 });
      const u = -Math.expm1(Math.log(0.025) / n);
      expect(audit.epsilonLowerBound).toBeCloseTo(Math.log((1 - u) / u), 9);
    }
    // Few false positives: the first form wins; few false negatives: the second.
    const delta = 1e-3;
    const a = auditMultiRun({ falsePositives: 2, negatives: 1000, falseNegatives: 300, positives: 1000, delta });
    expect(a.epsilonLowerBound).toBeCloseTo(Math.log((1 - delta - a.fnrUpper) / a.fprUpper), 12);
    const b = auditMultiRun({ falsePositives: 300, negatives: 1000, falseNegatives: 2, positives: 1000, delta });
    expect(b.epsilonLowerBound).toBeCloseTo(Math.log((1 - delta - b.fprUpper) / b.fnrUpper), 12);
    expect(a.epsilonLowerBound).toBeCloseTo(b.epsilonLowerBound, 12); // symmetric
  });

  it('μ_LB = Φ⁻¹(1 − FPR_ub) − Φ⁻¹(FNR_ub) (independent Φ⁻¹), and its ε solves Cor. 2.13 at δ', () => {
    const delta = 1e-5;
    const audit = auditMultiRun({ falsePositives: 5, negatives: 1000, falseNegatives: 40, positives: 1000, delta });
    const mu = ndtriByBisection(1 - audit.fprUpper) - ndtriByBisection(audit.fnrUpper);
    expect(audit.gdp.muLowerBound).toBeCloseTo(mu, 9);
    expect(gdpDeltaByQuadrature(audit.gdp.muLowerBound, audit.gdp.epsilonLowerBound) / delta).toBeCloseTo(1, 8);
    expect(audit.epsilonLowerBound).toBeCloseTo(4.3986, 3); // the documented example
    expect(audit.gdp.epsilonLowerBound).toBeGreaterThan(audit.epsilonLowerBound); // GDP reading is tighter here
  });

  it('is monotone: fewer errors, smaller δ, lower confidence never lower the bounds (fixed seed)', () => {
    const counts = fc
      .record({
        negatives: fc.integer({ min: 1, max: 3000 }),
        positives: fc.integer({ min: 1, max: 3000 }),
        f1: fc.double({ min: 0, max: 1, noNaN: true }),
        f2: fc.double({ min: 0, max: 1, noNaN: true }),
        g: fc.double({ min: 0, max: 1, noNaN: true }),
        delta: fc.oneof(fc.constant(0), fc.double({ min: 1e-10, max: 0.1, noNaN: true })),
        confidence: fc.double({ min: 0.5, max: 0.999, noNaN: true }),
      })
      .map(({ negatives, positives, f1, f2, g, delta, confidence }) => ({
        negatives,
        positives,
        fpLow: Math.round(Math.min(f1, f2) * negatives),
        fpHigh: Math.round(Math.max(f1, f2) * negatives),
        falseNegatives: Math.round(g * positives),
        delta,
        confidence,
      }));
    fc.assert(
      fc.property(counts, ({ negatives, positives, fpLow, fpHigh, falseNegatives, delta, confidence }) => {
        const base = { negatives, positives, falseNegatives, delta, confidence };
        const low = auditMultiRun({ ...base, falsePositives: fpLow });
        const high = auditMultiRun({ ...base, falsePositives: fpHigh });
        const moreDelta = auditMultiRun({ ...base, falsePositives: fpLow, delta: Math.min(0.5, 10 * delta + 1e-9) });
        const moreConfident = auditMultiRun({ ...base, falsePositives: fpLow, confidence: 1 - (1 - confidence) / 10 });
        for (const a of [low, high, moreDelta, moreConfident]) {
          for (const x of [a.epsilonLowerBound, a.fprUpper, a.fnrUpper, a.gdp.muLowerBound]) expect(Number.isNaN(x) || x < 0).toBe(false);
          expect(Number.isNaN(a.gdp.epsilonLowerBound)).toBe(false);
        }
        expect(high.epsilonLowerBound).toBeLessThanOrEqual(low.epsilonLowerBound + 1e-12);
        expect(high.gdp.muLowerBound).toBeLessThanOrEqual(low.gdp.muLowerBound + 1e-12);
        expect(moreDelta.epsilonLowerBound).toBeLessThanOrEqual(low.epsilonLowerBound + 1e-12);
        expect(moreDelta.gdp.epsilonLowerBound).toBeLessThanOrEqual(low.gdp.epsilonLowerBound + 1e-9);
        expect(moreConfident.epsilonLowerBound).toBeLessThanOrEqual(low.epsilonLowerBound + 1e-12);
        expect(moreConfident.gdp.muLowerBound).toBeLessThanOrEqual(low.gdp.muLowerBound + 1e-12);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('δ = 0: the GDP ε is +∞ when μ_LB > 0 (no μ-GDP mechanism with μ > 0 is pure DP)', () => {
    const audit = auditMultiRun({ falsePositives: 0, negatives: 100, falseNegatives: 0, positives: 100, delta: 0 });
    expect(audit.gdp.muLowerBound).toBeGreaterThan(0);
    expect(audit.gdp.epsilonLowerBound).toBe(Infinity);
    expect(Number.isFinite(audit.epsilonLowerBound)).toBe(true);
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    const ok = { falsePositives: 1, negatives: 10, falseNegatives: 2, positives: 10, delta: 1e-5 };
    expectInvalid(() => auditMultiRun({ ...ok, falsePositives: 11 }), /`falsePositives` must be ≤ `negatives` \(10\); got 11\./);
    expectInvalid(() => auditMultiRun({ ...ok, falseNegatives: 11 }), /`falseNegatives` must be ≤ `positives` \(10\); got 11\./);
    expectInvalid(() => auditMultiRun({ ...ok, negatives: 0, falsePositives: 0 }), /`negatives` must be an integer ≥ 1; got 0\./);
    expectInvalid(() => auditMultiRun({ ...ok, positives: 2.5 }), /`positives` must be an integer ≥ 1; got 2\.5\./);
    expectInvalid(() => auditMultiRun({ ...ok, delta: 1.5 }), /`delta` must be in \[0, 1\); got 1\.5\./);
    expectInvalid(() => auditMultiRun({ ...ok, confidence: 1 }), /`confidence` must be in \(0, 1\); got 1\./);
    expectInvalid(() => auditMultiRun(null as never), /`options` must be an options object/);
  });
});

describe('Gaussian DP conversion (Dong, Roth & Su 2019, Cor. 2.13)', () => {
  it('δ(ε) matches a numerical hockey-stick integral to 1e-8 relative', () => {
    for (const mu of [0.1, 0.5, 1, 2, 4]) {
      for (const epsilon of [0, 0.3, 1, 3, 8]) {
        const delta = Math.exp(gdpLogDelta(mu, epsilon));
        if (delta < 1e-250) continue;
        expect(delta / gdpDeltaByQuadrature(mu, epsilon), `μ=${mu} ε=${epsilon}`).toBeCloseTo(1, 8);
      }
    }
  });

  it('round-trips: ε → δ(ε) → ε for μ-GDP, to 1e-9 relative', () => {
    let checked = 0;
    for (const mu of [0.05, 0.3, 1, 2.5, 6, 12]) {
      for (const epsilon of [0.01, 0.5, 1, 3, 10, 40]) {
        const delta = Math.exp(gdpLogDelta(mu, epsilon));
        // δ near 1 pins ε down poorly in float64 (dδ/dε → 0); audits use small δ.
        if (!(delta > 1e-300 && delta < 0.5)) continue;
        const back = gdpEpsilon(mu, delta);
        expect(Math.abs(back - epsilon) / epsilon, `μ=${mu} ε=${epsilon} δ=${delta}`).toBeLessThan(1e-9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('has the edge values: 0 for μ = 0 or δ ≥ δ(0), +∞ for δ = 0, and grows with μ', () => {
    expect(gdpEpsilon(0, 1e-5)).toBe(0);
    expect(gdpEpsilon(1, 0.5)).toBe(0); // δ(0) = 2Φ(½) − 1 = 0.383 < 0.5
    expect(gdpEpsilon(1, 0)).toBe(Infinity);
    let previous = 0;
    for (const mu of [0.5, 1, 2, 4, 8]) {
      const epsilon = gdpEpsilon(mu, 1e-5);
      expect(epsilon).toBeGreaterThan(previous);
      previous = epsilon;
    }
  });
});
