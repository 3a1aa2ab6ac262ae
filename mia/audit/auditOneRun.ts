/** The one-run privacy audit over a grid of guessing rules, corrected for the search. */
import { oneRunEpsilon, oneRunPValue } from './_internals/oneRun.js';
import { invalid, requireDelta, requireOpenUnit, requireOptions, show } from '../../accountant/index.js';

/** One guessing rule: IN for the `kPlus` highest scores, OUT for the `kMinus` lowest, abstain otherwise. */
export interface GuessCounts {
  readonly kPlus: number;
  readonly kMinus: number;
}

/** Options of {@link auditOneRun}. */
export interface AuditOneRunOptions {
  /** One score per canary from the trained model; higher = more likely IN (finite numbers). */
  readonly scores: ArrayLike<number>;
  /** Whether each canary was in the training run (each drawn independently with probability ½). */
  readonly included: Uint8Array | readonly boolean[];
  /** The δ of the (ε, δ) claim being audited, in [0, 1). */
  readonly delta: number;
  /**
   * Probability, over the canaries' coin flips, that the bound is valid — after the correction for
   * the search over `guessGrid`.
   * @defaultValue 0.95
   */
  readonly confidence?: number;
  /**
   * The guessing rules to try (duplicates are counted once), each with kPlus + kMinus ≤ m. Fix it
   * before looking at `included`.
   * @defaultValue for k = ⌊m/2⌋, ⌊m/4⌋, …, 1: (k, k) and (k, 0) — about 2·log₂ m rules.
   */
  readonly guessGrid?: readonly GuessCounts[];
}

/** The result of {@link auditOneRun}: the best rule of the grid and its bound. */
export interface OneRunAudit {
  /** ε such that the training is not (ε, δ)-DP, at `confidence` (after the grid correction); ≥ 0. */
  readonly epsilonLowerBound: number;
  readonly confidence: number;
  readonly method: 'one-run';
  /** m, the number of canaries. */
  readonly canaries: number;
  /** r = kPlus + kMinus of the rule reported. */
  readonly guesses: number;
  /** v, the right guesses of the rule reported. */
  readonly correct: number;
  readonly kPlus: number;
  readonly kMinus: number;
  /** G, the number of distinct rules tried; each was tested at level (1 − confidence)/G. */
  readonly gridSize: number;
}

/**
 * The one-run audit of Steinke, Nasr & Jagielski 2023 ("Privacy Auditing with One (1) Training
 * Run", NeurIPS; arXiv 2305.08846: the black-box auditor the paper describes, with the bound of
 * its main theorem): given one score per canary from a single training run in which each canary was included
 * independently with probability ½, guess IN for the kPlus highest scores and OUT for the kMinus
 * lowest, abstain on the rest, count the right guesses v of r = kPlus + kMinus, and turn (r, v) into
 * an ε lower bound (see {@link epsilonLowerBound}). Ties in score are broken by index, which does
 * not depend on the coin flips.
 *
 * **Correction for the search (Bonferroni).** Every rule of `guessGrid` is scored and the largest
 * bound reported; to keep it valid, each rule is tested at level β/G (β = 1 − confidence, G = the
 * number of distinct rules), so the chance that any of them overstates ε is ≤ G·β/G = β (union
 * bound). This was chosen over splitting the canaries into a selection half and an evaluation half
 * because (1) every canary still counts in r, which the bound depends on most; (2) the cost grows
 * only like ln G — for a perfect guesser ε ≈ ln(r/ln(G/β)) — and the default grid has ~2·log₂ m
 * rules; (3) it is deterministic (no seed decides the audit); and (4) a one-rule grid, for a rule
 * fixed in advance, gives exactly the paper's bound, with no correction at all. The grid must be
 * fixed without looking at `included`.
 *
 * @param options - `scores`, `included`, `delta`, `confidence` (default 0.95), `guessGrid`; see
 *   {@link AuditOneRunOptions}.
 * @returns {@link OneRunAudit}: `{ epsilonLowerBound, confidence, method: 'one-run', canaries,
 *   guesses, correct, kPlus, kMinus, gridSize }` for the rule with the largest bound (the first such
 *   rule in grid order; the first rule when no rule gives a bound above 0).
 * @throws PrivkitError `INVALID_ARGUMENT` when `scores` and `included` differ in length or are
 *   empty, a score is not finite, an `included` entry is not 0/1 or a boolean, `delta` is outside
 *   [0, 1), `confidence` outside (0, 1), or `guessGrid` is empty or has a rule that is not two
 *   non-negative integers with kPlus + kMinus ≤ m.
 * @example
 * ```ts
 * const audit = auditOneRun({ scores, included, delta: 1e-5 });
 * console.log(`not (${audit.epsilonLowerBound.toFixed(2)}, 1e-5)-DP at 95%: ${audit.correct}/${audit.guesses} right`);
 * ```
 */
