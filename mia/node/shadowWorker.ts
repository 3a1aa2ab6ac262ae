/**
 * Worker-thread entry of {@link trainShadowsInWorkers}: loads its own tfjs backend, wraps the shared
 * population (SharedArrayBuffer, not copied), trains its share of the shadows into the file cache,
 * and reports progress to the parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendChoice } from '../../src/index.js';
import { trainMissingShadows } from '../shadow/trainMissingShadows.js';
import type { ShadowJob } from '../shadow/trainShadowModel.js';
import type { QueryAugmentation, ShadowTrainingOptions } from '../shadow/ShadowTrainingOptions.js';
import { fileShadowStore } from './fileShadowStore.js';

/** What the parent sends (structured-cloned; x and y share memory with the parent). */
export interface ShadowWorkerData {
  readonly backend: BackendChoice;
  readonly topology: object;
  readonly train: ShadowTrainingOptions;
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly exampleShape: readonly number[];
  readonly jobs: readonly ShadowJob[];
  readonly cacheDir: string;
  readonly key: string;
  readonly augmentation: QueryAugmentation;
  readonly batchModels: number;
}

/** Messages to the parent. */
export type ShadowWorkerMessage =
  | { readonly type: 'epoch'; readonly shadows: readonly number[]; readonly epoch: number }
  | { readonly type: 'saved'; readonly index: number }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly message: string; readonly code?: string };

const port = parentPort;
if (port !== null) {
  const d = workerData as ShadowWorkerData;
  const post = (m: ShadowWorkerMessage): void => port.postMessage(m);
  try {
    await useBackend(d.backend);
    const n = d.y.length;
    const x = tf.tensor(d.x, [n, ...d.exampleShape], 'float32');
    const y = tf.tensor1d(d.y, 'int32');
    await trainMissingShadows(
      { topology: d.topology, x, y, train: d.train, onEpoch: (shadows, epoch) => post({ type: 'epoch', shadows, epoch }) },
      d.jobs,
      fileShadowStore(d.cacheDir, d.key),
      { augmentation: d.augmentation, batchModels: d.batchModels, onShadowSaved: (index) => post({ type: 'saved', index }) },
    );
    tf.dispose([x, y]);
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, code: (e as { code?: string }).code });
  }
}
