/**
 * fileShadowRunner with worker threads: shadows trained in 2 workers (compiled worker from dist/, run
 * `npm run build` first) are bit-identical to those trained in this thread with the same settings, a
 * full cache trains nothing, and without a cache folder nothing is left in the temporary directory —
 * also when a worker fails.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { inProcessShadowRunner, trainShadowModels, type ShadowRunner } from '../../../mia/auditMembership.js';
import { fileShadowRunner } from '../../../mia/node/fileShadowRunner.js';
import type { ShadowStore } from '../../../mia/shadow/ShadowStore.js';
import type { MembershipData, ShadowTrainingOptions } from '../../../mia/shadow/ShadowTrainingOptions.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { imageData, mlp } from '../shadow/_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm'); // the workers' default backend: same arithmetic on both sides
});

const dirs: string[] = [];
function freshDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const data: MembershipData = imageData(81, 13); // odd: two IN sizes
const COUNT = 6;
const TRAIN: ShadowTrainingOptions = { epochs: 2, batchSize: 16, learningRate: 0.01 };
let target: tf.Sequential;
beforeAll(() => {
  target = mlp([8, 8, 1], 3, 12);
});
afterAll(() => target.dispose());

async function shadowsWith(runner: ShadowRunner): Promise<{ store: ShadowStore; logits: Float32Array[][]; masks: Uint8Array[] }> {
  const { store, jobs } = await trainShadowModels({ targetModel: target, data, shadow: { count: COUNT, train: TRAIN, runner }, seed: 4, augmentation: 'flip' });
  const logits: Float32Array[][] = [];
  const masks: Uint8Array[] = [];
  for (const job of jobs) {
    const s = await store.load(job.index);
    expect(s).not.toBeNull();
    logits.push([...s!.logits.views]);
    masks.push(s!.inMask);
  }
  return { store, logits, masks };
}

let inProcess: Awaited<ReturnType<typeof shadowsWith>>;
beforeAll(async () => {
  inProcess = await shadowsWith(inProcessShadowRunner({ batchModels: 8 }));
});

/** Runs `fn` with os.tmpdir() pointing at a fresh folder, and returns what is left in it. */
async function leftInTmpdir(fn: () => Promise<unknown>): Promise<string[]> {
  const scratch = freshDir('privkit-runner-tmp-');
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    expect(tmpdir()).toBe(scratch);
    await fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  return readdirSync(scratch);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fileShadowRunner with 2 workers', () => {
  it('trains shadows bit-identical to in-process training, saving each once; a rerun trains nothing', async () => {
    // Arrange
    const cacheDir = freshDir('privkit-runner-cache-');
    const onShadowSaved = vi.fn();
    const onEpoch = vi.fn();

    // Act
    const workers = await shadowsWith(fileShadowRunner({ workers: 2, cacheDir, batchModels: 2, onShadowSaved, onEpoch }));

    // Assert
    expect(workers.masks).toEqual(inProcess.masks);
    expect(workers.logits).toEqual(inProcess.logits);
    expect(workers.logits[0]).toHaveLength(2); // flip view included
    expect(onShadowSaved.mock.calls.map((c) => c[0]).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(onEpoch).toHaveBeenCalled();
    const [key] = readdirSync(cacheDir);
    expect(readdirSync(join(cacheDir, key)).sort()).toEqual(['settings.json', ...[0, 1, 2, 3, 4, 5].map((i) => `shadow-000${i}`)]);

    // Act again: same settings, same cache.
    onShadowSaved.mockClear();
    const rerun = await shadowsWith(fileShadowRunner({ workers: 2, cacheDir, onShadowSaved }));

    // Assert
    expect(onShadowSaved).not.toHaveBeenCalled();
    expect(rerun.logits).toEqual(inProcess.logits);
  });

  it('without a cache folder, hands the shadows back in memory and leaves no temporary folder', async () => {
    // Arrange
    let result: Awaited<ReturnType<typeof shadowsWith>> | undefined;

    // Act
    const left = await leftInTmpdir(async () => {
      result = await shadowsWith(fileShadowRunner({ workers: 2, batchModels: 3 }));
    });

    // Assert
    expect(left).toEqual([]);
    expect(result!.logits).toEqual(inProcess.logits);
  });

  it('without a cache folder, also in this thread (workers: 1)', async () => {
    // Arrange
    let result: Awaited<ReturnType<typeof shadowsWith>> | undefined;

    // Act
    const left = await leftInTmpdir(async () => {
      result = await shadowsWith(fileShadowRunner({ workers: 1 }));
    });

    // Assert
    expect(left).toEqual([]);
    expect(result!.logits).toEqual(inProcess.logits);
  });

  it("rejects with the worker's error code and still removes its temporary folder", async () => {
    // Arrange: a topology the worker cannot build (the parent never builds it).
    const runner = fileShadowRunner({ workers: 2 });
    const x = tf.tensor(data.x, [81, 8, 8, 1]);
    const y = tf.tensor1d(data.y, 'int32');
    const settings = { topology: { class_name: 'Sequential', config: { layers: [{ class_name: 'NoSuchLayer', config: {} }] } }, train: TRAIN, count: 2, seed: 0, augmentation: 'none' as const, data };
    const jobs = inProcess.masks.slice(0, 2).map((mask, index) => ({ index, seed: index + 1, mask }));
    let error: unknown;

    // Act
    const left = await leftInTmpdir(async () => {
      try {
        await runner(settings, jobs, { topology: settings.topology, x, y, train: TRAIN });
      } catch (e) {
        error = e;
      }
    });

    // Assert
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).code).toBe('BAD_MODEL_FILE');
    expect((error as Error).message).toMatch(/^shadow worker \d: cannot build a shadow model/);
    expect(left).toEqual([]);
    tf.dispose([x, y]);
  });
});
