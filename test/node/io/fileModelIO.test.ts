/** Model folders on disk without tfjs-node: round trip, and BAD_MODEL_FILE for every kind of damage. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { loadModel, modelFolderFiles, saveModel } from '../../../src/node/io/fileModelIO.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'loaded';
  } catch (e) {
    return `${(e as PrivkitError).code}: ${(e as Error).message}`;
  }
}

function cnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [8, 8, 1], activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
}

describe('model folders', () => {
  it('save then load gives the same predictions; no temporary files are left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-model-'));
    const model = cnn();
    await saveModel(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(join(dir, 'model.json'));
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 1);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it('missing, non-JSON, wrong-shape and truncated folders are BAD_MODEL_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-model-'));
    expect(await codeOf(loadModel(dir))).toMatch(/^BAD_MODEL_FILE: .*model\.json: no such file/);
    await saveModel(cnn(), dir);
    const json = readFileSync(join(dir, 'model.json'), 'utf8');
    const weights = readFileSync(join(dir, 'weights.bin'));

    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, weights.length - 8));
    expect(await codeOf(loadModel(dir))).toMatch(/^BAD_MODEL_FILE: .*weights hold \d+ bytes but the manifest needs \d+/);
    writeFileSync(join(dir, 'weights.bin'), weights);

    writeFileSync(join(dir, 'model.json'), json.slice(0, 50));
    expect(await codeOf(loadModel(dir))).toMatch(/^BAD_MODEL_FILE: .*not valid JSON/);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ hello: 1 }));
    expect(await codeOf(loadModel(dir))).toMatch(/^BAD_MODEL_FILE: .*not a tfjs layers model/);
    const broken = JSON.parse(json);
    broken.modelTopology.config.layers[0].class_name = 'NoSuchLayer';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(broken));
    expect(await codeOf(loadModel(dir))).toMatch(/^BAD_MODEL_FILE: .*cannot build the model/);
    writeFileSync(join(dir, 'model.json'), json);
    expect(await codeOf(loadModel(dir))).toBe('loaded');
  });

  it('modelFolderFiles gives exactly the bytes saveModel writes, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-model-'));
    const model = cnn();
    const files = await modelFolderFiles(model);
    expect(readdirSync(dir)).toEqual([]);
    await saveModel(model, dir);
    expect(files['model.json']).toBe(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(Buffer.from(files['weights.bin']).equals(readFileSync(join(dir, 'weights.bin')))).toBe(true);
    model.dispose();
  });

  it('a weights manifest with a bad shape, dtype or a shard outside the folder is BAD_MODEL_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-model-'));
    const model = cnn();
    await saveModel(model, dir);
    model.dispose();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const edit = async (change: (j: typeof json) => void): Promise<string> => {
      const copy = JSON.parse(JSON.stringify(json));
      change(copy);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(copy));
      return codeOf(loadModel(dir));
    };
    expect(await edit((j) => (j.weightsManifest[0].weights[0].shape = null))).toMatch(/^BAD_MODEL_FILE: .*weights\[0\]" \(".*"\) needs a "shape" of non-negative integers/);
    expect(await edit((j) => (j.weightsManifest[0].weights[1].shape = [-1, 2]))).toMatch(/weights\[1\]" .*non-negative integers/);
    expect(await edit((j) => (j.weightsManifest[0].weights[0].dtype = 'complex64'))).toMatch(/has dtype "complex64"; known: float32/);
    expect(await edit((j) => (j.weightsManifest[0].weights[0] = 7))).toMatch(/must be an object/);
    expect(await edit((j) => (j.weightsManifest[0].paths = ['../../etc/passwd']))).toMatch(/must name files inside the model's folder; got "\.\.\/\.\.\/etc\/passwd"/);
    expect(await edit((j) => (j.weightsManifest[0].paths = ['/etc/passwd']))).toMatch(/must name files inside the model's folder/);
    expect(await edit(() => {})).toBe('loaded');
  });
});
