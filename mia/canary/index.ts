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
