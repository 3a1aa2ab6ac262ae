/**
 * Issue 11 §1, the acceptance property: for random small models under every kind of head (one-unit
 * regression, sigmoid, softmax, logits), named and `fromLogits`-style custom losses, custom losses of
 * every return shape, and 1-D and 2-D targets, with flat and per-layer clipping, either
 * - the case is one that breaks per-example clipping (a loss returning [], [B, 1] or [B, B], a loss
 *   that mixes examples while returning [B], a target that does not fit a named loss) — decided from how
 *   the case was built — and `clippedGradients` refuses it with `INVALID_ARGUMENT`, leaking nothing; or
 * - removing any one example moves the pre-noise clipped sum by at most C (flat) or √(Σ C_l²)
 *   (per-layer), and the per-example norms, factors and clipped sum equal a brute-force per-example
 *   loop (tf.variableGrads on each example alone, target in the loss's shape) to 1e-4 — which catches
 *   a broadcast across the batch that still returns [B].
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { clippedGradients, type ClippedGradients } from '../../src/kernels/clippedGradients.js';
import { disposeClipped } from './_bruteForce.js';
import { applicable, BASES, bruteForceNoLeak, buildCase, disposeBuilt, expectSameAsBruteForce, leaveOneOutChanges, lossCases, type BuiltCase } from './_sensitivity.js';

const SEED = 11;
const RUNS = 500;
/** float32 slack on the bound: the two sums differ by rounding of order B·C·2⁻²⁴·√dim, far below this. */
const RELATIVE_SLACK = 1e-5;

beforeAll(async () => {
  await tf.setBackend('cpu'); // float32 reference arithmetic, as the other kernel tests
});

const counts = { cases: 0, refused: 0, accepted: 0, clippedExamples: 0, examples: 0, worstRatio: 0 };
const byReason = new Map<string, number>();
const byBase = new Map<string, number>();
afterAll(() => {
  console.log(
    `sensitivity property: ${counts.cases} cases, ${counts.refused} refused, ${counts.accepted} accepted; ` +
      `${counts.clippedExamples}/${counts.examples} accepted examples had a norm above their bound; ` +
      `largest leave-one-out change / bound = ${counts.worstRatio.toFixed(7)}`,
  );
  console.log('refusals by reason:', Object.fromEntries(byReason));
  console.log('cases by head and loss:', Object.fromEntries(byBase));
});

const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

function clip(b: BuiltCase, x: tf.Tensor, y: tf.Tensor): ClippedGradients {
  return clippedGradients(b.model, x, y, { loss: b.loss, maxGradNorm: b.maxGradNorm, clipping: b.clipping });
}

function checkAccepted(b: BuiltCase): void {
  const full = clip(b, b.x, b.y);
  try {
    expect(full.losses.shape).toEqual([b.x.shape[0]]);
    // The brute force: each example alone, its target in the shape the loss is defined for.
    const ref = bruteForceNoLeak(b.model, b.x, b.yCanonical, { loss: b.loss, maxGradNorm: b.bruteForceNorm });
    expectSameAsBruteForce(full, ref, b.label);
    const norms = full.perExampleNorms.dataSync();
    counts.examples += norms.length;
    if (full.perLayerNorms === undefined) counts.clippedExamples += Array.from(norms).filter((n) => n > (b.maxGradNorm as number)).length;
    else {
      const layerBounds = typeof b.bruteForceNorm === 'number' ? [] : b.bruteForceNorm;
      counts.clippedExamples += (full.perLayerNorms.arraySync() as number[][]).filter((row) => row.some((n, l) => n > layerBounds[l])).length;
    }
    leaveOneOutChanges((x, y) => clip(b, x, y), b.x, b.y).forEach((change, i) => {
      counts.worstRatio = Math.max(counts.worstRatio, change / b.bound);
      expect(change, `removing example ${i}: ${b.label}`).toBeLessThanOrEqual(b.bound * (1 + RELATIVE_SLACK));
    });
  } finally {
    disposeClipped(full);
  }
}

function checkRefused(b: BuiltCase): void {
  let error: unknown = null;
  let out: ClippedGradients | null = null;
  try {
    out = clip(b, b.x, b.y);
  } catch (e) {
    error = e;
  }
  if (out !== null) disposeClipped(out);
  expect(error, `must be refused (${b.why}): ${b.label}`).toBeInstanceOf(PrivkitError);
  expect((error as PrivkitError).code).toBe('INVALID_ARGUMENT');
  bump(byReason, b.why.startsWith('loss') ? b.why : 'target does not fit a named loss');
}

describe('the sensitivity of the clipped sum, for every loss and target shape (issue 11 §1)', () => {
  it(`over ${RUNS} random models, heads, losses and targets: refused exactly when broken, else leave-one-out ≤ C and norms = brute force`, () => {
    fc.assert(
      fc.property(
        lossCases().filter(applicable),
        (c) => {
          const before = tf.memory().numTensors;
          const b = buildCase(c);
          try {
            if (b.mustRefuse) checkRefused(b);
            else checkAccepted(b);
          } finally {
            disposeBuilt(b);
          }
          expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
          counts.cases++;
          if (b.mustRefuse) counts.refused++;
          else counts.accepted++;
          bump(byBase, `${BASES[c.base].name}${b.mustRefuse ? ' (refused)' : ''}`);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // Coverage: every head/loss was accepted at least once, and every kind of breakage was refused.
    expect(counts.cases).toBeGreaterThanOrEqual(200);
    for (const base of BASES) expect(byBase.get(base.name) ?? 0, base.name).toBeGreaterThan(0);
    for (const w of ['scalarMean', 'keepDims', 'pairwise', 'subtractMean', 'centrePredictions']) expect(byReason.get(`loss wrapped: ${w}`) ?? 0, w).toBeGreaterThan(0);
    expect(byReason.get('target does not fit a named loss') ?? 0).toBeGreaterThan(0);
  });
});
