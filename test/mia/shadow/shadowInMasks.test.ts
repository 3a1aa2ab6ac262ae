/**
 * shadowInMasks: the IN/OUT design of Carlini et al. 2022 — with an even shadow count every example is
 * IN for exactly half of the shadows, in complementary pairs whose sizes are ⌊n/2⌋ and ⌈n/2⌉ — and
 * its determinism and refusals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shadowInMasks } from '../../../mia/shadow/shadowInMasks.js';
import { expectInvalid } from '../../_support/errors.js';

const SEED = 20240611;

const sum = (a: Uint8Array): number => a.reduce((s, v) => s + v, 0);

describe('shadowInMasks', () => {
  it('with an even count, puts every example IN for exactly N/2 shadows, in complementary pairs of sizes ⌊n/2⌋ and ⌈n/2⌉', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, pairs, seed) => {
        // Arrange
        const count = 2 * pairs;

        // Act
        const masks = shadowInMasks(n, count, seed);

        // Assert
        expect(masks).toHaveLength(count);
        for (const m of masks) {
          expect(m).toHaveLength(n);
          expect(m.every((v) => v === 0 || v === 1)).toBe(true);
          expect([Math.floor(n / 2), Math.ceil(n / 2)]).toContain(sum(m));
        }
        for (let i = 0; i < n; i++) expect(masks.reduce((s, m) => s + m[i], 0)).toBe(count / 2);
        for (let p = 0; p < pairs; p++) {
          const [a, b] = [masks[2 * p], masks[2 * p + 1]];
          expect(a.every((v, i) => v + b[i] === 1)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('with odd n, alternates which shadow of a pair gets the extra example', () => {
    // Arrange / Act
    const masks = shadowInMasks(7, 4, 3);

    // Assert: pair 0 gives shadow 0 the smaller half, pair 1 gives shadow 2 the larger one.
    expect(masks.map(sum)).toEqual([3, 4, 4, 3]);
  });

  it('with an odd count, leaves the last shadow unpaired: examples are IN for ⌊N/2⌋ or ⌈N/2⌉ shadows', () => {
    // Arrange
    const n = 40;
    const count = 5;

    // Act
    const masks = shadowInMasks(n, count, 9);
    const even = shadowInMasks(n, count + 1, 9);

    // Assert
    expect(masks).toHaveLength(count);
    const inCounts = Array.from({ length: n }, (_, i) => masks.reduce((s, m) => s + m[i], 0));
    expect(new Set(inCounts)).toEqual(new Set([2, 3]));
    // Exactly the unpaired shadow's examples get the extra IN.
    inCounts.forEach((c, i) => expect(c).toBe(2 + masks[4][i]));
    // The first N shadows do not depend on whether the count is odd or even.
    expect(masks).toEqual(even.slice(0, count));
    expect(shadowInMasks(n, 1, 9)).toEqual([masks[0]]);
  });

  it('is determined by its seed: same seed, same masks; other seeds, other halves', () => {
    // Arrange / Act
    const a = shadowInMasks(100, 8, 1);
    const b = shadowInMasks(100, 8, 1);
    const others = [2, 3, 1_000_003, 2 ** 31 - 1].map((s) => shadowInMasks(100, 8, s));

    // Assert
    expect(b).toEqual(a);
    for (const o of others) for (let s = 0; s < 8; s++) expect(o[s]).not.toEqual(a[s]);
    // Pairs are drawn independently of each other.
    expect(a[2]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
  });

  it('draws halves that look uniform: each example is IN for shadow 2k in about half of 400 pairs', () => {
    // Arrange
    const n = 10;
    const pairs = 400;

    // Act
    const masks = shadowInMasks(n, 2 * pairs, 5);

    // Assert: Binomial(400, 1/2) has sd 10; 5 sd either way would fail by chance with p ≈ 6e-7 per example.
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let p = 0; p < pairs; p++) k += masks[2 * p][i];
      expect(Math.abs(k - pairs / 2)).toBeLessThan(50);
    }
  });

  it('refuses a population of fewer than 2 examples, fewer than 1 shadow, and non-integers', () => {
    expectInvalid(() => shadowInMasks(1, 2, 0), /at least 2 examples; got 1\./);
    expectInvalid(() => shadowInMasks(10.5, 2, 0), /at least 2 examples; got 10\.5\./);
    expectInvalid(() => shadowInMasks(Number.NaN, 2, 0), /at least 2 examples; got NaN\./);
    expectInvalid(() => shadowInMasks(10, 0, 0), /`shadowModels` must be an integer ≥ 1; got 0\./);
    expectInvalid(() => shadowInMasks(10, 2.5, 0), /`shadowModels` must be an integer ≥ 1; got 2\.5\./);
    expectInvalid(() => shadowInMasks(10, -2, 0), /got -2\./);
  });
});
