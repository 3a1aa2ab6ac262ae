// privkit — everything public. Each name is listed explicitly (no `export *`).
export {
  PrivkitError,
  gaussian,
  laplace,
  poissonSampled,
  selfComposed,
  composed,
  nonPrivate,
  noOp,
  validateEvent,
  eventFromJSON,
  describeEvent,
  DP_EVENT_KINDS,
  RdpAccountant,
  DEFAULT_RDP_ORDERS,
  epsilonFromRdp,
  deltaFromRdp,
  PldAccountant,
  createAccountant,
  restoreAccountant,
  calibrateNoiseMultiplier,
  dpSgdEpsilon,
  maxSteps,
} from '../accountant/index.js';
export type {
  PrivkitErrorCode,
  DpEvent,
  GaussianEvent,
  LaplaceEvent,
  PoissonSampledEvent,
  SelfComposedEvent,
  ComposedEvent,
  NonPrivateEvent,
  NoOpEvent,
  PrivacyAccountant,
  LedgerEntry,
  AccountantState,
  AccountantKind,
  RdpAccountantOptions,
  EpsilonAtOrder,
  DeltaAtOrder,
  PldAccountantOptions,
  AccountantSpec,
  CalibrateNoiseOptions,
  MaxStepsOptions,
} from '../accountant/index.js';

// DP-SGD. Saving and loading checkpoints (file system) is in privkit/node.
export { makePrivate, restorePrivate } from './makePrivate.js';
export type { MakePrivateOptions, PrivateTraining, FitOptions, FitHistory, FitCallbacks } from './makePrivate.js';
export { fitProgressLines, formatEpsilon, formatDelta } from './optimizer/fitProgress.js';
export type { FitProgress, FitProgressOptions, FitProgressFactory } from './optimizer/fitProgress.js';
export type { PrivateTrainingState, TrainingSettings, TensorState } from './optimizer/trainingState.js';
export type { Randomness } from './optimizer/randomness.js';
export { DpOptimizer } from './optimizer/DpOptimizer.js';
export type { DpOptimizerOptions, StepInfo, StepResult, StepHooks, StageInfo } from './optimizer/DpOptimizer.js';
export { poissonBatches, PoissonSampler } from './optimizer/poissonBatches.js';
export type { SamplerRandomness } from './optimizer/poissonBatches.js';
export { gaussianNoise } from './optimizer/gaussianNoise.js';
export { clippedGradients, clipBatch } from './kernels/clippedGradients.js';
export { planClipping } from './kernels/ClippingPlan.js';
export type { ClippingPlan, PlanOptions } from './kernels/ClippingPlan.js';
export type { ClippingOptions, ClippedGradients, ClippingMode } from './kernels/clippedGradients.js';
export { registerLayerRule, registeredRule, supportedLayerClasses } from './kernels/layerRules.js';
export type { LayerRule } from './kernels/rules/LayerRule.js';
export { perExampleLoss, LOSS_NAMES } from './kernels/perExampleLoss.js';
export type { LossSpec } from './kernels/perExampleLoss.js';
export { useBackend, BACKEND_CHOICES } from './backend/useBackend.js';
export type { BackendChoice, ActiveBackend, UseBackendOptions, WasmPaths } from './backend/useBackend.js';
export { registerWasmKernels } from './kernels/wasm/registerWasmKernels.js';
