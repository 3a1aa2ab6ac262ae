// privkit/mia/audit — the statistics of privacy auditing: exact binomial intervals, ε lower bounds
// from many training runs (Jagielski et al. 2020; GDP, Nasr et al. 2023) and from one run (Steinke,
// Nasr & Jagielski 2023), and the one-run audit of a DP-SGD training run with input-space canaries
// (auditDpTraining, tfjs). Browser-safe.
// clopperPearson lives in the shared numeric base (privkit/accountant); re-exported here under its name.
export { clopperPearson } from '../../accountant/index.js';
export type { ClopperPearsonInterval, ClopperPearsonSide } from '../../accountant/index.js';
export { auditMultiRun } from './auditMultiRun.js';
export type { AuditMultiRunOptions, MultiRunAudit } from './auditMultiRun.js';
export { epsilonLowerBound } from './epsilonLowerBound.js';
export type { EpsilonLowerBoundOptions } from './epsilonLowerBound.js';
export { auditOneRun } from './auditOneRun.js';
export type { AuditOneRunOptions, OneRunAudit, GuessCounts } from './auditOneRun.js';
export { auditDpTraining } from './auditDpTraining.js';
export type { AuditDpTrainingOptions, DpTrainingAudit, CanaryType } from './auditDpTraining.js';
