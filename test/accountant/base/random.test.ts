/**
 * The one seeded PRNG and its stream mixer against an independent implementation: a direct Python port
 * of mulberry32 and of the fmix32 mixer (Python integers masked to 32 bits), whose outputs are pasted
 * here (`mulberry32(42)` → 0.6011037519201636, …; `streamSeed(1, 0)` → 3222942338, …).
 * (The seeded-generator test moved here from test/testing/statistics.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { seededUniform, streamSeed } from '../../../accountant/index.js';

describe('seededUniform', () => {
  it('reproduces the reference mulberry32 streams', () => {
    const a = seededUniform(42);
    expect([a(), a(), a()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const b = seededUniform(0);
    expect([b(), b(), b()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    // Seeds are folded to 32 bits.
    expect(seededUniform(2 ** 32 + 42)()).toBe(0.6011037519201636);
  });

  it('replays from its seed, stays in [0, 1), and sub-streams differ', () => {
    const [a, b] = [seededUniform(7), seededUniform(7)];
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // The mean of 1000 uniforms has standard deviation √(1/12000) ≈ 0.0091: 0.05 is 5.5 of them.
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => streamSeed(1, i)));
    expect(seeds.size).toBe(100);
    expect(streamSeed(1, 0)).not.toBe(streamSeed(2, 0));
  });
});

describe('streamSeed', () => {
  it('reproduces the reference mixer', () => {
    expect([streamSeed(1, 0), streamSeed(1, 1), streamSeed(123456789, 7)]).toEqual([3222942338, 360995440, 440900767]);
  });
});
