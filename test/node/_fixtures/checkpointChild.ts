/**
 * The child process of checkpointKill.test.ts (bundled by the test, run with node): trains a small
 * seeded model 5 steps and saves a checkpoint to CKPT_DIR, trains 200 more steps and saves again to
 * the same folder. Before each save it writes what that save must hold (steps, ε, weights, optimizer
 * state, sampler state) to WORK/save-<k>.json, so the parent can tell which checkpoint it loaded.
 * PRIVKIT_TEST_CRASH_AT=n kills it at the n-th crash point of the two saves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makePrivate } from '../../../src/makePrivate.js';
import { saveCheckpoint } from '../../../src/node/index.js';

const dir = process.env.CKPT_DIR as string;
const work = process.env.WORK as string;
const randomness = process.env.RANDOMNESS === 'secure' ? {} : { seed: 7 };
const N = 40;
const Q = 0.05; // 0.25 epochs = 5 steps, 10 epochs = 200 steps
const DELTA = 1e-5;

await tf.setBackend('cpu');
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
    tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
  ],
});
const x = tf.randomNormal([N, 3], 0, 1, 'float32', 4);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: N }, (_, i) => i % 2), 'int32'), 2);
const priv = makePrivate({
  model,
  optimizer: tf.train.adam(0.01),
  loss: 'categoricalCrossentropy',
  maxGradNorm: 1,
  noiseMultiplier: 1.1,
  sampleRate: Q,
  datasetSize: N,
  ...randomness,
});

async function record(k: number): Promise<void> {
  const s = await priv.state();
  writeFileSync(
    join(work, `save-${k}.json`),
    JSON.stringify({
      steps: s.steps,
      epsilon: priv.getEpsilon(DELTA),
      weights: s.weights.map((t) => Array.from(t.values)),
      optimizer: s.optimizer.map((t) => Array.from(t.values)),
      sampler: s.seeded?.sampler ?? null,
    }),
  );
}

await priv.fit(x, y, { epochs: 0.25, delta: DELTA });
await record(1);
process.stderr.write('save 1\n');
await saveCheckpoint(priv, dir);
await priv.fit(x, y, { epochs: 10, delta: DELTA });
await record(2);
process.stderr.write('save 2\n');
await saveCheckpoint(priv, dir);
process.stderr.write('done\n');
