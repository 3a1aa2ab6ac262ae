/** What a demo run measured: the numbers of the summary table, the curves of the report. */
import type { DemoSizes } from './sizes.js';
import type { EpochRecord } from './targets.js';

/** One target's results. */
export interface DemoModelResult {
  /** "non-private" or "DP-SGD". */
  readonly name: string;
  /** Accuracy on the held-out images (the non-members) after training. */
  readonly heldOutAccuracy: number;
  /** The accountants' ε at δ (Infinity for the non-private model). */
  readonly claimedEpsilon: { readonly rdp: number; readonly pld: number };
  /** σ of DP-SGD; null for the non-private model. */
  readonly noiseMultiplier: number | null;
  /** The one-run canary audit (Steinke, Nasr & Jagielski 2023). */
  readonly oneRun: {
    /** ε such that the run is not (ε, δ)-DP, at `confidence`. */
    readonly epsilonLowerBound: number;
    readonly confidence: number;
    readonly canaries: number;
    readonly guesses: number;
    readonly correct: number;
  };
  /** LiRA (Carlini et al. 2022) on the population, with the shared shadow models. */
  readonly lira: {
    readonly auc: number;
    /** TPR at 0.1%, 1% and 10% FPR, keyed "0.001", "0.01", "0.1". */
    readonly tprAtFpr: Record<string, number>;
    readonly advantage: number;
    /** The ROC curve, thinned to at most 400 points. */
    readonly roc: { readonly fpr: number[]; readonly tpr: number[] };
  };
  /** Per epoch: step, loss, held-out accuracy, RDP ε (and PLD ε for DP-SGD). */
  readonly epochs: (EpochRecord & { readonly pldEpsilon?: number })[];
  /** Steps taken. */
  readonly steps: number;
  readonly trainingSeconds: number;
}

/** The result of `runDemo`. */
export interface DemoResult {
  readonly quick: boolean;
  readonly sizes: DemoSizes;
  readonly seed: number;
  /**
   * The DP-SGD run's randomness: 'seeded' (the demo is a reproducible experiment; a model meant for
   * release is trained without a seed, from the CSPRNG).
   */
  readonly randomness: 'secure' | 'seeded';
  readonly targetEpsilon: number;
  readonly delta: number;
  /** Members and non-members of the audited population. */
  readonly members: number;
  readonly nonMembers: number;
  /** Training set size of each target: members + included canaries. */
  readonly trainingSize: number;
  readonly canaries: number;
  readonly canariesIncluded: number;
  /** The non-private model, then the DP-SGD model. */
  readonly models: readonly [DemoModelResult, DemoModelResult];
  /** Shadow models: how many, and how many this run had to train (the rest came from the cache). */
  readonly shadowModels: { readonly count: number; readonly trained: number; readonly cacheDir: string };
  readonly seconds: { readonly total: number; readonly shadows: number };
  /** The files written. */
  readonly wrote: { readonly html: string; readonly json: string };
}
