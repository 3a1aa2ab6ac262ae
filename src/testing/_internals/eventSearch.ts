/**
 * The output events `checkDp` considers, and the search for the most telling one on the selection half.
 *
 * A mechanism's output y (k numbers) is reduced to a scalar feature g(y): y itself when k = 1; for
 * vectors, each coordinate (the 32 most separated when k > 32), the projection on the difference of the
 * means of the two selection samples, the projection a diagonal Gaussian classifier (naive-Bayes LDA)
 * fitted on them would use, and the distances to either mean. Events are threshold sets {g ≥ t},
 * {g ≤ t} and, for features with at most 64 distinct values (counts, indices), {g = v} — the families
 * DP-Sniper (Bichsel et al. 2021) and DP-Auditorium's histogram and classifier testers search.
 *
 * Candidates are ranked by a Wilson-score approximation of the bound the evaluation half will compute;
 * the ranking only needs to be a function of the selection half for the final test to stay sound.
 */

/** n draws of a k-dimensional output, row-major. */
export interface Draws {
  readonly n: number;
  readonly k: number;
  readonly values: Float64Array;
}

/** A scalar function of one output row, with a human-readable name. */
export interface Feature {
  readonly name: string;
  readonly at: (values: Float64Array, offset: number) => number;
}

/** {g ≥ t}, {g ≤ t} or {g = t}. */
export type EventKind = 'ge' | 'le' | 'eq';

/** An output event: a feature, a relation and a threshold. */
export interface OutputEvent {
  readonly feature: Feature;
  readonly kind: EventKind;
  readonly threshold: number;
}

/** An event and the dataset under which it is claimed to be more likely (0: D, 1: D′). */
export interface Candidate {
  readonly event: OutputEvent;
  readonly heavier: 0 | 1;
  /** Approximate ε lower bound on the selection half (for ranking only). */
  readonly score: number;
}

const MAX_AXES = 32;
const MAX_DISTINCT_FOR_EQUALITY = 64;

/** Rows [from, to) of `draws`, as a view. */
export function slice(draws: Draws, from: number, to: number): Draws {
  return { n: to - from, k: draws.k, values: draws.values.subarray(from * draws.k, to * draws.k) };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

function showVector(v: Float64Array): string {
  const shown = Array.from(v.subarray(0, 8), fmt).join(', ');
  return `[${shown}${v.length > 8 ? `, … (${v.length} entries)` : ''}]`;
}

function means(d: Draws): Float64Array {
  const m = new Float64Array(d.k);
  for (let i = 0; i < d.n; i++) for (let j = 0; j < d.k; j++) m[j] += d.values[i * d.k + j];
  for (let j = 0; j < d.k; j++) m[j] /= Math.max(1, d.n);
  return m;
}

function variances(d: Draws, m: Float64Array): Float64Array {
  const v = new Float64Array(d.k);
  for (let i = 0; i < d.n; i++) {
    for (let j = 0; j < d.k; j++) {
      const e = d.values[i * d.k + j] - m[j];
      v[j] += e * e;
    }
  }
  for (let j = 0; j < d.k; j++) v[j] /= Math.max(1, d.n - 1);
  return v;
}

function projection(name: string, w: Float64Array): Feature {
  const k = w.length;
  return {
    name,
    at: (values, offset) => {
      let s = 0;
      for (let j = 0; j < k; j++) s += w[j] * values[offset + j];
      return s;
    },
  };
}

function distance(name: string, m: Float64Array): Feature {
  const k = m.length;
  return {
    name,
    at: (values, offset) => {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const e = values[offset + j] - m[j];
        s += e * e;
      }
      return Math.sqrt(s);
    },
  };
}

/** The features to search, fitted on the selection draws only (non-finite outputs are left out of the fits). */
export function buildFeatures(sel0: Draws, sel1: Draws): Feature[] {
  const k = sel0.k;
  if (k === 1) return [{ name: 'y', at: (values, offset) => values[offset] }];
  const [m0, m1] = [means(sel0), means(sel1)];
  const [v0, v1] = [variances(sel0, m0), variances(sel1, m1)];
  const diff = new Float64Array(k);
  const lda = new Float64Array(k);
  const separation: { j: number; s: number }[] = [];
  for (let j = 0; j < k; j++) {
    diff[j] = Number.isFinite(m1[j] - m0[j]) ? m1[j] - m0[j] : 0;
    const pooled = (v0[j] + v1[j]) / 2;
    lda[j] = pooled > 0 && Number.isFinite(pooled) ? diff[j] / pooled : 0;
    separation.push({ j, s: pooled > 0 ? Math.abs(diff[j]) / Math.sqrt(pooled) : Math.abs(diff[j]) > 0 ? Infinity : 0 });
  }
  const axes = k <= MAX_AXES ? separation : [...separation].sort((a, b) => b.s - a.s).slice(0, MAX_AXES);
  const features: Feature[] = axes.map(({ j }) => ({ name: `y[${j}]`, at: (values: Float64Array, offset: number) => values[offset + j] }));
  if (diff.some((x) => x !== 0)) features.push(projection(`⟨y, w⟩ with w = mean(D′) − mean(D) on the selection half = ${showVector(diff)}`, diff));
  if (lda.some((x) => x !== 0)) features.push(projection(`⟨y, w⟩ with w = diagonal-Gaussian classifier weights fitted on the selection half = ${showVector(lda)}`, lda));
  if (m0.every(Number.isFinite)) features.push(distance(`‖y − m‖₂ with m = mean under D on the selection half = ${showVector(m0)}`, m0));
  if (m1.every(Number.isFinite)) features.push(distance(`‖y − m‖₂ with m = mean under D′ on the selection half = ${showVector(m1)}`, m1));
  return features;
}

