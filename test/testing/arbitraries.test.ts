/**
 * The arbitraries of privkit/testing: neighbouring pairs obey their relation and shrink to minimal
 * pairs; records respect their bounds and shapes; DP events are valid and accountable; model specs build
 * into models privkit can clip.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RdpAccountant, validateEvent } from '../../accountant/index.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import {
  batchTensors,
  boundedVectors,
  buildModel,
  dpEvents,
  exampleBatches,
  labelledExamples,
  modelSpecs,
  neighbouringDatasets,
  tensorValues,
} from '../../src/testing/index.js';
import { expectInvalid } from '../_support/errors.js';

const SEED = 20240611;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Multiset difference a ∖ b (by JSON). */
function minus<T>(a: readonly T[], b: readonly T[]): T[] {
  const rest = b.map((x) => JSON.stringify(x));
  return a.filter((x) => {
    const i = rest.indexOf(JSON.stringify(x));
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

describe('neighbouringDatasets', () => {
  it('add-remove: one dataset is the other plus one element; lengths stay in bounds; both directions occur', () => {
    let [grew, shrank] = [0, 0];
    fc.assert(
      fc.property(neighbouringDatasets(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 6 }), ([d, dPrime]) => {
        const [small, big] = d.length < dPrime.length ? [d, dPrime] : [dPrime, d];
        expect(big.length).toBe(small.length + 1);
        expect(minus(big, small)).toHaveLength(1);
        expect(small.length).toBeGreaterThanOrEqual(2);
        expect(big.length).toBeLessThanOrEqual(6);
        if (d.length < dPrime.length) grew++;
        else shrank++;
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(grew).toBeGreaterThan(20);
    expect(shrank).toBeGreaterThan(20);
  });

  it('replace: same length, at most one position differs', () => {
    fc.assert(
      fc.property(neighbouringDatasets(boundedVectors({ length: 2, min: -3, max: 3 }), { maxLength: 5, relation: 'replace' }), ([d, dPrime]) => {
        expect(d.length).toBe(dPrime.length);
        expect(d.length).toBeGreaterThanOrEqual(1);
        expect(d.filter((x, i) => JSON.stringify(x) !== JSON.stringify(dPrime[i])).length).toBeLessThanOrEqual(1);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('a failing pair shrinks to the shortest datasets and the smallest offending element, D ⊂ D′', () => {
    const out = fc.check(
      fc.property(neighbouringDatasets(fc.integer({ min: 0, max: 100 })), ([d, dPrime]) => Math.abs(d.reduce((s, x) => s + x, 0) - dPrime.reduce((s, x) => s + x, 0)) < 7),
      { seed: SEED },
    );
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0]).toEqual([[], [7]]);
  });

  it('refuses lengths that leave no pair', () => {
    expectInvalid(() => neighbouringDatasets(fc.integer(), { maxLength: 0 }), /`maxLength` must be ≥ minLength \+ 1 = 1 for add\/remove neighbours; got 0\./);
    expectInvalid(() => neighbouringDatasets(fc.integer(), { minLength: 1.5 }), /`minLength` must be an integer ≥ 0; got 1\.5\./);
    expectInvalid(() => neighbouringDatasets(fc.integer(), { relation: 'swap' as 'replace' }), /`relation` must be 'add-remove' or 'replace'/);
    expectInvalid(() => neighbouringDatasets(fc.integer(), { relation: 'replace', maxLength: 0 }), /replace-one/);
  });
});

describe('records', () => {
  it('vectors, tensors and labelled examples respect their bounds and shapes; batches convert to tensors', () => {
    fc.assert(
      fc.property(
        boundedVectors({ length: 3, min: -2, max: 5 }),
        tensorValues([2, 3], { min: 0, max: 1 }),
        exampleBatches({ inputShape: [2, 2], numClasses: 3 }, { min: -10, max: 10, maxSize: 4 }),
        (v, t, batch) => {
          expect(v).toHaveLength(3);
          expect(v.every((x) => x >= -2 && x <= 5)).toBe(true);
          expect(t.shape).toEqual([2, 3]);
          expect(t.values.every((x) => x >= 0 && x <= 1)).toBe(true);
          expect(batch.length).toBeGreaterThanOrEqual(1);
          const { x, y } = batchTensors(batch, { inputShape: [2, 2], numClasses: 3 });
          expect(x.shape).toEqual([batch.length, 2, 2]);
          expect(y.arraySync().map((row) => row.indexOf(1))).toEqual(batch.map((e) => e.label));
          tf.dispose([x, y]);
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
    const { x, y } = batchTensors([], { inputShape: [3], numClasses: 2 });
    expect([x.shape, y.shape]).toEqual([[0, 3], [0, 2]]);
    tf.dispose([x, y]);
  });

  it('refuses bad ranges, shapes and labels', () => {
    expectInvalid(() => boundedVectors({ length: 2, min: 1, max: 0 }), /min ≤ max/);
    expectInvalid(() => tensorValues([2, -1]), /non-negative integers/);
    expectInvalid(() => labelledExamples({ inputShape: [2], numClasses: 1 }), /`numClasses` must be an integer ≥ 2; got 1\./);
    expectInvalid(() => batchTensors([{ x: { shape: [2], values: [1, 2] }, label: 3 }], { inputShape: [2], numClasses: 3 }), /labels must be integers in \[0, 3\)/);
  });
});

describe('dpEvents', () => {
  it('draws valid events; the supported ones compose in the RDP accountant with ε ≥ 0', () => {
    let supported = 0;
    fc.assert(
      fc.property(dpEvents({ maxDepth: 2, maxCount: 50 }), (event) => {
        expect(validateEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
        const acc = new RdpAccountant();
        expect(acc.supports(event)).toBe(true);
        expect(acc.compose(event).getEpsilon(1e-5)).toBeGreaterThanOrEqual(0);
        supported++;
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(supported).toBe(60);
    const kinds = new Set(fc.sample(dpEvents({ supportedOnly: false, nonPrivate: true }), { seed: SEED, numRuns: 300 }).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['composed', 'gaussian', 'laplace', 'noOp', 'nonPrivate', 'poissonSampled', 'selfComposed']);
    expectInvalid(() => dpEvents({ maxDepth: -1 }), /`maxDepth` must be an integer ≥ 0/);
  });

  it('an accountant law over them: composing one more event never lowers the RDP ε', () => {
    fc.assert(
      fc.property(dpEvents({ maxCount: 100 }), dpEvents({ maxCount: 100 }), (a, b) => {
        const once = new RdpAccountant().compose(a).getEpsilon(1e-5);
        const twice = new RdpAccountant().compose(a).compose(b).getEpsilon(1e-5);
        expect(twice).toBeGreaterThanOrEqual(once * (1 - 1e-12));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('modelSpecs', () => {
  it('build seeded models whose every layer privkit clips per example', () => {
    let [mlp, cnn] = [0, 0];
    fc.assert(
      fc.property(modelSpecs(), (spec) => {
        const [a, b] = [buildModel(spec), buildModel(spec)];
        try {
          expect(a.outputs[0].shape).toEqual([null, spec.numClasses]);
          a.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(b.getWeights()[i].dataSync())));
          const x = tf.randomNormal([2, ...spec.inputShape], 0, 1, 'float32', 1);
          const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), spec.numClasses);
          const c = clippedGradients(a, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
          expect(c.grads).toHaveLength(a.trainableWeights.length);
          tf.dispose([x, y, c.perExampleNorms, c.clipFactors, c.losses, ...c.grads]);
          if (spec.inputShape.length === 1) mlp++;
          else cnn++;
        } finally {
          a.dispose();
          b.dispose();
        }
      }),
      { seed: SEED, numRuns: 12 },
    );
    expect(mlp).toBeGreaterThan(0);
    expect(cnn).toBeGreaterThan(0);
    expectInvalid(() => modelSpecs({ architectures: [] }), /`architectures` must list 'mlp' and\/or 'cnn'/);
  });
});

describe('buildModel seeds', () => {
  it('the same spec gives the same weights, seed 0 included (tfjs reads a seed of 0 as none)', () => {
    const spec = { inputShape: [3], layers: [{ kind: 'dense' as const, units: 2, activation: 'tanh' as const }], numClasses: 2, seed: 0 };
    const a = buildModel(spec);
    const b = buildModel(spec);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.dispose();
    b.dispose();
  });
});
