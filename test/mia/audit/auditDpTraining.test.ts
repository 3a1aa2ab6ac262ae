import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditDpTraining } from '../../../mia/audit/auditDpTraining.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { base } from './auditDpTraining.fixtures.js';

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
