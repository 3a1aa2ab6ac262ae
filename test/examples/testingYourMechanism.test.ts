/** The public example runs (small sizes) and finds what it says: the planted bugs fail, the correct code passes. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingYourMechanism } from '../../examples/testingYourMechanism.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('examples/testingYourMechanism', () => {
  it('passes the correct query and step, refutes the buggy ones, and trains', async () => {
    const lines: string[] = [];
    const report = await testingYourMechanism({ samples: 50_000, numRuns: 8, seed: 1 }, (l) => lines.push(l));
    expect(report.countSensitivityHolds).toBe(true);
    expect(report.clippedTotalHolds).toBe(true);
    expect(report.totalAgeCounterexample).toEqual([[], [101]]);
    expect(report.count.passed, report.count.summary).toBe(true);
    expect(report.buggyCount.passed).toBe(false);
    expect(report.buggyCount.epsilonLowerBound).toBeGreaterThan(1);
    expect(report.stepClips).toBe(true);
    expect(report.unclippedStepFailure).toMatch(/moves the pre-noise sum by .* > maxGradNorm 0\.1/);
    expect(report.trainedLoss).toBeLessThan(0.69); // below chance level for two classes
    expect(lines.join('\n')).toMatch(/sensitivity\(totalAge\) ≤ 100 \(L1\): fails, shrunk to D = \[\], D′ = \[101\]/);
    expect(lines.join('\n')).toMatch(/checkDp\(buggyCountOver40, ε = 1\): fails\. The claim ε = 1, δ = 0 is refuted/);
  });
});
