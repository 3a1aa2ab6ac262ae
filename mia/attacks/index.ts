// privkit/mia attacks — membership-inference attacks as pure functions of AttackData (plain typed arrays, no tfjs).
export type { AttackData, AttackName, AttackResult, ModelLogits, ShadowOutputs } from './AttackData.js';
export { ATTACK_NAMES, isAttackName } from './attackNames.js';
export { validateAttackData } from './validateAttackData.js';
export { minShadowModels } from './minShadowModels.js';
export { lossAttack } from './lossAttack.js';
export { liraStatistic } from './liraStatistic.js';
export { lira } from './lira.js';
export type { LiraOptions } from './lira.js';
export { liraOffline } from './liraOffline.js';
export { rmia } from './rmia.js';
export type { RmiaOptions } from './rmia.js';
export { shokri } from './shokri.js';
export type { ShokriOptions } from './shokri.js';
export { runAttack } from './runAttack.js';
export type { AttackOptionsMap } from './runAttack.js';
