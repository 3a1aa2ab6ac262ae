/**
 * What every membership-inference attack reads: the outputs of the target model and of the shadow
 * (reference) models on the n audited examples, with each shadow's IN mask. Plain typed arrays, no
 * tfjs, so attacks are pure functions that run anywhere and can be tested with hand-made numbers.
 *
 * "Logits" are defined up to an additive constant per row (softmax is shift-invariant): a model that
 * ends in softmax is queried for log-probabilities, which are valid logits.
 */

/** One model's outputs on the n audited examples, one array per query view. */
export interface ModelLogits {
  /**
   * `views[v][i * numClasses + c]` = logit of class c for example i under view v. View 0 is the plain
   * input; further views are augmentations (e.g. a horizontal flip), whose scores attacks average.
   */
  readonly views: readonly Float32Array[];
}

/** A shadow model's outputs and which examples it was trained on. */
export interface ShadowOutputs {
  readonly logits: ModelLogits;
  /** `inMask[i] === 1` when example i was in this shadow's training set, else 0. */
  readonly inMask: Uint8Array;
}

/** Everything an attack may read. */
export interface AttackData {
  readonly numExamples: number;
  readonly numClasses: number;
  /** True labels, 0 ≤ labels[i] < numClasses. */
  readonly labels: Int32Array;
  readonly target: ModelLogits;
  readonly shadows: readonly ShadowOutputs[];
}

/** The attacks privkit implements (names as on the command line). */
export type AttackName = 'loss' | 'shokri' | 'lira' | 'lira-offline' | 'rmia';

/** An attack's output: one score per audited example; higher = more likely a member. */
export interface AttackResult {
  readonly name: AttackName;
  readonly scores: Float64Array;
}
