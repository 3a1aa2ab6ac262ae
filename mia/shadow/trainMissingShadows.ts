import * as tf from '@tensorflow/tfjs';
import { batchedStages, trainDenseBatch } from './batchedDenseTraining.js';
import { buildShadowModel } from './buildShadowModel.js';
import { queryLogits } from './queryLogits.js';
import { maskIndices } from './shadowBatches.js';
import { checkAugmentation, checkBatchModels, checkContext, checkJobs, checkStore, checkViewsFit } from './_internals/checkShadowInputs.js';
import type { ShadowStore } from './ShadowStore.js';
import type { QueryAugmentation } from './ShadowTrainingOptions.js';
import { trainShadowModel, type ShadowJob, type ShadowTrainingContext } from './trainShadowModel.js';
import { requireOptions } from '../../accountant/index.js';

/** Options of {@link trainMissingShadows}. */
export interface TrainMissingShadowsOptions {
  /** Query views stored with each shadow. */
  readonly augmentation: QueryAugmentation;
  /**
   * Shadows trained together in one batched computation when the architecture allows it
   * (Flatten/Dense/Activation chains, non-private recipe); 1 trains them one after another. An
   * integer ≥ 1.
   * @defaultValue 8
   */
  readonly batchModels?: number;
  /** Called when a shadow is saved. */
  readonly onShadowSaved?: (index: number) => void;
}

/**
 * Trains, in this thread, the shadows of `jobs` that `store` does not have yet, and saves each one
 * (weights and outputs on the population) as soon as it is finished, so an interrupted run loses at
 * most the group in progress.
 * @param ctx - topology, population, recipe.
 * @param jobs - the shadows wanted.
 * @param store - where finished shadows are.
 * @param options - query views, grouping.
 * @returns the indices trained by this call.
 * @throws PrivkitError `INVALID_ARGUMENT`, before anything is trained, for a bad context or job (see
 *   `trainShadowModel`), a store without `load`/`save`, an unknown augmentation, or `batchModels` that is
 *   not an integer ≥ 1.
 * @example
 * ```ts
 * await trainMissingShadows(ctx, jobs, memoryShadowStore(), { augmentation: 'none' });
 * ```
 */
export async function trainMissingShadows(
  ctx: ShadowTrainingContext,
  jobs: readonly ShadowJob[],
  store: ShadowStore,
  options: TrainMissingShadowsOptions,
): Promise<number[]> {
  checkJobs('jobs', jobs, checkContext('ctx', ctx));
  checkStore('store', store);
  requireOptions('options', options);
  checkViewsFit(checkAugmentation('augmentation', options.augmentation), ctx.x.shape.slice(1));
  const batchModels = checkBatchModels('batchModels', options.batchModels) ?? 8;
  const missing: ShadowJob[] = [];
  for (const job of jobs) if ((await store.load(job.index)) === null) missing.push(job);
  if (missing.length === 0) return [];
  let stages: ReturnType<typeof batchedStages> = null;
  if ((ctx.train.dp ?? undefined) === undefined && batchModels > 1) {
    const probe = await buildShadowModel(ctx.topology, 0);
    stages = batchedStages(probe);
    probe.dispose();
  }
  const finish = async (job: ShadowJob, model: tf.LayersModel): Promise<void> => {
    try {
      const logits = queryLogits(model, ctx.x, options.augmentation);
      await store.save({ index: job.index, inMask: job.mask, logits }, model);
    } finally {
      model.dispose();
    }
    options.onShadowSaved?.(job.index);
  };
  if (stages === null) {
    for (const job of missing) await finish(job, await trainShadowModel(ctx, job));
    return missing.map((j) => j.index);
  }
  // Group by IN size (the batched trainer takes the same steps for all models of a group).
  const bySize = new Map<number, ShadowJob[]>();
  for (const job of missing) {
    const size = maskIndices(job.mask).length;
    bySize.set(size, [...(bySize.get(size) ?? []), job]);
  }
  for (const group of bySize.values()) {
    for (let s = 0; s < group.length; s += batchModels) {
      const chunk = group.slice(s, s + batchModels);
      // Even a chunk of one goes through the batched trainer, so that a resumed run (whose chunks differ)
      // computes every shadow exactly as an uninterrupted one.
      const models = await trainDenseBatch(ctx, chunk, stages);
      let k = 0;
      try {
        for (; k < chunk.length; k++) await finish(chunk[k], models[k]);
      } finally {
        // A failed save (finish disposes its own model) must not leak the rest of the group.
        for (k++; k < chunk.length; k++) models[k].dispose();
      }
    }
  }
  return missing.map((j) => j.index);
}
