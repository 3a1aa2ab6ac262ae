/**
 * Shokri et al.'s shadow-model attack: it separates members on synthetic data, is deterministic for a
 * seed, falls back to the global attack model for classes with too few rows, and refuses data it
 * cannot train on.
 */
import { describe, expect, it } from 'vitest';
import { shokri } from '../../../mia/attacks/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { auc, meanGap, syntheticData } from './_synthetic.js';

describe('shokri', () => {
  const { data, members } = syntheticData(21, { n: 400, k: 3, numShadows: 4, numViews: 2, effect: 2.5 });

  it('separates members on synthetic data: mean P(IN) of members exceeds that of non-members clearly', () => {
    const { name, scores } = shokri(data, { seed: 1 });
    expect(name).toBe('shokri');
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect(meanGap(scores, members)).toBeGreaterThan(0.15);
    expect(auc(scores, members)).toBeGreaterThan(0.75);
  });

  it('logistic regression (hiddenUnits: 0) separates them too', () => {
    const { scores } = shokri(data, { seed: 1, hiddenUnits: 0 });
    expect(meanGap(scores, members)).toBeGreaterThan(0.15);
    expect(auc(scores, members)).toBeGreaterThan(0.75);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = shokri(data, { seed: 5, epochs: 50 }).scores;
    expect(shokri(data, { seed: 5, epochs: 50 }).scores).toEqual(a);
    expect(shokri(data, { seed: 6, epochs: 50 }).scores).not.toEqual(a);
  });

  it('scores a class with too few IN or OUT rows with the global model', () => {
    // Class 2 gets a single example: 4 shadow rows, fewer than minClassRows = 10 per side.
    const labels = Int32Array.from(data.labels, (y, i) => (y === 2 && i !== 7 ? 0 : y));
    labels[7] = 2;
    const few = { ...data, labels };
    const perClass = shokri(few, { seed: 3, epochs: 40 }).scores;
    const allGlobal = shokri(few, { seed: 3, epochs: 40, minClassRows: 1_000_000 }).scores;
    expect(perClass[7]).toBe(allGlobal[7]);
    expect(perClass[0]).not.toBe(allGlobal[0]);
  });

  it('caps the training rows with a seeded subsample', () => {
    const capped = shokri(data, { seed: 2, epochs: 40, maxTrainingRows: 200 }).scores;
    expect(shokri(data, { seed: 2, epochs: 40, maxTrainingRows: 200 }).scores).toEqual(capped);
    expect(capped).not.toEqual(shokri(data, { seed: 2, epochs: 40 }).scores);
  });

  it('refuses data without both IN and OUT shadow rows, no shadow, and bad options', () => {
    const allIn = { ...data, shadows: data.shadows.map((s) => ({ ...s, inMask: new Uint8Array(400).fill(1) })) };
    expectInvalid(() => shokri(allIn), /shokri needs shadow rows labelled both IN and OUT to train on; all 1600 rows of the 4 shadow models are IN/);
    expectInvalid(() => shokri({ ...data, shadows: [] }), /^attack `shokri` needs at least 1 shadow model; got 0\.$/);
    expectInvalid(() => shokri(data, { seed: -1 }), /`seed` must be an integer in \[0, 4294967295\]; got -1\./);
    expectInvalid(() => shokri(data, { hiddenUnits: 2.5 }), /`hiddenUnits`/);
    expectInvalid(() => shokri(data, { learningRate: 0 }), /`learningRate` must be a finite number > 0; got 0\./);
    expectInvalid(() => shokri(data, { epochs: 0 }), /`epochs` must be an integer ≥ 1; got 0\./);
  });
});
