/** How shadow models are trained (the target's recipe, as far as the auditor knows it). */
export interface ShadowTrainingOptions {
  /** Passes over each shadow's training half. */
  readonly epochs: number;
  /** Examples per step (the last step of an epoch takes the remainder). */
  readonly batchSize: number;
  readonly learningRate: number;
  /** @defaultValue 'adam' */
  readonly optimizer?: 'adam' | 'sgd';
  /**
   * Train the shadows with DP-SGD (Poisson sampling at rate batchSize / |half|, the same wrapper as
   * `makePrivate`), to audit a DP-trained target against shadows trained the same way.
   * @defaultValue non-private
   */
  readonly dp?: { readonly noiseMultiplier: number; readonly maxGradNorm: number };
}

/** The population the shadows are trained on and the audit is run over. */
export interface MembershipData {
  /** Examples, row-major: example i is `x.subarray(i * size, (i + 1) * size)`, size = ∏ exampleShape. */
  readonly x: Float32Array;
  /** Labels, 0 ≤ y[i] < numClasses. */
  readonly y: Int32Array;
  readonly exampleShape: readonly number[];
  readonly numClasses: number;
}

/** Ways of querying a model: view 0 is the plain input; `flip` adds a horizontal mirror (images). */
export type QueryAugmentation = 'none' | 'flip';

/** Everything that determines the shadow models of an audit; equal settings ⇒ the same shadows. */
export interface ShadowSettings {
  /** The target's topology (Keras JSON); its weights do not matter. */
  readonly topology: object;
  readonly train: ShadowTrainingOptions;
  /** Number of shadow models. */
  readonly count: number;
  /** Seed of the IN masks and of every shadow's initialisation and batches. */
  readonly seed: number;
  readonly augmentation: QueryAugmentation;
  readonly data: MembershipData;
}