function featureValues(d: Draws, f: Feature): Float64Array {
  const out = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) out[i] = f.at(d.values, i * d.k);
  return out;
}

/** Wilson score interval bound (the `sign` side) for c successes in n trials at normal quantile z. */
function wilson(c: number, n: number, z: number, sign: 1 | -1): number {
  const p = c / n;
  const z2n = (z * z) / n;
  const centre = p + z2n / 2;
  const half = z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return Math.min(1, Math.max(0, (centre + sign * half) / (1 + z2n)));
}

/** Approximate ln((P_A[E] − δ)/P_B[E]) lower bound from counts (−∞ when the numerator is ≤ 0). */
export function approximateBound(cA: number, nA: number, cB: number, nB: number, delta: number, z: number): number {
  const low = wilson(cA, nA, z, -1) - delta;
  if (!(low > 0)) return -Infinity;
  return Math.log(low / wilson(cB, nB, z, 1));
}

/**
 * The best-scoring event for each direction (E more likely under D, under D′) over all features and
 * thresholds, on the selection draws.
 */
/** Index of the first element ≥ t (`strict` false) or > t (`strict` true) in an ascending array. */
function bound(sorted: Float64Array, t: number, strict: boolean): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t || (strict && sorted[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The distinct values of an ascending array, or null when there are more than `max`. */
function distinct(sorted: Float64Array, max: number): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      if (out.length === max) return null;
      out.push(sorted[i]);
    }
  }
  return out;
}

/**
 * Thresholds to try on one sorted sample: every value of the 64 smallest and largest, then ranks
 * spaced by 1% geometrically towards the middle from both ends, and 1024 evenly spaced ranks — about
 * 2 500 values whatever n, fine in the tails where the privacy loss is largest.
 */
function thresholdGrid(sorted: Float64Array): number[] {
  const n = sorted.length;
  const ranks = new Set<number>();
  for (let r = 0; r < Math.min(n, 64); r++) ranks.add(r).add(n - 1 - r);
  for (let r = 64; r < n / 2; r = Math.ceil(r * 1.01)) ranks.add(r).add(n - 1 - r);
  for (let i = 0; i <= 1024; i++) ranks.add(Math.round((i * (n - 1)) / 1024));
  const out: number[] = [];
  for (const r of ranks) if (r >= 0 && r < n) out.push(sorted[r]);
  return out;
}

const MAX_DISTINCT_FOR_ALL_THRESHOLDS = 4096;

/**
 * The best-scoring event for each direction (E more likely under D, under D′) over all features and
 * thresholds, on the selection draws.
 */
export function bestCandidates(sel0: Draws, sel1: Draws, features: readonly Feature[], delta: number, z: number): Candidate[] {
  const best: (Candidate | null)[] = [null, null];
  const scores = [-Infinity, -Infinity];
  const [n0, n1] = [sel0.n, sel1.n];
  const consider = (feature: Feature, kind: EventKind, threshold: number, c0: number, c1: number): void => {
    const s0 = approximateBound(c0, n0, c1, n1, delta, z);
    const s1 = approximateBound(c1, n1, c0, n0, delta, z);
    if (best[0] === null || s0 > scores[0]) {
      scores[0] = s0;
      best[0] = { event: { feature, kind, threshold }, heavier: 0, score: s0 };
    }
    if (best[1] === null || s1 > scores[1]) {
      scores[1] = s1;
      best[1] = { event: { feature, kind, threshold }, heavier: 1, score: s1 };
    }
  };
  for (const feature of features) {
    const f0 = featureValues(sel0, feature).sort();
    const f1 = featureValues(sel1, feature).sort();
    const [d0, d1] = [distinct(f0, MAX_DISTINCT_FOR_ALL_THRESHOLDS), distinct(f1, MAX_DISTINCT_FOR_ALL_THRESHOLDS)];
    const values = d0 !== null && d1 !== null ? [...new Set([...d0, ...d1])] : null;
    const thresholds = values ?? [...thresholdGrid(f0), ...thresholdGrid(f1)];
    for (const t of thresholds) {
      if (Number.isNaN(t)) continue; // mechanisms that return NaN are refused earlier
      const [lt0, le0, lt1, le1] = [bound(f0, t, false), bound(f0, t, true), bound(f1, t, false), bound(f1, t, true)];
      consider(feature, 'ge', t, n0 - lt0, n1 - lt1);
      consider(feature, 'le', t, le0, le1);
      if (values !== null && values.length <= MAX_DISTINCT_FOR_EQUALITY) consider(feature, 'eq', t, le0 - lt0, le1 - lt1);
    }
  }
  return best.filter((c): c is Candidate => c !== null);
}

/** How many rows of `draws` fall in `event`. */
export function countEvent(draws: Draws, event: OutputEvent): number {
  const { feature, kind, threshold } = event;
  let c = 0;
  for (let i = 0; i < draws.n; i++) {
    const g = feature.at(draws.values, i * draws.k);
    if (kind === 'ge' ? g >= threshold : kind === 'le' ? g <= threshold : g === threshold) c++;
  }
  return c;
}

/** "y ≥ 2.5", "y[1] ≤ −0.3", "⟨y, w⟩ ≥ 1.2 with w = …". */
export function describeOutputEvent(event: OutputEvent): string {
  const op = event.kind === 'ge' ? '≥' : event.kind === 'le' ? '≤' : '=';
  const [head, ...rest] = event.feature.name.split(' with ');
  return `${head} ${op} ${fmt(event.threshold)}${rest.length > 0 ? ` with ${rest.join(' with ')}` : ''}`;
}
