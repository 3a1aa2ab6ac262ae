/**
 * buildShadowModel: a shadow's initial weights are a function of its seed alone (so a rerun or another
 * worker rebuilds it exactly), the target's topology is not modified, and an unbuildable topology is
 * BAD_MODEL_FILE.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { buildShadowModel } from '../../../mia/shadow/buildShadowModel.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { mlp, topologyOf, weightsOf } from './_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm'); // the backend shadow workers use by default
});

let target: tf.Sequential;
let topology: object;
beforeAll(() => {
  target = mlp([8, 8, 1], 3, 16);
  topology = topologyOf(target);
});
afterAll(() => target.dispose());

async function initialWeights(topo: object, seed: number): Promise<Float32Array[]> {
  const model = await buildShadowModel(topo, seed);
  try {
    return weightsOf(model);
  } finally {
    model.dispose();
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PrivkitError);
    return `${(e as PrivkitError).code}: ${(e as Error).message}`;
  }
  return 'built';
}

describe('buildShadowModel', () => {
  it('builds the same initial weights from the same seed (twice, while the target with the same layer names is alive)', async () => {
    // Arrange
    const before = tf.memory().numTensors;

    // Act
    const a = await initialWeights(topology, 17);
    const b = await initialWeights(topology, 17);

    // Assert
    expect(a.map((w) => w.length)).toEqual([64 * 16, 16, 16 * 3, 3]);
    expect(b).toEqual(a);
    // Kernels are random (not an all-zero or constant initializer that would make equality trivial).
    expect(new Set(a[0]).size).toBe(a[0].length);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds different initial weights from different seeds, and reseeds each initializer differently', async () => {
    // Arrange
    const square = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 6 }), tf.layers.dense({ units: 6 })] });

    // Act
    const a = await initialWeights(topology, 1);
    const b = await initialWeights(topology, 2);
    const s = await initialWeights(topologyOf(square), 5);
    square.dispose();

    // Assert
    expect(a[0]).not.toEqual(b[0]);
    expect(a[2]).not.toEqual(b[2]);
    // Two kernels of the same shape in one model get seeds 5 and 6, not both 5.
    expect(s[0]).not.toEqual(s[2]);
  });

  it('does not change the topology it is given (the target keeps its own initializer config)', async () => {
    // Arrange
    const snapshot = JSON.stringify(topology);

    // Act
    (await buildShadowModel(topology, 99)).dispose();

    // Assert
    expect(JSON.stringify(topology)).toBe(snapshot);
    expect(snapshot).toContain('"seed":null');
  });

  it('builds from a topology with layer names from another model (a model.json written by another process)', async () => {
    // Arrange: rename every layer as another process/tool might have; the input layer names follow.
    const renamed = JSON.parse(JSON.stringify(topology).replaceAll(/"name":"([^"]+)"/g, '"name":"other_$1_7"')) as object;
    const x = tf.randomNormal([5, 8, 8, 1], 0, 1, 'float32', 3);

    // Act
    const original = await buildShadowModel(topology, 4);
    const fromRenamed = await buildShadowModel(renamed, 4);
    const yOriginal = original.predict(x) as tf.Tensor;
    const yRenamed = fromRenamed.predict(x) as tf.Tensor;

    // Assert: same architecture and, from the same seed, the same function.
    expect(fromRenamed.layers.map((l) => l.name)).toEqual(original.layers.map((l) => `other_${l.name}_7`));
    expect(yRenamed.shape).toEqual([5, 3]);
    expect(yRenamed.dataSync()).toEqual(yOriginal.dataSync());
    tf.dispose([x, yOriginal, yRenamed]);
    original.dispose();
    fromRenamed.dispose();
  });

  it('builds functional models, reseeding initializers nested anywhere in the topology', async () => {
    // Arrange
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: out });

    // Act
    const w1 = await initialWeights(topologyOf(functional), 8);
    const w2 = await initialWeights(topologyOf(functional), 8);
    functional.dispose();

    // Assert
    expect(w2).toEqual(w1);
    expect(w1[0]).not.toEqual(w1[2]); // the two parallel 4×3 kernels differ
  });

  it('turns a topology tfjs cannot build into BAD_MODEL_FILE', async () => {
    // Arrange
    const unknownLayer = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'NoSuchLayer', config: { name: 'x' } }] } };
    const before = tf.memory().numTensors;

    // Act / Assert
    expect(await codeOf(buildShadowModel(unknownLayer, 0))).toMatch(/^BAD_MODEL_FILE: cannot build a shadow model from the target's topology: .*NoSuchLayer/);
    expect(await codeOf(buildShadowModel({ class_name: 'NotAModel', config: {} }, 0))).toMatch(/^BAD_MODEL_FILE: /);
    expect(tf.memory().numTensors).toBe(before);
  });
});
