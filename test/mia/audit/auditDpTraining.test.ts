import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditDpTraining } from '../../../mia/audit/auditDpTraining.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { mulberry32 } from '../../_support/prng.js';

// Two blobs in the first 4 of 8 dimensions (the last 4 are always 0, like MNIST's blank border:
// "quiet" coordinates of the first kernel that real gradients never move), 400 examples.
function blobs(n: number, seed: number) {
  const r = mulberry32(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let k = 0; k < 4; k++) x[i * 8 + k] = (y[i] === 1 ? 0.5 : -0.5) + (r() - 0.5);
  }
  return { x, y, exampleShape: [8], numClasses: 2 };
}
const mlp = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 64, activation: 'relu', inputShape: [8], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
const base = { model: mlp, data: blobs(400, 3), epochs: 2, batchSize: 64, learningRate: 0.1, maxGradNorm: 1, delta: 1e-5, seed: 4 };

describe('auditDpTraining', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('gradient canaries without noise are all told apart: the bound reaches what the guess grid allows', async () => {
    const a = await auditDpTraining({ ...base, canaries: 200, canaryType: 'gradient', noiseMultiplier: 1e-6 });
    // A Dirac of norm C = 1 summed over ≈ q·T ≥ 1 steps against noise of std ~1e-6: every guess is right.
    expect(a.correct).toBe(a.guesses);
    // With r guesses all right the bound is ln(p/(1−p)), p = (β/G)^{1/r} (Steinke et al., δ-term negligible):
    // r ≥ 50, G ≤ 16 gives ≥ 2.0.
    expect(a.epsilonLowerBound).toBeGreaterThan(2);
    expect(a.claimedEpsilon).toBeGreaterThan(1e6);
  });

  it.each([0.5, 2])('DP-SGD at ε = %s: the measured lower bound never exceeds the accountant’s ε (gradient and mislabel canaries)', async (eps) => {
    for (const canaryType of ['gradient', 'mislabel'] as const) {
      const a = await auditDpTraining({ ...base, canaries: 100, canaryType, targetEpsilon: eps });
      expect(a.claimedEpsilon).toBeLessThanOrEqual(eps * (1 + 1e-9));
      expect(a.epsilonLowerBound).toBeGreaterThanOrEqual(0);
      expect(a.epsilonLowerBound).toBeLessThanOrEqual(a.claimedEpsilon);
      expect(a.canaries).toBe(100);
    }
  });

  it('leaves no tensors behind', async () => {
    for (const canaryType of ['gradient', 'ood', 'mislabel'] as const) {
      await auditDpTraining({ ...base, canaries: 50, canaryType, noiseMultiplier: 1 }); // warm-up: tfjs keeps a few constants
      const before = tf.memory().numTensors;
      await auditDpTraining({ ...base, canaries: 50, canaryType, noiseMultiplier: 1 });
      expect(tf.memory().numTensors, canaryType).toBe(before);
    }
  });

  it('refuses a canary count outside its range, naming it', async () => {
    await expect(auditDpTraining({ ...base, canaries: 1, noiseMultiplier: 1 })).rejects.toThrow(/`canaries` must be an integer in \[2, 200\]/);
    await expect(auditDpTraining({ ...base, canaries: 201, noiseMultiplier: 1 })).rejects.toThrow(/got 201/);
  });
});
