/**
 * Test inputs for the attacks: hand-made AttackData from rows of numbers, and synthetic populations
 * where training on an example raises the model's logit on its true class (so members are findable).
 */
import type { AttackData, ShadowOutputs } from '../../../mia/attacks/index.js';
import { mulberry32 } from '../../_support/prng.js';

/** A standard normal draw (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One model's views from rows: `views[v][i]` = the logits of example i under view v. */
export function modelFromRows(views: readonly (readonly (readonly number[])[])[]): { views: Float32Array[] } {
  return { views: views.map((rows) => Float32Array.from(rows.flat())) };
}

/**
 * Two-class data whose LiRA statistic is given exactly: logits [φ, 0] with label 0 have φ = z_0 − z_1.
 * `target[v][i]`, `shadows[s][v][i]` are φ values (choose float32-exact numbers); `masks[s][i]` ∈ {0, 1}.
 */
export function dataFromPhi(target: number[][], shadows: number[][][], masks: number[][]): AttackData {
  const n = target[0].length;
  const rows = (phis: number[]) => phis.map((phi) => [phi, 0]);
  return {
    numExamples: n,
    numClasses: 2,
    labels: new Int32Array(n),
    target: modelFromRows(target.map(rows)),
    shadows: shadows.map(
      (views, s): ShadowOutputs => ({ logits: modelFromRows(views.map(rows)), inMask: Uint8Array.from(masks[s]) }),
    ),
  };
}

/** Options of {@link syntheticData}. */
export interface SyntheticOptions {
  readonly n: number;
  readonly k: number;
  readonly numShadows: number;
  readonly numViews?: number;
  /** Added to the true-class logit of a model trained on the example. */
  readonly effect?: number;
}

/**
 * A population with per-example difficulty: example i's true-class logit under a model is
 * base_i + effect·[i in the model's training set] + N(0, 0.5²), other logits N(0, 1); views add N(0, 0.1²).
 * Shadows come in complementary pairs (mask of 2j+1 = 1 − mask of 2j), so with an even number of
 * shadows every example is IN for exactly half of them. The target's membership is a fair coin.
 */
export function syntheticData(seed: number, options: SyntheticOptions): { data: AttackData; members: Uint8Array } {
  const { n, k, numShadows } = options;
  const numViews = options.numViews ?? 1;
  const effect = options.effect ?? 2;
  const rand = mulberry32(seed);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  const base = Float64Array.from({ length: n }, () => 1 + 1.5 * gaussian(rand));
  const model = (member: (i: number) => number) => {
    const views: Float32Array[] = Array.from({ length: numViews }, () => new Float32Array(n * k));
    for (let i = 0; i < n; i++) {
      const clean = new Float64Array(k);
      for (let c = 0; c < k; c++) clean[c] = gaussian(rand);
      clean[labels[i]] = base[i] + effect * member(i) + 0.5 * gaussian(rand);
      for (let v = 0; v < numViews; v++) for (let c = 0; c < k; c++) views[v][i * k + c] = clean[c] + 0.1 * gaussian(rand);
    }
    return { views };
  };
  const members = Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
  const shadows: ShadowOutputs[] = [];
  let previous = new Uint8Array(n);
  for (let s = 0; s < numShadows; s++) {
    const inMask = s % 2 === 0 ? Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)) : previous.map((b) => 1 - b);
    previous = inMask;
    shadows.push({ logits: model((i) => inMask[i]), inMask });
  }
  return { data: { numExamples: n, numClasses: k, labels, target: model((i) => members[i]), shadows }, members };
}

/** Mean score of members minus mean score of non-members. */
export function meanGap(scores: Float64Array, members: Uint8Array): number {
  let sIn = 0;
  let nIn = 0;
  let sOut = 0;
  let nOut = 0;
  for (let i = 0; i < scores.length; i++) {
    if (members[i]) {
      sIn += scores[i];
      nIn++;
    } else {
      sOut += scores[i];
      nOut++;
    }
  }
  return sIn / nIn - sOut / nOut;
}

/** ROC AUC of `scores` for `members` (ties count one half), by brute force. */
export function auc(scores: Float64Array, members: Uint8Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!members[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (members[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}
