import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PrivkitError, type PrivkitErrorCode } from '../../accountant/index.js';
import type { BackendChoice } from '../../src/index.js';
import type { ShadowJob } from '../shadow/trainShadowModel.js';
import type { MembershipData, QueryAugmentation, ShadowTrainingOptions } from '../shadow/ShadowTrainingOptions.js';
import type { ShadowWorkerData, ShadowWorkerMessage } from './shadowWorker.js';

/** Options of {@link trainShadowsInWorkers}. */
export interface TrainShadowsInWorkersOptions {
  readonly topology: object;
  readonly train: ShadowTrainingOptions;
  readonly data: MembershipData;
  /** The shadows to train (those already in the cache are skipped by the workers). */
  readonly jobs: readonly ShadowJob[];
  /** Worker threads, each with its own tfjs backend. */
  readonly workers: number;
  readonly cacheDir: string;
  readonly key: string;
  readonly augmentation: QueryAugmentation;
  /** Shadows trained together inside each worker (see trainMissingShadows). @defaultValue 8 */
  readonly batchModels?: number;
  /** Backend of each worker. @defaultValue 'wasm' */
  readonly backend?: BackendChoice;
  readonly onEpoch?: (shadows: readonly number[], epoch: number) => void;
  readonly onShadowSaved?: (index: number) => void;
}

// The compiled worker sits next to this file in dist/; run from sources (tests), use the compiled one.
function workerUrl(): URL {
  const here = new URL('./shadowWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/mia/node/shadowWorker.js', import.meta.url);
}

function shared<T extends Float32Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T {
  const out = make(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * Trains shadow models in `workers` worker threads at once (Node), each with its own backend,
 * sharing the population through a SharedArrayBuffer. The jobs are dealt round-robin; each worker
 * saves its shadows into the file cache as it finishes them, so the caller then reads all of them from
 * `fileShadowStore(cacheDir, key)`. A failing worker stops the others and rejects with its error.
 * @param options - settings, jobs, cache and worker count.
 * @example
 * ```ts
 * await trainShadowsInWorkers({ topology, train, data, jobs, workers: 2, cacheDir, key, augmentation: 'none' });
 * ```
 */
export async function trainShadowsInWorkers(options: TrainShadowsInWorkersOptions): Promise<void> {
  const { data, jobs } = options;
  const count = Math.max(1, Math.min(options.workers, jobs.length));
  const x = shared(data.x, (b) => new Float32Array(b));
  const y = shared(data.y, (b) => new Int32Array(b));
  const url = workerUrl();
  const started: Worker[] = [];
  const runs = Array.from({ length: count }, (_, w) => {
    const share = jobs.filter((_, k) => k % count === w);
    const wd: ShadowWorkerData = {
      backend: options.backend ?? 'wasm',
      topology: options.topology,
      train: options.train,
      x,
      y,
      exampleShape: data.exampleShape,
      jobs: share,
      cacheDir: options.cacheDir,
      key: options.key,
      augmentation: options.augmentation,
      batchModels: options.batchModels ?? 8,
    };
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(url, { workerData: wd });
      started.push(worker);
      let finished = false;
      worker.on('message', (m: ShadowWorkerMessage) => {
        if (m.type === 'epoch') options.onEpoch?.(m.shadows, m.epoch);
        else if (m.type === 'saved') options.onShadowSaved?.(m.index);
        else if (m.type === 'done') {
          finished = true;
          resolve();
        } else {
          finished = true;
          reject(new PrivkitError((m.code ?? 'INTERNAL') as PrivkitErrorCode, `shadow worker ${w}: ${m.message}`));
        }
      });
      worker.on('error', (e) => {
        finished = true;
        reject(new PrivkitError('INTERNAL', `shadow worker ${w} failed: ${e.message}`));
      });
      worker.on('exit', (code) => {
        if (!finished) reject(new PrivkitError('INTERNAL', `shadow worker ${w} exited with code ${code} before finishing`));
      });
    });
  });
  try {
    await Promise.all(runs);
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}
