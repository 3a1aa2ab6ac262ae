import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { fileIOHandler, writeFileAtomic } from '../../src/node/index.js';
import type { ShadowStore, StoredShadow } from '../shadow/ShadowStore.js';
import type { ShadowSettings } from '../shadow/ShadowTrainingOptions.js';

/**
 * The cache key of a set of shadow settings: SHA-256 over the canonical JSON of the topology (layer
 * names removed: tfjs numbers them per process; a functional model's wiring refers to layers by
 * position instead), recipe, count, seed and query views, and over the
 * population's bytes. Any change trains new shadows; nothing stale is ever reused.
 * @param settings - the settings.
 * @returns 24 hex digits.
 * @example
 * ```ts
 * const key = shadowCacheKey({ topology, train, count: 16, seed: 0, augmentation: 'none', data });
 * ```
 */
export function shadowCacheKey(settings: ShadowSettings): string {
  const { data } = settings;
  const h = createHash('sha256');
  h.update(JSON.stringify({
    format: 1,
    topology: withoutNames(settings.topology),
    train: { optimizer: 'adam', ...settings.train },
    count: settings.count,
    seed: settings.seed,
    augmentation: settings.augmentation,
    exampleShape: data.exampleShape,
    numClasses: data.numClasses,
  }));
  h.update(new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength));
  h.update(new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
  return h.digest('hex').slice(0, 24);
}

// A functional model's wiring (inbound_nodes, input_layers, output_layers) names layers: those names
// become the layer's position in the topology, so that the wiring still counts but the names do not.
const WIRING = new Set(['inbound_nodes', 'input_layers', 'output_layers']);

function withoutNames(topology: unknown): unknown {
  const position = new Map<string, number>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const name = o.name ?? (o.config as Record<string, unknown> | undefined)?.name;
    if (typeof o.class_name === 'string' && typeof name === 'string' && !position.has(name)) position.set(name, position.size);
    Object.values(o).forEach(collect);
  };
  collect(topology);
  const wiring = (node: unknown): unknown =>
    Array.isArray(node) ? node.map(wiring) : typeof node === 'string' && position.has(node) ? position.get(node) : node;
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k !== 'name') out[k] = WIRING.has(k) ? wiring(v) : strip(v);
    }
    return out;
  };
  return strip(topology);
}

interface ShadowMeta {
  readonly index: number;
  readonly numExamples: number;
  readonly numClasses: number;
  readonly views: number;
}

/**
 * A {@link ShadowStore} in a folder (`--cache`): shadow s of settings with key K lives in
 * `<dir>/<K>/shadow-<s>/` (`model.json`, `weights.bin`, `mask.bin`, `logits.bin`, `meta.json`). A shadow is
 * written into a temporary folder and renamed into place, so it is there completely or not at all: a
 * killed run, concurrent workers and `--shard` runs on other machines sharing the folder never see
 * half a shadow.
 * @param dir - the cache folder (created when needed).
 * @param key - from {@link shadowCacheKey}.
 * @returns the store.
 * @example
 * ```ts
 * const store = fileShadowStore('.cache/shadows', shadowCacheKey(settings));
 * ```
 */
export function fileShadowStore(dir: string, key: string): ShadowStore {
  const root = join(dir, key);
  const folder = (index: number): string => join(root, `shadow-${String(index).padStart(4, '0')}`);
  return {
    async load(index: number): Promise<StoredShadow | null> {
      const f = folder(index);
      if (!existsSync(join(f, 'meta.json'))) return null;
      try {
        const meta = JSON.parse(readFileSync(join(f, 'meta.json'), 'utf8')) as ShadowMeta;
        const mask = new Uint8Array(readFileSync(join(f, 'mask.bin')));
        const bytes = readFileSync(join(f, 'logits.bin'));
        const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const size = meta.numExamples * meta.numClasses;
        if (mask.length !== meta.numExamples || all.length !== size * meta.views) throw new Error('sizes do not match meta.json');
        const views = Array.from({ length: meta.views }, (_, v) => all.slice(v * size, (v + 1) * size));
        return { index, inMask: mask, logits: { views } };
      } catch (e) {
        throw new PrivkitError('BAD_DATA_FILE', `cached shadow model ${f} is unreadable (${(e as Error).message}); delete that folder to retrain it.`, { path: f });
      }
    },
    async save(shadow: StoredShadow, model: tf.LayersModel): Promise<void> {
      const final = folder(shadow.index);
      if (existsSync(join(final, 'meta.json'))) return; // another worker or shard got there first
      mkdirSync(root, { recursive: true });
      const tmp = join(root, `.tmp-${String(shadow.index).padStart(4, '0')}-${process.pid}-${randomBytes(4).toString('hex')}`);
      mkdirSync(tmp);
      try {
        await model.save(fileIOHandler(tmp));
        writeFileSync(join(tmp, 'mask.bin'), shadow.inMask);
        const views = shadow.logits.views;
        const size = views[0].length;
        const all = new Float32Array(size * views.length);
        views.forEach((v, i) => all.set(v, i * size));
        writeFileSync(join(tmp, 'logits.bin'), new Uint8Array(all.buffer));
        const meta: ShadowMeta = { index: shadow.index, numExamples: shadow.inMask.length, numClasses: size / shadow.inMask.length, views: views.length };
        writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
        renameSync(tmp, final);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        if (existsSync(join(final, 'meta.json'))) return;
        throw e;
      }
    },
  };
}

/**
 * Writes a human-readable description of the settings next to the shadows (`<dir>/<key>/settings.json`).
 * @param dir - the cache folder.
 * @param key - the settings' key.
 * @param settings - what to describe (the population is summarised by its size).
 * @example
 * ```ts
 * describeShadowCache('.cache', key, settings);
 * ```
 */
export function describeShadowCache(dir: string, key: string, settings: ShadowSettings): void {
  const path = join(dir, key, 'settings.json');
  if (existsSync(path)) return;
  writeFileAtomic(
    path,
    JSON.stringify(
      {
        train: settings.train,
        count: settings.count,
        seed: settings.seed,
        augmentation: settings.augmentation,
        population: { examples: settings.data.y.length, exampleShape: settings.data.exampleShape, numClasses: settings.data.numClasses },
      },
      null,
      2,
    ),
  );
}
