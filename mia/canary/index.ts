// privkit/mia/canary — canary exposure and extraction (Carlini et al. 2019, "The Secret Sharer"):
// canary formats, the scorer interfaces a language model implements, exposure by enumeration and by
// skew-normal extrapolation, and beam-search extraction. Pure TypeScript, browser-safe, no tfjs.
export { parseCanaryFormat, fillCanary, randomCanary, canaryIndex } from './CanaryFormat.js';
export type { CanaryFormat, CanaryPart, CanaryTextPart, CanarySlotPart, ParseCanaryFormatOptions, RandomCanary } from './CanaryFormat.js';
export type { CandidateScorer, SlotScorer } from './CandidateScorer.js';
export { exposureByInterpolation, exposureAll } from './exposure.js';
export type { InterpolationExposure, ExposureAllResult, ExposureAllOptions } from './exposure.js';
export {
  skewNormalPdf,
  skewNormalLogPdf,
  skewNormalCdf,
  skewNormalLogCdf,
  skewNormalLogSf,
  sampleSkewNormal,
  fitSkewNormal,
} from './skewNormal.js';
export type { SkewNormalParameters, SkewNormalFit, SkewNormalStandardErrors, FitSkewNormalOptions } from './skewNormal.js';
export { exposureByExtrapolation, extrapolateExposure } from './exposureByExtrapolation.js';
export type { ExtrapolatedExposure, ExposureByExtrapolationResult, ExposureByExtrapolationOptions } from './exposureByExtrapolation.js';
export { extractSecret } from './extractSecret.js';
export type { ExtractedCandidate, SecretExtraction, ExtractSecretOptions } from './extractSecret.js';
export { canaryExposure } from './canaryExposure.js';
export type { CanaryExposureOptions, CanaryResult, CanaryExposureResult } from './canaryExposure.js';
// The character-level language model that canary audits train and score (browser-safe).
export {
  CharVocabulary,
  buildCharModel,
  charModelShape,
  CHAR_MODEL_DEFAULTS,
  charExamples,
  charSequenceLoss,
  trainCharModel,
  modelScorer,
} from './lm/index.js';
export type {
  CharVocabularyJSON,
  CharVocabularyOptions,
  CharModelOptions,
  CharExamples,
  CharExamplesOptions,
  TrainCharModelOptions,
  TrainedCharModel,
  CharDpOptions,
  CharEpochLogs,
  ModelScorer,
  ModelScorerOptions,
} from './lm/index.js';
