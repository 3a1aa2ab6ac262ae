import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice } from '../../src/index.js';
import { inProcessShadowRunner, type ShadowRunner } from '../auditMembership.js';
import { memoryShadowStore } from '../shadow/ShadowStore.js';
import { describeShadowCache, fileShadowStore, shadowCacheKey } from './fileShadowStore.js';
import { trainShadowsInWorkers } from './trainShadowsInWorkers.js';

/** Options of {@link fileShadowRunner}. */
export interface FileShadowRunnerOptions {
  /** Shadow cache folder (`--cache`): finished shadows are reused by later runs. @defaultValue a temporary folder, removed afterwards */
  readonly cacheDir?: string;
  /** Worker threads (`--jobs`), each with its own backend; 1 trains in this thread. @defaultValue 1 */
  readonly workers?: number;
  /** Shadows trained together in one batched computation (dense architectures). @defaultValue 8 */
  readonly batchModels?: number;
  /** Backend of the worker threads. @defaultValue 'wasm' */
  readonly backend?: BackendChoice;
  readonly onEpoch?: (shadows: readonly number[], epoch: number) => void;
  readonly onShadowSaved?: (index: number) => void;
}

/**
 * The Node shadow runner: a file cache (resume, sharing between attacks, runs and `--shard`
 * machines) and optional worker threads. Without `cacheDir`, worker threads still need a folder to
 * hand shadows back through: a temporary one, read into memory and removed.
 * @param options - cache, workers, grouping, progress.
 * @returns a runner for `auditMembership({ shadow: { runner } })`.
 * @example
 * ```ts
 * const runner = fileShadowRunner({ cacheDir: '.privkit-cache', workers: 2 });
 * ```
 */
export function fileShadowRunner(options: FileShadowRunnerOptions = {}): ShadowRunner {
  return async (settings, jobs, ctx) => {
    const workers = options.workers ?? 1;
    const key = shadowCacheKey(settings);
    const temporary = options.cacheDir === undefined;
    const dir = options.cacheDir ?? mkdtempSync(join(tmpdir(), 'privkit-shadows-'));
    try {
      if (!temporary) describeShadowCache(dir, key, settings);
      const store = fileShadowStore(dir, key);
      if (workers <= 1) {
        await inProcessShadowRunner({ store, batchModels: options.batchModels, onEpoch: options.onEpoch, onShadowSaved: options.onShadowSaved })(settings, jobs, ctx);
      } else {
        const missing = [];
        for (const job of jobs) if ((await store.load(job.index)) === null) missing.push(job);
        await trainShadowsInWorkers({
          topology: settings.topology,
          train: settings.train,
          data: settings.data,
          jobs: missing,
          workers,
          cacheDir: dir,
          key,
          augmentation: settings.augmentation,
          batchModels: options.batchModels,
          backend: options.backend,
          onEpoch: options.onEpoch,
          onShadowSaved: options.onShadowSaved,
        });
      }
      if (!temporary) return store;
      const memory = memoryShadowStore();
      for (const job of jobs) {
        const s = await store.load(job.index);
        if (s !== null) await memory.save(s, undefined as never);
      }
      return memory;
    } finally {
      if (temporary) rmSync(dir, { recursive: true, force: true });
    }
  };
}
