import { describe, expect, it } from 'vitest';
import { auditOneRun, epsilonLowerBound } from '../../../mia/audit/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';

/** m canaries, each IN with probability ½ (seeded). */
function coinFlips(m: number, seed: number): boolean[] {
  const rand = mulberry32(seed);
  return Array.from({ length: m }, () => rand() < 0.5);
}

/**
 * Scores from ε₀-randomized response on membership: the score is the true bit with probability
 * e^ε₀/(1 + e^ε₀), else the flipped bit, independently per canary — an ε₀-DP release of each bit,
 * so no valid audit may claim more than ε₀ (except with probability ≤ 1 − confidence). A small
 * jitter independent of membership breaks ties.
 */
function randomizedResponseScores(included: readonly boolean[], epsilon0: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const keep = 1 / (1 + Math.exp(-epsilon0));
  return included.map((bit) => ((rand() < keep) === bit ? 1 : 0) + 1e-3 * rand());
}

/** Brute force: (r, v) of a rule by sorting a copy, ties by index. */
function countGuesses(scores: readonly number[], included: readonly boolean[], kPlus: number, kMinus: number): { r: number; v: number } {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let v = 0;
  for (let j = 0; j < kPlus; j++) if (included[order[j][1]]) v++;
  for (let j = 0; j < kMinus; j++) if (!included[order[order.length - 1 - j][1]]) v++;
  return { r: kPlus + kMinus, v };
}

