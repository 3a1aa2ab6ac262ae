/**
 * DP training checkpoints on disk (Node): one atomic unit that can never under-report ε.
 *
 * A checkpoint folder holds checkpoint versions and one pointer:
 * - `<dir>/ckpt-<steps>-<id>/`: `model/model.json` + `model/weights.bin` (a tfjs model folder:
 *   `loadModel` reads it), `optimizer.bin`, `state.json` (settings, randomness, step count, ledger,
 *   generator states of a seeded run, tensor specs) and, written last, `MANIFEST.json` (SHA-256 and
 *   size of each of those files). It is written under a temporary name (`.tmp-ckpt-…`), each file
 *   flushed to the device, and renamed into place whole.
 * - `<dir>/CURRENT`: the name of the live version, replaced atomically (a new `CURRENT.tmp-<id>`, then
 *   one rename over the old pointer) only after the new version is complete; older versions and
 *   leftovers of interrupted saves are removed after that.
 * A kill at any point leaves CURRENT naming a complete version, old or new (the kill-at-every-write
 * test passes each crash point). Loading verifies every hash, then that the parts belong together
 * (`checkTrainingState`: the ledger accounts for exactly the steps applied to the weights, …, and the
 * step count is the one the version was named with); anything else is `BAD_CHECKPOINT`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { ensureFolder } from './io/_internals/ensureFolder.js';
import { ioError } from './io/ioError.js';
import type { LossSpec } from '../kernels/perExampleLoss.js';
import { restorePrivate, type PrivateTraining } from '../makePrivate.js';
import { badCheckpoint, checkTrainingState, type PrivateTrainingState, type TensorState } from '../optimizer/trainingState.js';
import { crashPoint } from './_internals/crashPoint.js';

const POINTER = 'CURRENT';
const MANIFEST = 'MANIFEST.json';
const VERSION_NAME = /^ckpt-\d+-[0-9a-f]{16}$/;
/** The files of a version, each listed with its hash in MANIFEST.json. */
const FILES = ['model/model.json', 'model/weights.bin', 'optimizer.bin', 'state.json'] as const;

interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
}

/** state.json: the state without its tensors' values (those are in the .bin files). */
type StateFile = Omit<PrivateTrainingState, 'weights' | 'optimizer'> & {
  readonly weights: readonly TensorSpec[];
  readonly optimizer: readonly TensorSpec[];
};

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function pack(tensors: readonly TensorState[]): Uint8Array {
  const total = tensors.reduce((n, t) => n + t.values.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const t of tensors) {
    out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), off);
    off += t.values.byteLength;
  }
  return out;
}

function unpack(specs: unknown, bytes: Uint8Array, file: string): TensorState[] {
  if (!Array.isArray(specs)) throw badCheckpoint(`state.json lists no tensors for ${file}.`);
  const out: TensorState[] = [];
  let off = 0;
  for (const spec of specs as TensorSpec[]) {
    const size = Array.isArray(spec?.shape) && spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? spec.shape.reduce((a, b) => a * b, 1) : NaN;
    if (!(size >= 0) || (spec.dtype !== 'float32' && spec.dtype !== 'int32') || typeof spec.name !== 'string') {
      throw badCheckpoint(`a tensor spec of ${file} is malformed.`);
    }
    if (off + size * 4 > bytes.byteLength) throw badCheckpoint(`${file} is shorter than its tensor specs.`);
    const copy = Uint8Array.from(bytes.subarray(off, off + size * 4)).buffer; // a copy: Buffer#slice would share Node's pool
    out.push({ name: spec.name, shape: [...spec.shape], dtype: spec.dtype, values: spec.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy) });
    off += size * 4;
  }
  if (off !== bytes.byteLength) throw badCheckpoint(`${file} is longer than its tensor specs.`);
  return out;
}

/** Writes a new file and flushes it to the device before returning (a later rename must not outrun its data). */
function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes a folder's entries (the renames in it) to the device. Best effort: some platforms cannot
 * open or fsync a folder (Windows); a crash there may then lose the newest save, never mix two.
 */
function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes a file or folder, ignoring failures (cleanup after an error or of a replaced version). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    /* the error that brought us here is the one to report; leftovers are removed by the next save */
  }
}

