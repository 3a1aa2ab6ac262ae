/**
 * sensitivity(): a sum without clipping is caught and shrunk to the minimal pair within fast-check's
 * default run count; clipped queries pass with the bound each norm and relation gives; the message
 * shows the pair, the outputs and the difference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neighbouringDatasets, sensitivity } from '../../src/testing/index.js';
import { expectInvalid } from '../_support/errors.js';

const sum = (d: readonly number[]) => d.reduce((s, x) => s + x, 0);
const clip = (x: number, c: number) => Math.max(-c, Math.min(c, x));
const clippedSum = (d: readonly number[]) => d.reduce((s, x) => s + clip(x, 1), 0);

describe('sensitivity', () => {
  it('finds the minimal counterexample [[], [2]] for an unclipped sum with bound 1, for 20 seeds, within the default 100 runs', () => {
    const datasets = neighbouringDatasets(fc.integer({ min: 0, max: 10 }));
    for (let seed = 1; seed <= 20; seed++) {
      const out = fc.check(sensitivity(sum, { norm: 'l1', bound: 1, datasets }), { seed });
      expect(out.failed).toBe(true);
      expect(out.numRuns).toBeLessThanOrEqual(100);
      expect(out.counterexample?.[0]).toEqual([[], [2]]);
    }
  });

  it('the default datasets are the same integers, so the bare call finds it too', () => {
    const out = fc.check(sensitivity(sum, { norm: 'l1', bound: 1 }), { seed: 5 });
    expect(out.counterexample?.[0]).toEqual([[], [2]]);
  });

  it('the failure shows the pair, both outputs, the norm and the difference (as the cause); fast-check adds the seed', () => {
    let error: unknown = null;
    try {
      fc.assert(sensitivity(sum, { norm: 'l1', bound: 1 }), { seed: 5 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/seed: 5[\s\S]*Counterexample: \[\[\[\],\[2\]\]\]/);
    expect(String((error as Error).cause)).toMatch(/‖f\(D\) − f\(D′\)‖₁ = 2 > bound 1\n {2}D {5}= \[\]\n {2}D′ {4}= \[2\]\n {2}f\(D\) {2}= 0\n {2}f\(D′\) = 2/);
    expect(() => fc.assert(sensitivity(sum, { norm: 'l1', bound: 1 }), { seed: 5, includeErrorInReport: true })).toThrow(/‖f\(D\) − f\(D′\)‖₁ = 2 > bound 1/);
  });

  it('a clipped sum has L1 sensitivity 1 under add/remove and 2 under replace (and not less)', () => {
    const values = fc.double({ min: -100, max: 100, noNaN: true });
    fc.assert(sensitivity(clippedSum, { norm: 'l1', bound: 1, datasets: neighbouringDatasets(values) }), { seed: 3 });
    const replace = neighbouringDatasets(values, { relation: 'replace' });
    fc.assert(sensitivity(clippedSum, { norm: 'l1', bound: 2, datasets: replace }), { seed: 3 });
    expect(fc.check(sensitivity(clippedSum, { norm: 'l1', bound: 1, datasets: replace }), { seed: 3 }).failed).toBe(true);
  });

  it('vector outputs: per-record L2 clipping gives L2 sensitivity C but L1 up to C·√d; linf of a histogram is 1', () => {
    const vectors = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 });
    const l2Clipped = (d: readonly number[][]) => {
      const s = [0, 0, 0];
      for (const v of d) {
        const f = Math.min(1, 0.5 / (Math.hypot(...v) + 1e-12));
        v.forEach((x, j) => (s[j] += f * x));
      }
      return s;
    };
    const pairs = neighbouringDatasets(vectors, { maxLength: 5 });
    fc.assert(sensitivity(l2Clipped, { norm: 'l2', bound: 0.5, datasets: pairs }), { seed: 11 });
    fc.assert(sensitivity(l2Clipped, { norm: 'l1', bound: 0.5 * Math.sqrt(3), datasets: pairs }), { seed: 11 });
    expect(fc.check(sensitivity(l2Clipped, { norm: 'l1', bound: 0.5, datasets: pairs }), { seed: 11 }).failed).toBe(true);
    const histogram = (d: readonly number[]) => [0, 1, 2, 3].map((b) => d.filter((x) => x === b).length);
    fc.assert(sensitivity(histogram, { norm: 'linf', bound: 1, datasets: neighbouringDatasets(fc.integer({ min: 0, max: 3 })) }), { seed: 11 });
  });

  it('outputs whose length depends on the data are an error, not a pass', () => {
    const out = fc.check(sensitivity((d: number[]) => d, { norm: 'l2', bound: 100 }), { seed: 1 });
    expect(out.failed).toBe(true);
    expect(String(out.errorInstance)).toMatch(/fn returned 0 numbers on D but 1 on D′/);
  });

  it('refuses an unknown norm or a negative bound', () => {
    expectInvalid(() => sensitivity(sum, { norm: 'l3' as 'l1', bound: 1 }), /`norm` must be 'l1', 'l2' or 'linf'; got "l3"\./);
    expectInvalid(() => sensitivity(sum, { norm: 'l1', bound: -1 }), /`bound` must be in \[0, ∞\]; got -1\./);
  });
});
