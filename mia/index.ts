// privkit/mia — membership-inference auditing: shadow models, attacks (loss, Shokri, LiRA, RMIA),
// metrics and reports. Browser-safe; the file cache, worker threads and report writer are in
// privkit/mia/node.
export { auditMembership, auditFromLogits, trainShadowModels, inProcessShadowRunner, membershipMask, checkModelMatchesData } from './auditMembership.js';
export type {
  AuditMembershipOptions,
  AttackReport,
  MembershipAudit,
  ShadowRunner,
  InProcessShadowRunnerOptions,
  TrainShadowModelsOptions,
} from './auditMembership.js';
export { shadowInMasks } from './shadow/shadowInMasks.js';
export { buildShadowModel } from './shadow/buildShadowModel.js';
export { trainShadowModel } from './shadow/trainShadowModel.js';
export type { ShadowJob, ShadowTrainingContext } from './shadow/trainShadowModel.js';
export { trainDenseBatch, batchedStages } from './shadow/batchedDenseTraining.js';
export { trainMissingShadows } from './shadow/trainMissingShadows.js';
export type { TrainMissingShadowsOptions } from './shadow/trainMissingShadows.js';
export { queryLogits, outputKind } from './shadow/queryLogits.js';
export type { OutputKind } from './shadow/queryLogits.js';
export { memoryShadowStore } from './shadow/ShadowStore.js';
export type { ShadowStore, StoredShadow } from './shadow/ShadowStore.js';
export type { ShadowTrainingOptions, MembershipData, QueryAugmentation, ShadowSettings } from './shadow/ShadowTrainingOptions.js';
export type { AttackData, AttackName, AttackResult, ModelLogits, ShadowOutputs } from './attacks/index.js';
export {
  ATTACK_NAMES,
  isAttackName,
  validateAttackData,
  minShadowModels,
  lossAttack,
  liraStatistic,
  lira,
  liraOffline,
  rmia,
  shokri,
  runAttack,
} from './attacks/index.js';
export type { LiraOptions, RmiaOptions, ShokriOptions, AttackOptionsMap } from './attacks/index.js';
export { rocCurve, auc, tprAtFpr, membershipAdvantage, balancedAccuracy, summarizeAttack, downsampleRoc } from './metrics/index.js';
export type { RocCurve, AttackSummary, AttackClassSummary, SummarizeAttackOptions } from './metrics/index.js';
export { rocChart, histogramChart, lineChart, barChart, renderSvg, renderReportHtml, stringifyReportJson, miaReportDocument } from './report/index.js';
export type { ReportDocument, ReportSection, ReportChart, ReportTable, MiaReportInput, MiaReportOptions, MiaAttackReport, MiaClassResult } from './report/index.js';
export {
  clopperPearson,
  auditMultiRun,
  epsilonLowerBound,
  auditOneRun,
  auditDpTraining,
} from './audit/index.js';
export type {
  ClopperPearsonInterval,
  ClopperPearsonSide,
  AuditMultiRunOptions,
  MultiRunAudit,
  EpsilonLowerBoundOptions,
  AuditOneRunOptions,
  OneRunAudit,
  GuessCounts,
  AuditDpTrainingOptions,
  DpTrainingAudit,
  CanaryType,
} from './audit/index.js';
