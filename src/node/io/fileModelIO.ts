/**
 * tfjs LayersModel folders on local disk (`model.json` + `weights.bin`) without tfjs-node, whose
 * `file://` handler pure tfjs lacks (Node only). The format is tfjs' own (a `weightsManifest` naming
 * the shard files), so folders written by `tfjs-node` or `tensorflowjs_converter` load too. Saving
 * writes the weights, then `model.json`, each to a temporary file renamed into place, so a crash never
 * leaves a half-written model. Anything missing or malformed is `BAD_MODEL_FILE` naming the path.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export { writeFileAtomic };

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function concat(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out;
}

/** Why a weights-manifest entry cannot be used, or undefined when it can. */
function badWeightSpec(spec: unknown): string | undefined {
  if (spec === null || typeof spec !== 'object') return 'must be an object {"name", "shape", "dtype"}';
  const { name, shape, dtype } = spec as { name?: unknown; shape?: unknown; dtype?: unknown };
  if (typeof name !== 'string') return 'needs a string "name"';
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return `("${name}") needs a "shape" of non-negative integers`;
  if (typeof dtype !== 'string' || !(dtype in BYTES)) return `("${name}") has dtype ${JSON.stringify(dtype)}; known: ${Object.keys(BYTES).join(', ')}`;
  return undefined;
}

function bad(path: string, why: string): PrivkitError {
  return new PrivkitError('BAD_MODEL_FILE', `${path}: ${why}`, { path });
}

/** The two files of a model folder, as {@link fileIOHandler} writes them. */
export interface ModelFiles {
  /** The topology, training config and weights manifest (JSON text). */
  readonly 'model.json': string;
  /** All weights, concatenated in manifest order. */
  readonly 'weights.bin': Uint8Array;
}

function modelFiles(artifacts: tf.io.ModelArtifacts): ModelFiles {
  const weights = artifacts.weightData === undefined ? new Uint8Array(0) : concat(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  return { 'model.json': JSON.stringify(json), 'weights.bin': weights };
}

/**
 * The contents of the model's folder (`model.json` and `weights.bin`) without writing them, e.g. to
 * write them with other files as one unit (writeFolderAtomic) or to hash the weights.
 * @param model - the model.
 * @returns the two files, exactly as {@link saveModel} would write them.
 * @example
 * ```ts
 * const files = await modelFolderFiles(model);
 * writeFolderAtomic('out', { ...files, 'privacy.json': record });
 * ```
 */
export async function modelFolderFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save({
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      files = modelFiles(artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: files['weights.bin'].byteLength } };
    },
  });
  if (files === undefined) throw new PrivkitError('INTERNAL', 'the model was not serialised.');
  return files;
}

/**
 * An IOHandler reading and writing a model folder.
 * @param dir - the folder (created on save).
 * @returns a handler for `model.save(…)` and `tf.loadLayersModel(…)`.
 * @example
 * ```ts
 * await model.save(fileIOHandler('out/model'));
 * ```
 */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  const folder = resolve(dir);
  const modelPath = join(folder, 'model.json');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const files = modelFiles(artifacts);
      writeFileAtomic(join(folder, 'weights.bin'), files['weights.bin']);
      writeFileAtomic(modelPath, files['model.json']);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: files['weights.bin'].byteLength } };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let json: {
        modelTopology?: object;
        weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
        format?: string;
        generatedBy?: string;
        convertedBy?: string | null;
        trainingConfig?: tf.io.TrainingConfig;
        userDefinedMetadata?: { [key: string]: {} };
      };
      try {
        json = JSON.parse(readFileSync(modelPath, 'utf8'));
      } catch (e) {
        throw bad(modelPath, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`);
      }
      if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
        throw bad(modelPath, 'not a tfjs layers model (needs "modelTopology" and "weightsManifest").');
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const [g, group] of json.weightsManifest.entries()) {
        if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw bad(modelPath, 'malformed "weightsManifest" entry.');
        for (const [k, spec] of (group.weights as unknown[]).entries()) {
          const why = badWeightSpec(spec);
          if (why !== undefined) throw bad(modelPath, `"weightsManifest[${g}].weights[${k}]" ${why}.`);
        }
        specs.push(...group.weights);
        for (const p of group.paths as unknown[]) {
          // Shards are files inside the model's folder, never elsewhere on disk.
          if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
            throw bad(modelPath, `"weightsManifest[${g}].paths" must name files inside the model's folder; got ${JSON.stringify(p)}.`);
          }
          const shard = join(folder, p);
          try {
            parts.push(readFileSync(shard));
          } catch {
            throw bad(shard, 'weight file missing or unreadable.');
          }
        }
      }
      const bytes = parts.reduce((n, p) => n + p.byteLength, 0);
      const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (BYTES[s.dtype] ?? 4), 0);
      if (specs.every((s) => s.quantization === undefined) && bytes !== expected) {
        throw bad(folder, `weights hold ${bytes} bytes but the manifest needs ${expected}.`);
      }
      const weightData = new Uint8Array(bytes);
      let off = 0;
      for (const p of parts) {
        weightData.set(p, off);
        off += p.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        ...(json.trainingConfig === undefined ? {} : { trainingConfig: json.trainingConfig }),
        ...(json.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: json.userDefinedMetadata }),
      };
    },
  };
}

/**
 * Saves a model folder.
 * @example
 * ```ts
 * await saveModel(model, 'out/model');
 * ```
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileIOHandler(dir));
}

/**
 * Loads a model folder (or a path to its model.json).
 * @throws PrivkitError `BAD_MODEL_FILE` for a missing, malformed or inconsistent folder.
 * @example
 * ```ts
 * const model = await loadModel('out/model');
 * ```
 */
export async function loadModel(path: string): Promise<tf.LayersModel> {
  // A folder, or the model.json inside one (a file of another name is not silently replaced by it).
  const dir = basename(path) === 'model.json' ? dirname(path) : path;
  try {
    return await tf.loadLayersModel(fileIOHandler(dir));
  } catch (e) {
    if (e instanceof PrivkitError) throw e;
    throw bad(resolve(dir, 'model.json'), `cannot build the model (${(e as Error).message}).`);
  }
}
