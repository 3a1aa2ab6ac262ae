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
export { RdpAccountant } from './RdpAccountant.js';
export type { RdpAccountantOptions } from './RdpAccountant.js';
export { DEFAULT_RDP_ORDERS } from './defaultOrders.js';
export { epsilonFromRdp, deltaFromRdp } from './rdpConversion.js';
export type { EpsilonAtOrder, DeltaAtOrder } from './rdpConversion.js';
