import type * as tf from '@tensorflow/tfjs';
import type { ModelLogits } from '../attacks/AttackData.js';

/** A finished shadow model as the attacks need it: its IN mask and its outputs on the population. */
export interface StoredShadow {
  readonly index: number;
  readonly inMask: Uint8Array;
  readonly logits: ModelLogits;
}

/**
 * Where finished shadow models go. A store belongs to one set of settings (architecture, recipe,
 * population, shadow count, seed, query views): shadow `index` of a store is always the same model.
 * `privkit/mia/node`'s `fileShadowStore` keeps them on disk (`--cache`), so a killed run resumes and
 * several attacks, runs or machines (`--shard`) share them; {@link memoryShadowStore} keeps them for
 * one call.
 */
export interface ShadowStore {
  /** The finished shadow `index`, or null when it has not been trained yet. */
  load(index: number): Promise<StoredShadow | null>;
  /** Saves a finished shadow (model weights and outputs) so that it is either all there or absent. */
  save(shadow: StoredShadow, model: tf.LayersModel): Promise<void>;
}

/**
 * A store in memory (outputs only; the models are not kept).
 * @returns an empty store.
 * @example
 * ```ts
 * const store = memoryShadowStore();
 * ```
 */
export function memoryShadowStore(): ShadowStore {
  const shadows = new Map<number, StoredShadow>();
  return {
    load: async (index) => shadows.get(index) ?? null,
    save: async (shadow) => {
      shadows.set(shadow.index, shadow);
    },
  };
}
