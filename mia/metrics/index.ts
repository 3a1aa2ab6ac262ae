// privkit/mia metrics — exact ROC-based metrics of membership-inference attacks; plain numbers, no tfjs.
export { rocCurve } from './rocCurve.js';
export type { RocCurve } from './rocCurve.js';
export { auc } from './auc.js';
export { tprAtFpr } from './tprAtFpr.js';
export { membershipAdvantage } from './membershipAdvantage.js';
export { balancedAccuracy } from './balancedAccuracy.js';
export { summarizeAttack } from './summarizeAttack.js';
export type { AttackSummary, AttackClassSummary, SummarizeAttackOptions } from './summarizeAttack.js';
export { downsampleRoc } from './downsampleRoc.js';
