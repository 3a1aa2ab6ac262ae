/**
 * The demo's data, cut from one bundled dataset: the audited population (a seeded half of it the
 * members), mislabelled canaries for the one-run audit, the targets' training set (members plus the
 * included canaries) and the held-out images (the non-members) that accuracy is measured on.
 */
import { PrivkitError, seededUniform } from '../../accountant/index.js';
import { loadDataset, seededPermutation } from '../../src/node/index.js';
import type { MembershipData } from '../../mia/index.js';
import type { DemoSizes } from './sizes.js';

/** Everything the demo trains and audits on; all arrays row-major, one example after another. */
export interface DemoData {
  /** The population of the membership-inference audit (the shadows train on halves of it). */
  readonly population: MembershipData;
  /** Rows of `population` both targets are trained on, ascending. */
  readonly members: number[];
  /** The other rows of `population`: never trained on, so accuracy is measured on them. */
  readonly nonMembers: number[];
  /** Canaries: images from outside the population with a wrong label, each included with probability ½. */
  readonly canaries: { readonly x: Float32Array; readonly labels: Int32Array; readonly included: Uint8Array };
  /** The targets' training set: the members, then the included canaries (float labels, as tfjs wants). */
  readonly train: { readonly x: Float32Array; readonly y: Float32Array; readonly size: number };
  /** The held-out images (the non-members) and their labels. */
  readonly test: { readonly x: Float32Array; readonly y: Int32Array; readonly size: number };
}

/** privkit's seeded PRNG (mulberry32) for the canaries' labels and coin flips. */
const uniform = seededUniform;

function gatherRows(x: Float32Array, rows: readonly number[], size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, k) => out.set(x.subarray(r * size, (r + 1) * size), k * size));
  return out;
}

/**
 * Loads the dataset and cuts the demo's data from it: rows [0, population) of the seed-0 shuffle are
 * the population, the next `canaries` rows the canaries (each relabelled to a seeded wrong class).
 * @param sizes - population and canary counts, and the dataset.
 * @param seed - seed of the members, the canary labels and the inclusion coins.
 * @returns the data.
 * @throws PrivkitError `INVALID_ARGUMENT` when the dataset has fewer than population + canaries images,
 *   or the population is not an even number ≥ 4.
 * @example
 * ```ts
 * const data = demoData(QUICK_SIZES, 0);
 * ```
 */
export function demoData(sizes: Pick<DemoSizes, 'dataset' | 'population' | 'canaries'>, seed: number): DemoData {
  const { population: n, canaries: m } = sizes;
  if (!(Number.isInteger(n) && n >= 4 && n % 2 === 0)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`population\` must be an even integer ≥ 4; got ${n}.`);
  }
  const all = loadDataset(`dataset:${sizes.dataset}`, { split: 'all', seed: 0 });
  if (n + m > all.y.length) {
    throw new PrivkitError('INVALID_ARGUMENT', `population + canaries must be at most the ${all.y.length} images of ${sizes.dataset}; got ${n} + ${m}.`);
  }
  const size = all.exampleShape.reduce((a, b) => a * b, 1);
  const population: MembershipData = {
    x: all.x.slice(0, n * size),
    y: all.y.slice(0, n),
    exampleShape: all.exampleShape,
    numClasses: all.numClasses,
  };
  const perm = seededPermutation(n, seed);
  const members = Array.from(perm.subarray(0, n / 2)).sort((a, b) => a - b);
  const nonMembers = Array.from(perm.subarray(n / 2)).sort((a, b) => a - b);

  const u = uniform(seed ^ 0x2545f491);
  const k = all.numClasses;
  const canaryX = all.x.slice(n * size, (n + m) * size);
  const canaryLabels = Int32Array.from({ length: m }, (_, c) => (all.y[n + c] + 1 + Math.floor(u() * (k - 1))) % k);
  const included = Uint8Array.from({ length: m }, () => (u() < 0.5 ? 1 : 0));

  const canaryRows = Array.from({ length: m }, (_, c) => c).filter((c) => included[c] === 1);
  const trainSize = members.length + canaryRows.length;
  const trainX = new Float32Array(trainSize * size);
  trainX.set(gatherRows(population.x, members, size), 0);
  trainX.set(gatherRows(canaryX, canaryRows, size), members.length * size);
  const trainY = Float32Array.from([...members.map((r) => population.y[r]), ...canaryRows.map((c) => canaryLabels[c])]);

  return {
    population,
    members,
    nonMembers,
    canaries: { x: canaryX, labels: canaryLabels, included },
    train: { x: trainX, y: trainY, size: trainSize },
    test: { x: gatherRows(population.x, nonMembers, size), y: Int32Array.from(nonMembers, (r) => population.y[r]), size: nonMembers.length },
  };
}
