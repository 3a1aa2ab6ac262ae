import { describe, expect, it } from 'vitest';
import { downsampleRoc, rocCurve, tprAtFpr, type RocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';

/** A large curve: 20 000 non-members, 5 000 members, continuous scores (so ~25 001 points). */
function largeRoc(seed: number): { roc: RocCurve; numNonMembers: number } {
  const rand = mulberry32(seed);
  const scores: number[] = [];
  const isMember: number[] = [];
  for (let i = 0; i < 25_000; i++) {
    const member = i < 5_000 ? 1 : 0;
    // A few very confident members, as real attacks have, so the low-FPR region is non-trivial.
    scores.push(rand() + rand() + member * (rand() < 0.05 ? 3 : 0.3));
    isMember.push(member);
  }
  return { roc: rocCurve(scores, isMember), numNonMembers: 20_000 };
}

/** Index of each point of `small` in `full`, asserting that it is one of its points, in order. */
function positionsIn(full: RocCurve, small: RocCurve): number[] {
  const positions: number[] = [];
  let k = 0;
  for (let j = 0; j < small.fpr.length; j++) {
    while (k < full.fpr.length && full.thresholds[k] !== small.thresholds[j]) k++;
    expect(k).toBeLessThan(full.fpr.length);
    expect(small.fpr[j]).toBe(full.fpr[k]);
    expect(small.tpr[j]).toBe(full.tpr[k]);
    positions.push(k++);
  }
  return positions;
}

describe('downsampleRoc', () => {
  const { roc, numNonMembers } = largeRoc(3);

  it('returns a copy of a curve that already fits', () => {
    const small = rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]);
    const out = downsampleRoc(small);
    expect(Array.from(out.fpr)).toEqual(Array.from(small.fpr));
    expect(Array.from(out.tpr)).toEqual(Array.from(small.tpr));
    expect(Array.from(out.thresholds)).toEqual(Array.from(small.thresholds));
    expect(out.fpr).not.toBe(small.fpr);
  });

  it('keeps at most maxPoints of the original points, in order, with the endpoints and the first non-zero FPR', () => {
    expect(roc.fpr.length).toBeGreaterThan(20_000);
    for (const maxPoints of [4, 10, 400, 1000]) {
      const out = downsampleRoc(roc, maxPoints);
      expect(out.fpr.length).toBeLessThanOrEqual(maxPoints);
      const positions = positionsIn(roc, out);
      const firstPositive = roc.fpr.findIndex((f) => f > 0);
      expect(positions[0]).toBe(0);
      expect(positions[positions.length - 1]).toBe(roc.fpr.length - 1);
      expect(positions).toContain(firstPositive);
      expect(positions).toContain(firstPositive - 1);
    }
    // The default budget is used well, not left mostly empty.
    expect(downsampleRoc(roc).fpr.length).toBeGreaterThan(300);
  });

  it('spreads points log-uniformly in FPR, so every decade from 1/nNeg to 1 is covered evenly', () => {
    const out = downsampleRoc(roc, 400);
    const decades = Math.log10(numNonMembers); // ≈ 4.3 decades of FPR
    const kept = Array.from(out.fpr).filter((f) => f > 0);
    const logs = kept.map(Math.log10);
    // No gap in log FPR wider than a few grid steps (grid step ≈ decades / 400), except where the
    // full curve itself has no FPR in between (at the low end FPRs are multiples of 1/nNeg).
    const fullFprs = Array.from(new Set(roc.fpr));
    for (let j = 1; j < kept.length; j++) {
      const skipped = fullFprs.some((f) => f > kept[j - 1] && f < kept[j]);
      if (skipped) expect(logs[j] - logs[j - 1]).toBeLessThan(decades / 50);
    }
    // Each decade holds a fair share: a uniform (linear) thinning would put < 1% of points below FPR 0.01.
    for (const [lo, hi] of [[-3, -2], [-2, -1], [-1, 0]] as const) {
      const share = logs.filter((l) => l >= lo && l < hi).length / logs.length;
      expect(share).toBeGreaterThan(0.15);
    }
  });

  it('is conservative for tprAtFpr: never above the full curve, equal at every kept FPR', () => {
    const out = downsampleRoc(roc, 100);
    for (const f of out.fpr) expect(tprAtFpr(out, f)).toBe(tprAtFpr(roc, f));
    for (let e = -4.3; e <= 0; e += 0.05) {
      const f = 10 ** e;
      expect(tprAtFpr(out, f)).toBeLessThanOrEqual(tprAtFpr(roc, f));
    }
    expect(tprAtFpr(out, 0)).toBe(tprAtFpr(roc, 0));
  });

  it('keeps the vertical segment at FPR 0 of a near-perfect attack', () => {
    // 1000 members all above 3000 non-members: points climb FPR 0 to TPR 1, then run along TPR 1.
    const scores = [...Array.from({ length: 1000 }, (_, i) => 10 + i), ...Array.from({ length: 3000 }, (_, i) => i / 1000)];
    const isMember = scores.map((_, i) => (i < 1000 ? 1 : 0));
    const out = downsampleRoc(rocCurve(scores, isMember), 50);
    expect(out.fpr.length).toBeLessThanOrEqual(50);
    expect(tprAtFpr(out, 0)).toBe(1);
    expect([out.fpr[0], out.tpr[0]]).toEqual([0, 0]);
    expect([out.fpr[out.fpr.length - 1], out.tpr[out.tpr.length - 1]]).toEqual([1, 1]);
  });

  it('refuses a bad budget or a malformed curve', () => {
    expectInvalid(() => downsampleRoc(roc, 3), /^`maxPoints` must be an integer ≥ 4; got 3\.$/);
    expectInvalid(() => downsampleRoc(roc, 10.5), /`maxPoints` must be an integer ≥ 4; got 10\.5\./);
    expectInvalid(
      () => downsampleRoc({ fpr: new Float64Array([]), tpr: new Float64Array([]), thresholds: new Float64Array([]) }),
      /`roc` must have at least one point; got 0\./,
    );
  });
});
