/**
 * Testing your own DP code the way you test the rest of it. Two pieces of user code, each with a bug
 * planted beside the correct version, and the privkit/testing checks that tell them apart:
 *
 * 1. A Laplace counting query ("how many people are over 40?"): `sensitivity` checks the query's
 *    sensitivity (and shrinks a forgotten clip to the smallest counterexample), `checkDp` tests the
 *    released value statistically against its claimed ε.
 * 2. A hand-written DP-SGD step and training loop: `clippingRespected` checks that no example moves the
 *    pre-noise gradient sum by more than the clipping norm.
 *
 * In a vitest suite each check is one line, e.g.
 * ```ts
 * it('the count has sensitivity 1', () => fc.assert(sensitivity(countOver40, { norm: 'l1', bound: 1, datasets: ageDatasets })));
 * it('the count is 1-DP', async () => {
 *   const r = await checkDp(privateCountOver40(1), { epsilon: 1, delta: 0 }, { neighbours: [[30, 50], [30, 50, 70]], samples: 200_000, seed: 1 });
 *   expect(r.passed, r.summary).toBe(true);
 * });
 * it('my step clips', () => fc.assert(clippingRespected((model) => myStep(model, 0.1)), { numRuns: 20 }));
 * ```
 * Here the checks run with `fc.check` so that the script reports instead of throwing.
 *
 * Run: `npm run build && node dist/examples/testingYourMechanism.js`.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { poissonBatches } from 'privkit';
import {
  checkDp,
  clippingRespected,
  modelSpecs,
  neighbouringDatasets,
  sampleLaplace,
  sensitivity,
  type CheckDpResult,
  type PreNoiseStep,
} from 'privkit/testing';

// ─── 1. A Laplace counting query ───────────────────────────────────────────────────────────────────

/** How many people are over 40: adding or removing one person changes it by at most 1. */
export const countOver40 = (ages: readonly number[]): number => ages.filter((a) => a > 40).length;

/** The ε-DP release: Laplace noise of scale Δ/ε with Δ = 1. `random` is the only randomness. */
export const privateCountOver40 =
  (epsilon: number) =>
  (ages: readonly number[], random: () => number): number =>
    countOver40(ages) + sampleLaplace(random, 1 / epsilon);

/** Bug: noise of scale ½/ε (as if each person counted half). Its true ε is 2ε. */
export const buggyCountOver40 =
  (epsilon: number) =>
  (ages: readonly number[], random: () => number): number =>
    countOver40(ages) + sampleLaplace(random, 0.5 / epsilon);

/** Total age with each age clipped to [0, 100]: sensitivity 100. */
export const clippedTotalAge = (ages: readonly number[]): number => ages.reduce((s, a) => s + Math.min(100, Math.max(0, a)), 0);

/** Bug: the same total without the clip. */
export const totalAge = (ages: readonly number[]): number => ages.reduce((s, a) => s + a, 0);

/** Neighbouring datasets of ages 0…120, up to 8 people: D and D′ differ by one person. */
export const ageDatasets = neighbouringDatasets(fc.integer({ min: 0, max: 120 }), { maxLength: 8 });

// ─── 2. A hand-written DP-SGD step and training loop ───────────────────────────────────────────────

/**
 * Σ_i min(1, C/‖g_i‖)·g_i over the batch, one example at a time (categorical cross-entropy on softmax
 * outputs). With `clip: false` it is the classic bug: the plain gradient sum.
 */
export function myPreNoiseSum(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, maxGradNorm: number, clip = true): tf.Tensor[] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let sums = vars.map((v) => tf.zerosLike(v) as tf.Tensor);
  for (let i = 0; i < x.shape[0]; i++) {
    const { value, grads } = tf.variableGrads(() => {
      const [xi, yi] = [tf.slice(x, i, 1), tf.slice(y, i, 1)];
      return tf.sum(tf.metrics.categoricalCrossentropy(yi, model.apply(xi) as tf.Tensor)) as tf.Scalar;
    }, vars);
    const gs = vars.map((v) => grads[v.name]);
    const norm = Math.sqrt(gs.reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    const factor = clip ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
    const next = sums.map((s, j) => tf.add(s, tf.mul(gs[j], factor)));
    tf.dispose([value, ...gs, ...sums]);
    sums = next;
  }
  return sums;
}

