// privkit/accountant — privacy accounting with plain numbers; imports nothing else of privkit's, no tfjs.
export { PrivkitError } from './PrivkitError.js';
export type { PrivkitErrorCode } from './PrivkitError.js';
export {
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
  MAX_EVENT_DEPTH,
} from './DpEvent.js';
export type {
  DpEvent,
  GaussianEvent,
  LaplaceEvent,
  PoissonSampledEvent,
  SelfComposedEvent,
  ComposedEvent,
  NonPrivateEvent,
  NoOpEvent,
} from './DpEvent.js';
export type { PrivacyAccountant, LedgerEntry, AccountantState, AccountantKind } from './PrivacyAccountant.js';
export { RdpAccountant, MAX_RDP_ORDER } from './RdpAccountant.js';
export type { RdpAccountantOptions } from './RdpAccountant.js';
export { DEFAULT_RDP_ORDERS } from './defaultOrders.js';
export { epsilonFromRdp, deltaFromRdp } from './rdpConversion.js';
export type { EpsilonAtOrder, DeltaAtOrder } from './rdpConversion.js';
export { PldAccountant } from './PldAccountant.js';
export type { PldAccountantOptions } from './PldAccountant.js';
export { createAccountant, restoreAccountant } from './createAccountant.js';
export type { AccountantSpec } from './createAccountant.js';
export { calibrateNoiseMultiplier, dpSgdEpsilon, MIN_NOISE_MULTIPLIER } from './calibrateNoiseMultiplier.js';
export type { CalibrateNoiseOptions } from './calibrateNoiseMultiplier.js';
export { maxSteps } from './maxSteps.js';
export type { MaxStepsOptions } from './maxSteps.js';
export { stringifyJson, JSON_POSITIVE_INFINITY, JSON_NEGATIVE_INFINITY } from './base/json.js';

// ── numeric and validation base — shared by privkit's packages ───────────────────────────────────
// One home for each helper: other packages import these from here (never from accountant/base/*).
// Only what another package uses is exported; the rest of accountant/base/ (the Illinois search,
// log1mExp, logExpm1, logErfc) stays internal to the accountant.
export { logAddExp, logSubExp, log1pExp, logSumExp, logMeanExp } from './base/logMath.js';
export { ndtr, logNdtr, logNdtrUpper, logNormalPdf, ndtri } from './base/normal.js';
export { clopperPearson, clopperPearsonLower, clopperPearsonUpper } from './base/clopperPearson.js';
export type { ClopperPearsonInterval, ClopperPearsonSide } from './base/clopperPearson.js';
export { gaussLegendre } from './base/quadrature.js';
export type { QuadratureRule } from './base/quadrature.js';
export { seededUniform, streamSeed } from './base/random.js';
export {
  check,
  invalid,
  show,
  describeRange,
  requireInRange,
  requireOpenUnit,
  requireFraction,
  requireDelta,
  requirePositive,
  requireNonNegative,
  requireInteger,
  requireSeed,
  requireAtMost,
  requireOptions,
  requireArrayLike,
  requireFunction,
  requireString,
  requireBoolean,
  requireOneOf,
} from './base/check.js';
export type { Range } from './base/check.js';
