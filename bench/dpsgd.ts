/**
 * DP-SGD step cost on the wasm backend, same model and batch (256) in the same run:
 * - nonPrivateMs: one optimizer.minimize on the mean loss (the baseline);
 * - dpMs: one DpOptimizer.step (per-example norms by the layer rules, clipped sum, noise, update);
 * - naiveMs: the per-example loop (tf.variableGrads on each example, clip, sum), for contrast.
 * Ratios are dp/nonPrivate and naive/nonPrivate. Medians of 10 after 3 warm-up steps.
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

/** The MLP 784-256-10 figures. */
export async function dpsgdBench() {
  const backend = await useBackend('wasm');
  const batch = 256;
  const make = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 256, inputShape: [784], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
  const x = tf.randomUniform([batch, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniformInt([batch], 0, 10, 2), 10);
  const lossFn = perExampleLoss('categoricalCrossentropy');

  const plain = make();
  const plainOpt = tf.train.sgd(0.01);
  const nonPrivateMs = await timeIt(() => {
    const cost = plainOpt.minimize(() => tf.mean(lossFn(y, plain.apply(x) as tf.Tensor)) as tf.Scalar, true);
    cost?.dataSync();
    cost?.dispose();
  }, 10);

  const priv = make();
  const dp = new DpOptimizer({ model: priv, optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: batch, seed: 1 });
  const dpMs = await timeIt(() => void dp.step(x, y), 10);

  const naive = make();
  const vars = naive.trainableWeights.map((w) => w.read() as tf.Variable);
  const naiveStep = () => {
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
    sums.forEach((s) => s.dataSync());
    tf.dispose(sums);
  };
  const naiveMs = await timeIt(naiveStep, 3, 1);

  tf.dispose([x, y]);
  return {
    backend,
    batch,
    mlp784_256_10: {
      nonPrivateMs,
      dpMs,
      naiveMs,
      dpOverNonPrivate: dpMs / nonPrivateMs,
      naiveOverNonPrivate: naiveMs / nonPrivateMs,
      goalDpOverNonPrivate: 1.2,
    },
  };
}
