import * as tf from '@tensorflow/tfjs';
import { PrivkitError, requireSeed } from '../../accountant/index.js';

/**
 * A fresh model with the target's architecture: the target's topology (the `modelTopology` of its
 * `model.json`) deserialised with every weight initializer re-seeded, so shadow `s` always starts
 * from the same weights (a rerun or another worker reproduces it exactly).
 * @param topology - a Keras-format topology (`model.toJSON(null, false)` or `model.json`'s `modelTopology`).
 * @param seed - initializer seed of this shadow, an integer in [0, 2³² − 1]; initializer k gets
 *   `(seed + k) mod 2³¹`.
 * @returns a new, uncompiled model.
 * @throws PrivkitError `BAD_MODEL_FILE` when tfjs cannot build a model from the topology (or it is
 *   not JSON: absent, circular); `INVALID_ARGUMENT` for a bad seed.
 * @example
 * ```ts
 * const shadow = await buildShadowModel(target.toJSON(null, false) as object, 17);
 * ```
 */
export async function buildShadowModel(topology: object, seed: number): Promise<tf.LayersModel> {
  requireSeed('seed', seed);
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(topology) ?? 'null') as unknown;
  } catch (e) {
    throw new PrivkitError('BAD_MODEL_FILE', `cannot build a shadow model from the target's topology: it is not JSON (${(e as Error).message}).`);
  }
  let k = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const config = o.config as Record<string, unknown> | undefined;
    if (typeof o.class_name === 'string' && config !== undefined && config !== null && 'seed' in config) {
      config.seed = (seed + k++) % 2 ** 31;
    }
    Object.values(o).forEach(visit);
  };
  visit(copy);
  try {
    return await tf.models.modelFromJSON({ modelTopology: copy as tf.io.ModelJSON['modelTopology'] });
  } catch (e) {
    throw new PrivkitError('BAD_MODEL_FILE', `cannot build a shadow model from the target's topology: ${(e as Error).message}`);
  }
}