describe('auditOneRun', () => {
  it('a one-rule grid is exactly the paper bound (no correction): perfect separation → closed form', () => {
    // Arrange: 400 canaries, members score 1, non-members 0.
    const included = coinFlips(400, 1);
    const scores = included.map((b) => (b ? 1 : 0));
    // Act
    const audit = auditOneRun({ scores, included, delta: 0, guessGrid: [{ kPlus: 50, kMinus: 50 }] });
    // Assert: 100 guesses, all right; ε = ln(p/(1 − p)), p = 0.05^{1/100}.
    const p = 0.05 ** (1 / 100);
    expect(audit).toMatchObject({ method: 'one-run', canaries: 400, guesses: 100, correct: 100, kPlus: 50, kMinus: 50, gridSize: 1, confidence: 0.95 });
    expect(audit.epsilonLowerBound).toBeCloseTo(Math.log(p / (1 - p)), 10);
  });

  it('with G rules, reports the best rule tested at level β/G (Bonferroni), checked by brute force', () => {
    // Arrange
    const included = coinFlips(600, 2);
    const scores = randomizedResponseScores(included, 2, 3);
    const guessGrid = [
      { kPlus: 10, kMinus: 10 },
      { kPlus: 40, kMinus: 40 },
      { kPlus: 100, kMinus: 0 },
      { kPlus: 150, kMinus: 150 },
      { kPlus: 40, kMinus: 40 }, // a repeat: counted once
    ];
    // Act
    const audit = auditOneRun({ scores, included, delta: 1e-5, confidence: 0.9, guessGrid });
    // Assert
    expect(audit.gridSize).toBe(4);
    const perRule = guessGrid.slice(0, 4).map(({ kPlus, kMinus }) => {
      const { r, v } = countGuesses(scores, included, kPlus, kMinus);
      return { kPlus, kMinus, r, v, epsilon: epsilonLowerBound({ guesses: r, correct: v, canaries: 600, delta: 1e-5, confidence: 1 - 0.1 / 4 }) };
    });
    const best = perRule.reduce((a, b) => (b.epsilon > a.epsilon ? b : a));
    expect(best.epsilon).toBeGreaterThan(0);
    expect(audit.epsilonLowerBound).toBe(best.epsilon);
    expect(audit).toMatchObject({ kPlus: best.kPlus, kMinus: best.kMinus, guesses: best.r, correct: best.v });
    // The correction costs something: the same best rule alone would claim more.
    const alone = auditOneRun({ scores, included, delta: 1e-5, confidence: 0.9, guessGrid: [{ kPlus: best.kPlus, kMinus: best.kMinus }] });
    expect(alone.epsilonLowerBound).toBeGreaterThan(audit.epsilonLowerBound);
  });

  it('never claims more than the true ε₀ of randomized response beyond the 5% it is allowed (200 runs)', () => {
    const epsilon0 = 1;
    let overclaims = 0;
    let positive = 0;
    for (let run = 0; run < 200; run++) {
      const included = coinFlips(500, 1000 + run);
      const audit = auditOneRun({ scores: randomizedResponseScores(included, epsilon0, 5000 + run), included, delta: 0 });
      if (audit.epsilonLowerBound > epsilon0) overclaims++;
      if (audit.epsilonLowerBound > 0) positive++;
    }
    // Allowed: ≤ 5% in expectation; P[Bin(200, 0.05) > 20] < 0.002.
    expect(overclaims).toBeLessThanOrEqual(20);
    expect(positive).toBeGreaterThan(150); // and the audit does find leakage
  });

  it('claims nothing when scores are independent of membership (ε₀ = 0) beyond 5% of runs', () => {
    let positive = 0;
    for (let run = 0; run < 200; run++) {
      const included = coinFlips(300, 7000 + run);
      const rand = mulberry32(9000 + run);
      const audit = auditOneRun({ scores: included.map(() => rand()), included, delta: 1e-5 });
      expect(Number.isNaN(audit.epsilonLowerBound)).toBe(false);
      if (audit.epsilonLowerBound > 0) positive++;
    }
    expect(positive).toBeLessThanOrEqual(20);
  });

  it('has a default grid of (k, k) and (k, 0) for k = ⌊m/2⌋, ⌊m/4⌋, …, 1', () => {
    const included = coinFlips(1000, 4);
    const audit = auditOneRun({ scores: included.map((b) => (b ? 1 : 0)), included, delta: 1e-5 });
    expect(audit.gridSize).toBe(18); // k = 500, 250, 125, 62, 31, 15, 7, 3, 1
    expect(audit.guesses).toBe(audit.correct); // perfect separation: the best rule is all right
    expect(audit.epsilonLowerBound).toBeGreaterThan(3);
    expect(auditOneRun({ scores: [0.3], included: [true], delta: 0 })).toMatchObject({ gridSize: 1, kPlus: 1, kMinus: 0, epsilonLowerBound: 0 });
  });

  it('breaks ties by index, and reads Uint8Array and boolean[] alike', () => {
    const included = [true, false, true, true, false, false];
    const scores = [0, 0, 0, 0, 0, 0];
    const audit = auditOneRun({ scores, included, delta: 0, guessGrid: [{ kPlus: 2, kMinus: 2 }] });
    // Top 2 by index: canaries 0 (in), 1 (out); bottom 2: canaries 5 (out), 4 (out) → 1 + 2 right.
    expect(audit).toMatchObject({ guesses: 4, correct: 3 });
    const bytes = Uint8Array.from(included, (b) => (b ? 1 : 0));
    expect(auditOneRun({ scores, included: bytes, delta: 0, guessGrid: [{ kPlus: 2, kMinus: 2 }] })).toEqual(audit);
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    const ok = { scores: [0.1, 0.2, 0.3], included: [true, false, true], delta: 1e-5 };
    expectInvalid(() => auditOneRun({ ...ok, included: [true, false] }), /`scores` and `included` must have the same length; got 3 and 2\./);
    expectInvalid(() => auditOneRun({ ...ok, scores: [], included: [] }), /`scores` must have at least one canary; got 0\./);
    expectInvalid(() => auditOneRun({ ...ok, scores: [0.1, NaN, 0.3] }), /`scores` must be finite numbers; got NaN at index 1\./);
    expectInvalid(() => auditOneRun({ ...ok, included: Uint8Array.of(1, 2, 0) }), /`included` must hold 0\/1 or booleans; got 2 at index 1\./);
    expectInvalid(() => auditOneRun({ ...ok, included: 'yes' as never }), /`included` must be a Uint8Array or an array of booleans/);
    expectInvalid(() => auditOneRun({ ...ok, delta: 1 }), /`delta` must be in \[0, 1\); got 1\./);
    expectInvalid(() => auditOneRun({ ...ok, confidence: 0 }), /`confidence` must be in \(0, 1\); got 0\./);
    expectInvalid(() => auditOneRun({ ...ok, guessGrid: [] }), /`guessGrid` must be a non-empty array/);
    expectInvalid(() => auditOneRun({ ...ok, guessGrid: [{ kPlus: 2, kMinus: 2 }] }), /`guessGrid\[0\]` must have integers kPlus, kMinus ≥ 0 with kPlus \+ kMinus ≤ 3/);
    expectInvalid(() => auditOneRun({ ...ok, guessGrid: [{ kPlus: 1, kMinus: 0 }, { kPlus: -1, kMinus: 0 }] }), /`guessGrid\[1\]`/);
    expectInvalid(() => auditOneRun(undefined as never), /`options` must be an options object/);
  });
});