export function auditOneRun(options: AuditOneRunOptions): OneRunAudit {
  requireOptions('options', options);
  const { scores, included } = options;
  const m = checkCanaries(scores, included);
  const delta = requireDelta('delta', options.delta);
  const confidence = requireOpenUnit('confidence', options.confidence ?? 0.95);
  const grid = distinctRules(options.guessGrid ?? defaultGuessGrid(m), m);

  // Canaries by score, highest first; ties by index (independent of the coin flips).
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const isIn = (i: number): boolean => Boolean(included[i]);
  // inAmongTop[k]: included canaries among the k highest; outAmongBottom[k]: excluded among the k lowest.
  const inAmongTop = new Int32Array(m + 1);
  const outAmongBottom = new Int32Array(m + 1);
  for (let k = 0; k < m; k++) {
    inAmongTop[k + 1] = inAmongTop[k] + (isIn(order[k]) ? 1 : 0);
    outAmongBottom[k + 1] = outAmongBottom[k] + (isIn(order[m - 1 - k]) ? 0 : 1);
  }

  const beta = (1 - confidence) / grid.length;
  const first = grid[0];
  let best = { epsilon: 0, rule: first, r: first.kPlus + first.kMinus, v: inAmongTop[first.kPlus] + outAmongBottom[first.kMinus] };
  for (const rule of grid) {
    const r = rule.kPlus + rule.kMinus;
    const v = inAmongTop[rule.kPlus] + outAmongBottom[rule.kMinus];
    // The p-value grows with ε, so a rule that cannot reject the best ε so far cannot beat it.
    if (best.epsilon > 0 && !(oneRunPValue(m, r, v, best.epsilon, delta) < beta)) continue;
    const epsilon = oneRunEpsilon(m, r, v, delta, beta);
    if (epsilon > best.epsilon) best = { epsilon, rule, r, v };
  }
  return {
    epsilonLowerBound: best.epsilon,
    confidence,
    method: 'one-run',
    canaries: m,
    guesses: best.r,
    correct: best.v,
    kPlus: best.rule.kPlus,
    kMinus: best.rule.kMinus,
    gridSize: grid.length,
  };
}

/** The default grid: for k = ⌊m/2⌋, ⌊m/4⌋, …, 1, the rules (k, k) and (k, 0); (1, 0) when m = 1. */
function defaultGuessGrid(m: number): GuessCounts[] {
  const grid: GuessCounts[] = [];
  for (let k = Math.max(1, Math.floor(m / 2)); k >= 1; k = Math.floor(k / 2)) {
    if (2 * k <= m) grid.push({ kPlus: k, kMinus: k });
    grid.push({ kPlus: k, kMinus: 0 });
  }
  return grid;
}

/** Validates the rules and drops repeats (a repeated rule is one hypothesis, not two). */
function distinctRules(grid: readonly GuessCounts[], m: number): GuessCounts[] {
  if (!Array.isArray(grid) || grid.length === 0) {
    invalid(`\`guessGrid\` must be a non-empty array of { kPlus, kMinus }; got ${show(grid)}.`, { field: 'guessGrid' });
  }
  const seen = new Set<string>();
  const rules: GuessCounts[] = [];
  grid.forEach((rule, index) => {
    const kPlus = (rule as Partial<GuessCounts> | null)?.kPlus;
    const kMinus = (rule as Partial<GuessCounts> | null)?.kMinus;
    const ok = Number.isSafeInteger(kPlus) && Number.isSafeInteger(kMinus) && (kPlus as number) >= 0 && (kMinus as number) >= 0;
    if (!ok || (kPlus as number) + (kMinus as number) > m) {
      invalid(`\`guessGrid[${index}]\` must have integers kPlus, kMinus ≥ 0 with kPlus + kMinus ≤ ${m} (the canaries); got ${show(rule)}.`, {
        field: `guessGrid[${index}]`,
        value: rule,
      });
    }
    const key = `${kPlus},${kMinus}`;
    if (!seen.has(key)) {
      seen.add(key);
      rules.push({ kPlus: kPlus as number, kMinus: kMinus as number });
    }
  });
  return rules;
}

/** Checks `scores` and `included` and returns m, their common length. */
function checkCanaries(scores: unknown, included: unknown): number {
  const arrayLike = (x: unknown): x is ArrayLike<unknown> => x !== null && typeof x === 'object' && typeof (x as { length?: unknown }).length === 'number';
  if (!arrayLike(scores)) invalid(`\`scores\` must be an array of numbers; got ${show(scores)}.`, { field: 'scores' });
  if (!(included instanceof Uint8Array) && !Array.isArray(included)) {
    invalid(`\`included\` must be a Uint8Array or an array of booleans; got ${show(included)}.`, { field: 'included' });
  }
  const m = scores.length;
  if (m === 0) invalid('`scores` must have at least one canary; got 0.', { field: 'scores' });
  if (included.length !== m) {
    invalid(`\`scores\` and \`included\` must have the same length; got ${m} and ${included.length}.`, { field: 'included' });
  }
  for (let i = 0; i < m; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      invalid(`\`scores\` must be finite numbers; got ${show(s)} at index ${i}.`, { field: 'scores', index: i });
    }
    const b: unknown = included[i];
    if (!(b === 0 || b === 1 || b === true || b === false)) {
      invalid(`\`included\` must hold 0/1 or booleans; got ${show(b)} at index ${i}.`, { field: 'included', index: i });
    }
  }
  return m;
}
