/**
 * DP-SGD step cost on the wasm backend, same model and batch (256) in the same run, for an MLP, a CNN
 * and an embedding text classifier:
 * - nonPrivateMs: one optimizer.minimize on the mean loss (the baseline);
 * - dpMs: one DpOptimizer.step (per-example norms by the layer rules, clipped sum, noise, update), with a
 *   seed (reproducible noise); dpSecureMs: the same step with privkit's default secure noise (CSPRNG, each
 *   value a sum of four Gaussians); the two are timed interleaved, and secureOverSeeded is their ratio
 *   (goal ≤ 1.1 on the MLP);
 * - naiveMs: the per-example loop (tf.variableGrads on each example, clip, sum), for contrast (MLP only:
 *   it takes seconds per step).
 * Ratios are dp/nonPrivate and naive/nonPrivate. Medians of 20 after 5 warm-up steps.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend/useBackend.js';
import { perExampleLoss } from '../src/kernels/perExampleLoss.js';
import { DpOptimizer } from '../src/optimizer/DpOptimizer.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn: () => void, reps: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Medians of several functions timed in turn (so that load changes hit them alike). */
function interleaved(fns: (() => void)[], reps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const times = fns.map((): number[] => []);
  for (let i = 0; i < reps; i++) {
    fns.forEach((fn, k) => {
      const t = performance.now();
      fn();
      times[k].push(performance.now() - t);
    });
  }
  return times.map(median);
}

/** Times one model: non-private step, DP step, and (optionally) the naive per-example loop. */
async function measure(make: () => tf.LayersModel, x: tf.Tensor, y: tf.Tensor, naiveToo: boolean) {
  const batch = x.shape[0];
  const lossFn = perExampleLoss('categoricalCrossentropy');
  const plain = make();
  const plainOpt = tf.train.sgd(0.01);
  const nonPrivateMs = await timeIt(() => {
    const cost = plainOpt.minimize(() => tf.mean(lossFn(y, plain.apply(x) as tf.Tensor)) as tf.Scalar, true);
    cost?.dataSync();
    cost?.dispose();
  }, 20, 5);

  const dpOf = (seed?: number) =>
    new DpOptimizer({ model: make(), optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: batch, ...(seed === undefined ? {} : { seed }) });
  const seeded = dpOf(1);
  const secure = dpOf();
  const [dpMs, dpSecureMs] = interleaved([() => void seeded.step(x, y), () => void secure.step(x, y)], 20, 5);

  let naiveMs: number | null = null;
  if (naiveToo) {
    const naive = make();
    const vars = naive.trainableWeights.map((w) => w.read() as tf.Variable);
    naiveMs = await timeIt(
      () => {
        const sums: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
        for (let i = 0; i < batch; i++) {
          tf.tidy(() => {
            const xi = tf.slice(x, i, 1);
            const yi = tf.slice(y, i, 1);
            const { grads } = tf.variableGrads(() => tf.sum(lossFn(yi, naive.apply(xi) as tf.Tensor)) as tf.Scalar, vars);
            const gs = vars.map((v) => grads[v.name]);
            const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
            const c = tf.minimum(1, tf.div(1, tf.add(norm, 1e-6)));
            gs.forEach((g, k) => {
              const next = tf.add(sums[k], tf.mul(g, c));
              sums[k].dispose();
              sums[k] = tf.keep(next);
            });
          });
        }
        sums.forEach((t) => t.dataSync());
        tf.dispose(sums);
      },
      3,
      1,
    );
  }
  return {
    nonPrivateMs,
    dpMs,
    naiveMs,
    dpSecureMs,
    dpOverNonPrivate: dpMs / nonPrivateMs,
    secureOverSeeded: dpSecureMs / dpMs,
    naiveOverNonPrivate: naiveMs === null ? null : naiveMs / nonPrivateMs,
  };
}

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** MLP 784-256-10, CNN (2 conv + dense) on 28×28×1, embedding + dense text classifier; batch 256, wasm. */
export async function dpsgdBench() {
  const backend = await useBackend('wasm');
  const batch = 256;
  const labels = tf.oneHot(tf.randomUniformInt([batch], 0, 10, 2), 10);
  const images = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1);
  const flat = tf.reshape(images, [batch, 784]);
  const tokens = tf.randomUniformInt([batch, 64], 0, 5000, 3);
  const binary = tf.oneHot(tf.randomUniformInt([batch], 0, 2, 4), 2);

  const mlp = await measure(
    () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 256, inputShape: [784], activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
        ],
      }),
    flat,
    labels,
    true,
  );
  const cnn = await measure(
    () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 16, kernelSize: 5, strides: 2, padding: 'same', inputShape: [28, 28, 1], activation: 'tanh', kernelInitializer: init(1) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'tanh', kernelInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
    images,
    labels,
    false,
  );
  const text = await measure(
    () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 5000, outputDim: 64, inputLength: 64, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1, stddev: 0.1 }) }),
          tf.layers.globalAveragePooling1d(),
          tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
    tokens,
    binary,
    false,
  );
  tf.dispose([labels, images, flat, tokens, binary]);
  return {
    backend,
    batch,
    mlp784_256_10: { ...mlp, goalDpOverNonPrivate: 1.2, goalSecureOverSeeded: 1.1 },
    cnn2conv: { ...cnn, goalDpOverNonPrivate: 1.5 },
    embeddingText: { ...text, goalDpOverNonPrivate: 1.3 },
  };
}