/**
 * Writes a checkpoint of `priv` into `dir` (see the module comment for the layout and guarantees).
 * Every write, rename and removal passes a crash point (`PRIVKIT_TEST_CRASH_AT`, for the
 * kill-at-every-write test).
 * @param priv - the run.
 * @param dir - the checkpoint folder (created if needed; an earlier checkpoint there is replaced).
 * @throws PrivkitError `IO_ERROR` naming the path when the folder cannot be written; nothing of the
 *   new checkpoint is left behind then, and an earlier checkpoint there stays live.
 * @example
 * ```ts
 * await saveCheckpoint(priv, 'checkpoints/run1');
 * ```
 */
export async function saveCheckpoint(priv: PrivateTraining, dir: string): Promise<void> {
  const state = await priv.state(); // one instant: weights, ledger, steps and generators together
  const model = priv.options.model;
  const id = randomBytes(8).toString('hex');
  const name = `ckpt-${state.steps}-${id}`;
  const staging = join(dir, `.tmp-${name}`);
  const version = join(dir, name);
  const pointerTmp = join(dir, `${POINTER}.tmp-${id}`);
  const specs = (ts: readonly TensorState[]): TensorSpec[] => ts.map(({ name: n, shape, dtype }) => ({ name: n, shape: [...shape], dtype }));
  const files: Record<string, Uint8Array> = {};
  files['model/weights.bin'] = pack(state.weights);
  files['model/model.json'] = Buffer.from(
    JSON.stringify({
      modelTopology: model.toJSON(null, false),
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs(state.weights) }],
    }),
  );
  files['optimizer.bin'] = pack(state.optimizer);
  const stateFile: StateFile = { ...state, weights: specs(state.weights), optimizer: specs(state.optimizer) };
  files['state.json'] = Buffer.from(JSON.stringify(stateFile, null, 2));
  const manifest = { format: 'privkit-checkpoint', version: 2, files: Object.fromEntries(Object.entries(files).map(([f, d]) => [f, { sha256: sha256(d), bytes: d.byteLength }])) };
  let renamed = false;
  try {
    ensureFolder(dir);
    mkdirSync(staging);
    crashPoint('checkpoint:mkdir:staging');
    mkdirSync(join(staging, 'model'));
    crashPoint('checkpoint:mkdir:staging/model');
    for (const [file, data] of Object.entries(files)) {
      writeDurable(join(staging, file), data);
      crashPoint(`checkpoint:write:${file}`);
    }
    writeDurable(join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
    crashPoint(`checkpoint:write:${MANIFEST}`);
    syncFolder(join(staging, 'model'));
    syncFolder(staging);
    renameSync(staging, version);
    renamed = true;
    syncFolder(dir);
    crashPoint('checkpoint:rename:version');
    // The pointer: a new file, then one rename over the old pointer (atomic on POSIX and on Windows).
    writeDurable(pointerTmp, `${name}\n`);
    crashPoint(`checkpoint:write:${POINTER}.tmp`);
    renameSync(pointerTmp, join(dir, POINTER));
  } catch (e) {
    removeQuietly(staging);
    removeQuietly(pointerTmp);
    if (renamed) removeQuietly(version); // not live: the pointer still names the earlier version
    throw ioError(e, { path: dir });
  }
  syncFolder(dir);
  crashPoint(`checkpoint:rename:${POINTER}`);
  // The new version is live: remove older versions and leftovers of interrupted saves (best effort).
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    /* removed by the next save */
  }
  for (const entry of entries) {
    if (entry !== name && (VERSION_NAME.test(entry) || entry.startsWith('.tmp-ckpt-') || entry.startsWith(`${POINTER}.tmp-`))) {
      removeQuietly(join(dir, entry));
      crashPoint(`checkpoint:remove:${entry}`);
    }
  }
}

function readVerified(version: string, file: string, expected: { sha256?: unknown; bytes?: unknown } | undefined): Uint8Array {
  if (expected === undefined || typeof expected.sha256 !== 'string') throw badCheckpoint(`${MANIFEST} does not list ${file}.`);
  let data: Uint8Array;
  try {
    data = readFileSync(join(version, file));
  } catch {
    throw badCheckpoint(`${join(version, file)} is missing.`, { path: join(version, file) });
  }
  if (data.byteLength !== expected.bytes || sha256(data) !== expected.sha256) {
    throw badCheckpoint(`${join(version, file)} does not match its hash in ${MANIFEST} (damaged or replaced).`, { path: join(version, file) });
  }
  return data;
}

