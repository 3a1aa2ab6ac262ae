/**
 * What the browser bundle test computes, once in headless Chromium (from the esbuild bundle of
 * `page.ts`) and once in Node (from the same module), so that the test can compare the two. It reaches
 * privkit only through the package's public entry points, as a user's page does. Everything is seeded;
 * the result is plain JSON (numbers survive JSON exactly).
 */
import * as tf from '@tensorflow/tfjs';
import { makePrivate, registerWasmKernels, useBackend, type ActiveBackend } from 'privkit';
import { PldAccountant, RdpAccountant, gaussian, poissonSampled, seededUniform, selfComposed } from 'privkit/accountant';
import { auc, lira, type AttackData } from 'privkit/mia';
import { checkDp, sampleLaplace } from 'privkit/testing';

/** One seeded DP-SGD run on one backend. */
export interface DpSgdRun {
  readonly backend: ActiveBackend;
  readonly steps: number;
  readonly loss: number[];
  /** ε of the run's own accountant after it, at δ = 1e-5. */
  readonly epsilon: number;
  readonly weights: number[];
  /** tf.memory().numTensors after the run minus before it. */
  readonly leakedTensors: number;
}

export interface ScenarioResult {
  readonly epsilon: { readonly rdp: number; readonly pld: number };
  readonly dpSgd: { readonly cpu: DpSgdRun; readonly wasm: DpSgdRun };
  /** Plain (non-private) tfjs `model.fit` of a small CNN on wasm after `registerWasmKernels()`. */
  readonly plainFitOnWasm: { readonly loss: number[] };
  readonly checkDp: {
    readonly sound: { readonly passed: boolean; readonly epsilonLowerBound: number; readonly event: string };
    readonly broken: { readonly passed: boolean; readonly epsilonLowerBound: number; readonly event: string };
  };
  readonly lira: { readonly scores: number[]; readonly auc: number };
}

/** privkit's seeded PRNG, from the bundled accountant entry. */
const mulberry32 = seededUniform;

/** DP-SGD, σ = 1.1, q = 0.01, 1000 steps, δ = 1e-5: the same event for both accountants. */
function epsilons(): ScenarioResult['epsilon'] {
  const event = selfComposed(poissonSampled(0.01, gaussian(1.1)), 1000);
  return { rdp: new RdpAccountant().compose(event).getEpsilon(1e-5), pld: new PldAccountant().compose(event).getEpsilon(1e-5) };
}

/** Eight seeded DP-SGD steps (one epoch at q = 1/8) of a small Dense classifier on `backend`. */
export async function dpSgd(backend: 'cpu' | 'wasm' | 'webgl'): Promise<DpSgdRun> {
  const active = await useBackend(backend);
  const before = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  const rand = mulberry32(3);
  const n = 64;
  const xs = Array.from({ length: n * 4 }, () => 2 * rand() - 1);
  const labels = Array.from({ length: n }, (_, i) => (xs[4 * i] + xs[4 * i + 1] > 0 ? 0 : xs[4 * i + 2] > 0 ? 1 : 2));
  const x = tf.tensor2d(xs, [n, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3));
  const optimizer = tf.train.sgd(0.5);
  const training = makePrivate({ model, optimizer, loss: 'categoricalCrossentropy', maxGradNorm: 1, sampleRate: 0.125, datasetSize: n, noiseMultiplier: 1, seed: 7 });
  const history = await training.fit(x, y, { epochs: 1, delta: 1e-5 });
  const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const epsilon = training.getEpsilon(1e-5);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { backend: active, steps: history.steps, loss: history.loss, epsilon, weights, leakedTensors: tf.memory().numTensors - before };
}

/** A user's own non-private CNN training on wasm: needs the gap kernels (Conv2DBackpropFilter). */
async function plainFitOnWasm(): Promise<ScenarioResult['plainFitOnWasm']> {
  await useBackend('wasm');
  registerWasmKernels();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 6);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0], 'int32'), 2));
  const h = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  model.optimizer.dispose();
  model.dispose();
  return { loss: h.history.loss as number[] };
}

/** A counting query with Laplace(1) noise is 1-DP: the claim ε = 1 holds, ε = 0.25 is refuted. */
async function checkDpRuns(): Promise<ScenarioResult['checkDp']> {
  const count = (d: readonly number[], random: () => number) => d.reduce((a, v) => a + v, 0) + sampleLaplace(random, 1);
  const options = { neighbours: [[0, 1, 1], [0, 1, 1, 1]] as const, samples: 40_000, confidence: 0.95, seed: 11 };
  const pick = (r: { passed: boolean; epsilonLowerBound: number; event: string }) => ({ passed: r.passed, epsilonLowerBound: r.epsilonLowerBound, event: r.event });
  return {
    sound: pick(await checkDp(count, { epsilon: 1 }, options)),
    broken: pick(await checkDp(count, { epsilon: 0.25 }, options)),
  };
}

/** Online LiRA on synthetic logits: members' true-class logit is shifted up by 1 in every IN model. */
function liraRun(): ScenarioResult['lira'] {
  const rand = mulberry32(21);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const numExamples = 40;
  const numClasses = 3;
  const labels = Int32Array.from({ length: numExamples }, (_, i) => i % numClasses);
  const logitsOf = (inMask: Uint8Array) => {
    const v = new Float32Array(numExamples * numClasses);
    for (let i = 0; i < numExamples; i++) {
      for (let c = 0; c < numClasses; c++) v[i * numClasses + c] = normal() + (c === labels[i] ? 1 + inMask[i] : 0);
    }
    return { views: [v] };
  };
  const targetMask = Uint8Array.from({ length: numExamples }, (_, i) => i % 2);
  const shadows = Array.from({ length: 16 }, (_, s) => {
    const inMask = Uint8Array.from({ length: numExamples }, (_, i) => (i + s) % 2);
    return { logits: logitsOf(inMask), inMask };
  });
  const data: AttackData = { numExamples, numClasses, labels, target: logitsOf(targetMask), shadows };
  const { scores } = lira(data);
  return { scores: Array.from(scores), auc: auc(scores, targetMask) };
}

/** Runs everything; the backend is left on cpu. */
export async function runScenario(): Promise<ScenarioResult> {
  const epsilon = epsilons();
  const cpu = await dpSgd('cpu');
  const wasm = await dpSgd('wasm');
  const plain = await plainFitOnWasm();
  await useBackend('cpu');
  return { epsilon, dpSgd: { cpu, wasm }, plainFitOnWasm: plain, checkDp: await checkDpRuns(), lira: liraRun() };
}