/** Settings of {@link myTrainingLoop}. */
export interface MyTrainingOptions {
  readonly maxGradNorm: number;
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * A user's own DP-SGD loop: Poisson batches, the clipped sum, N(0, σ²C²) noise, division by the expected
 * batch size q·N, plain SGD. Returns the mean loss of the last step (for monitoring).
 */
export function myTrainingLoop(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, o: MyTrainingOptions): number {
  const n = x.shape[0];
  const batches = poissonBatches(n, o.sampleRate, o.seed);
  const optimizer = tf.train.sgd(o.learningRate);
  let loss = NaN;
  for (let s = 0; s < o.steps; s++) {
    const idx = tf.tensor1d(batches.next().value, 'int32');
    const [xb, yb] = [tf.gather(x, idx), tf.gather(y, idx)];
    const sums = myPreNoiseSum(model, xb, yb, o.maxGradNorm);
    const named: tf.NamedTensorMap = {};
    model.trainableWeights.forEach((w, j) => {
      named[(w.read() as tf.Variable).name] = tf.tidy(() =>
        tf.div(tf.add(sums[j], tf.randomNormal(sums[j].shape, 0, o.noiseMultiplier * o.maxGradNorm, 'float32', o.seed + s * 101 + j)), o.sampleRate * n),
      );
    });
    loss = xb.shape[0] === 0 ? NaN : tf.tidy(() => tf.mean(tf.metrics.categoricalCrossentropy(yb, model.predict(xb) as tf.Tensor)).dataSync()[0]);
    optimizer.applyGradients(named);
    tf.dispose([idx, xb, yb, ...sums, ...Object.values(named)]);
  }
  optimizer.dispose();
  return loss;
}

/** The step of {@link myTrainingLoop}, opened up for `clippingRespected`: its bound and its pre-noise sum. */
export const myStep = (model: tf.LayersModel, maxGradNorm: number, clip = true): PreNoiseStep => ({
  maxGradNorm,
  preNoiseSum: (x, y) => myPreNoiseSum(model, x, y, maxGradNorm, clip),
});

// ─── The checks ────────────────────────────────────────────────────────────────────────────────────

/** Sizes of the example (the defaults are the thorough run; the test suite uses smaller ones). */
export interface TestingYourMechanismOptions {
  /** checkDp draws per dataset. @defaultValue 200 000 */
  readonly samples?: number;
  /** fast-check runs per property. @defaultValue 100 for the queries, 20 for the training step */
  readonly numRuns?: number;
  /** Seed of everything. @defaultValue 1 */
  readonly seed?: number;
}

/** What the example found. */
export interface TestingYourMechanismReport {
  /** sensitivity(countOver40, l1 ≤ 1): holds. */
  readonly countSensitivityHolds: boolean;
  /** sensitivity(clippedTotalAge, l1 ≤ 100): holds. */
  readonly clippedTotalHolds: boolean;
  /** sensitivity(totalAge, l1 ≤ 100): the shrunk counterexample, [[], [101]]. */
  readonly totalAgeCounterexample: readonly [readonly number[], readonly number[]] | null;
  /** checkDp of the correct count at ε = 1. */
  readonly count: CheckDpResult<readonly number[]>;
  /** checkDp of the buggy count at ε = 1. */
  readonly buggyCount: CheckDpResult<readonly number[]>;
  /** clippingRespected(myStep): holds. */
  readonly stepClips: boolean;
  /** clippingRespected(myStep without the clip): the failure message. */
  readonly unclippedStepFailure: string | null;
  /** Mean loss after a few steps of myTrainingLoop on a toy problem. */
  readonly trainedLoss: number;
}

/** Runs the checks; prints what they find when `print` is given. */
export async function testingYourMechanism(options: TestingYourMechanismOptions = {}, print?: (line: string) => void): Promise<TestingYourMechanismReport> {
  const { samples = 200_000, seed = 1 } = options;
  const say = print ?? (() => {});

  // Sensitivity: bounded queries pass; the unclipped total shrinks to the minimal counterexample.
  const runs = { seed, ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }) };
  const countSensitivity = fc.check(sensitivity(countOver40, { norm: 'l1', bound: 1, datasets: ageDatasets }), runs);
  const clippedTotal = fc.check(sensitivity(clippedTotalAge, { norm: 'l1', bound: 100, datasets: ageDatasets }), runs);
  const total = fc.check(sensitivity(totalAge, { norm: 'l1', bound: 100, datasets: ageDatasets }), runs);
  say(`sensitivity(countOver40) ≤ 1 (L1): ${countSensitivity.failed ? 'FAILS' : 'holds'}`);
  say(`sensitivity(clippedTotalAge) ≤ 100 (L1): ${clippedTotal.failed ? 'FAILS' : 'holds'}`);
  say(`sensitivity(totalAge) ≤ 100 (L1): ${total.failed ? `fails, shrunk to D = ${JSON.stringify(total.counterexample?.[0][0])}, D′ = ${JSON.stringify(total.counterexample?.[0][1])}` : 'holds'}`);

  // checkDp: the correct count passes at ε = 1, the buggy one (true ε = 2) is refuted.
  const neighbours: [number[], number[]] = [[30, 50, 41], [30, 50, 41, 70]];
  const count = await checkDp(privateCountOver40(1), { epsilon: 1, delta: 0 }, { neighbours, samples, confidence: 0.95, seed });
  const buggyCount = await checkDp(buggyCountOver40(1), { epsilon: 1, delta: 0 }, { neighbours, samples, confidence: 0.95, seed });
  say(`checkDp(privateCountOver40, ε = 1): ${count.passed ? 'passes' : 'FAILS'}. ${count.summary}`);
  say(`checkDp(buggyCountOver40, ε = 1): ${buggyCount.passed ? 'PASSES' : 'fails'}. ${buggyCount.summary}`);

  // clippingRespected: the user's step clips; without the clip it is caught on a shrunk one-example batch.
  const models = modelSpecs({ architectures: ['mlp'], maxHiddenLayers: 1, maxUnits: 4 });
  const stepRuns = { seed, numRuns: options.numRuns ?? 20 };
  const clips = fc.check(clippingRespected((model) => myStep(model, 0.1), { models, maxBatchSize: 4 }), stepRuns);
  const unclipped = fc.check(clippingRespected((model) => myStep(model, 0.1, false), { models, maxBatchSize: 4 }), stepRuns);
  const failure = unclipped.failed ? String(unclipped.errorInstance instanceof Error ? unclipped.errorInstance.message : unclipped.errorInstance) : null;
  say(`clippingRespected(myStep): ${clips.failed ? 'FAILS' : 'holds'}`);
  say(`clippingRespected(myStep without the clip): ${failure === null ? 'HOLDS' : `fails — ${failure.split('\n')[0]}`}`);

  // And the loop itself trains (a toy two-class problem).
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed }) })] });
  const x = tf.randomNormal([64, 2], 0, 1, 'float32', seed);
  const y = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'), 2));
  const trainedLoss = myTrainingLoop(model, x, y, { maxGradNorm: 1, noiseMultiplier: 0.5, sampleRate: 0.25, steps: 20, learningRate: 0.5, seed });
  tf.dispose([x, y]);
  model.dispose();
  say(`myTrainingLoop, 20 steps: loss ${trainedLoss.toFixed(3)}`);

  return {
    countSensitivityHolds: !countSensitivity.failed,
    clippedTotalHolds: !clippedTotal.failed,
    totalAgeCounterexample: total.failed && total.counterexample !== null ? total.counterexample[0] : null,
    count,
    buggyCount,
    stepClips: !clips.failed,
    unclippedStepFailure: failure,
    trainedLoss,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await testingYourMechanism({}, (line) => process.stdout.write(`${line}\n`));
}