/**
 * Reads a checkpoint back into a model and optimizer of the same kind, after checking every file's
 * hash and that the parts belong together.
 * @param dir - the checkpoint folder written by {@link saveCheckpoint}.
 * @param parts - a model of the same architecture, a fresh optimizer of the same kind, and the loss
 *   when it was a function.
 * @returns the run, ready to continue.
 * @throws PrivkitError `BAD_CHECKPOINT` for a missing, incomplete, damaged or inconsistent checkpoint;
 *   `BAD_MODEL_FILE` for weights that do not fit the model.
 * @example
 * ```ts
 * const resumed = await loadCheckpoint('checkpoints/run1', { model, optimizer: tf.train.adam(1e-3) });
 * ```
 */
export async function loadCheckpoint(
  dir: string,
  parts: { model: tf.LayersModel; optimizer: tf.Optimizer; loss?: LossSpec },
): Promise<PrivateTraining> {
  let name: string;
  try {
    name = readFileSync(join(dir, POINTER), 'utf8').trim();
  } catch {
    let legacy = false;
    try {
      legacy = readdirSync(dir).includes('privacy.json');
    } catch {
      /* no folder */
    }
    throw badCheckpoint(
      legacy
        ? `${dir} is a privkit 0.1 checkpoint (privacy.json, optimizer.json, model/), written without hashes or a ${POINTER} pointer: its ledger cannot be verified to belong with its weights, so it is not loaded. Retrain, or read the model alone with loadModel (its ε is then unknown).`
        : `${dir} holds no checkpoint (no ${POINTER} file).`,
      { path: dir },
    );
  }
  if (!VERSION_NAME.test(name)) throw badCheckpoint(`${join(dir, POINTER)} does not name a checkpoint version.`, { path: dir });
  const version = join(dir, name);
  let manifest: { format?: unknown; version?: unknown; files?: Record<string, { sha256?: unknown; bytes?: unknown }> };
  try {
    manifest = JSON.parse(readFileSync(join(version, MANIFEST), 'utf8'));
  } catch {
    throw badCheckpoint(`${join(version, MANIFEST)} is missing or not JSON.`, { path: version });
  }
  if (manifest?.format !== 'privkit-checkpoint' || manifest.version !== 2 || typeof manifest.files !== 'object' || manifest.files === null) {
    throw badCheckpoint(`${join(version, MANIFEST)} is not a version-2 privkit manifest.`, { path: version });
  }
  const files = manifest.files;
  const listed = Object.keys(files).sort();
  if (listed.join('\n') !== [...FILES].sort().join('\n')) {
    throw badCheckpoint(`${join(version, MANIFEST)} must list exactly ${FILES.join(', ')}; it lists ${listed.slice(0, 10).join(', ') || 'nothing'}.`, { path: version });
  }
  const read = (file: string): Uint8Array => readVerified(version, file, files[file]);
  let stateFile: StateFile;
  try {
    stateFile = JSON.parse(Buffer.from(read('state.json')).toString('utf8'));
  } catch (e) {
    if (e instanceof PrivkitError) throw e;
    throw badCheckpoint(`${join(version, 'state.json')} is not JSON.`);
  }
  read('model/model.json');
  const state = {
    ...stateFile,
    weights: unpack(stateFile?.weights, read('model/weights.bin'), 'model/weights.bin'),
    optimizer: unpack(stateFile?.optimizer, read('optimizer.bin'), 'optimizer.bin'),
  } as PrivateTrainingState;
  checkTrainingState(state, parts.model, parts.optimizer); // the parts belong together (restorePrivate checks again)
  const stepsInName = Number(/^ckpt-(\d+)-/.exec(name)?.[1]);
  if (state.steps !== stepsInName) {
    throw badCheckpoint(`${join(version, 'state.json')} says ${state.steps} steps; its version ${name} was saved after ${stepsInName}.`, { path: version });
  }
  return restorePrivate(state, parts);
}
