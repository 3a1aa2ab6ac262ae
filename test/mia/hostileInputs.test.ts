/**
 * Bad-input sweep over every public function of privkit/mia (mia/index.ts; auditDpTraining has its own
 * tests): NaN, ±Infinity, 0, negative, huge, wrong type (string, null, undefined, object), wrong shape
 * or length. Each line is one call and its contract: a correct result, or a PrivkitError whose message
 * names the bad argument (see test/testing/_hostileInputs.ts). Adding a case is adding a line.
 *
 * `null` for an optional field of an options object means "not given" (the field's default), as `??`
 * reads it everywhere in privkit; a positional argument or a required field given as null is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe } from 'vitest';
import {
  ATTACK_NAMES,
  auc,
  auditFromLogits,
  auditMembership,
  auditMultiRun,
  auditOneRun,
  balancedAccuracy,
  barChart,
  batchedStages,
  buildShadowModel,
  checkModelMatchesData,
  clopperPearson,
  downsampleRoc,
  epsilonLowerBound,
  histogramChart,
  inProcessShadowRunner,
  isAttackName,
  lineChart,
  lira,
  liraOffline,
  liraStatistic,
  lossAttack,
  membershipAdvantage,
  membershipMask,
  memoryShadowStore,
  miaReportDocument,
  minShadowModels,
  outputKind,
  queryLogits,
  renderReportHtml,
  renderSvg,
  rmia,
  rocChart,
  rocCurve,
  runAttack,
  shadowInMasks,
  shokri,
  stringifyReportJson,
  summarizeAttack,
  tprAtFpr,
  trainDenseBatch,
  trainMissingShadows,
  trainShadowModel,
  trainShadowModels,
  validateAttackData,
  type AttackData,
  type MembershipData,
  type MiaReportInput,
  type ShadowTrainingOptions,
} from '../../mia/index.js';
import { refuses, returns, sweep, X, type Expectation, type HostileCase } from '../testing/_hostileInputs.js';

// ---- Fixtures: small valid inputs, each case breaks one thing. -------------------------------------

/** 4 examples, 2 classes, 2 complementary shadows: every example IN for one shadow and OUT for the other. */
function attackData(patch: Partial<Record<keyof AttackData, unknown>> = {}): AttackData {
  return {
    numExamples: 4,
    numClasses: 2,
    labels: Int32Array.of(0, 1, 0, 1),
    target: { views: [Float32Array.of(2, 0, 0, 1, 1, 0, 0, 3)] },
    shadows: [
      { logits: { views: [Float32Array.of(1, 0, 0, 1, 1, 1, 0, 2)] }, inMask: Uint8Array.of(1, 0, 1, 0) },
      { logits: { views: [Float32Array.of(0, 0, 0, 2, 2, 0, 1, 2)] }, inMask: Uint8Array.of(0, 1, 0, 1) },
    ],
    ...patch,
  } as AttackData;
}
const withShadow = (patch: Record<string, unknown>): AttackData => {
  const base = attackData();
  return attackData({ shadows: [{ ...base.shadows[0], ...patch }, base.shadows[1]] });
};
const SCORES = [0.9, 0.8, 0.8, 0.1];
const MEMBER = [1, 0, 1, 0];
const ROC = rocCurve(SCORES, MEMBER);
const rocWith = (patch: Record<string, unknown>) => X({ ...ROC, ...patch });
const isFraction = (x: number) => x >= 0 && x <= 1;

const TRAIN: ShadowTrainingOptions = { epochs: 1, batchSize: 4, learningRate: 0.01 };
const N = 8;
function population(patch: Partial<Record<keyof MembershipData, unknown>> = {}): MembershipData {
  const x = Float32Array.from({ length: N * 3 }, (_, i) => Math.sin(i));
  return { x, y: Int32Array.of(0, 1, 0, 1, 0, 1, 0, 1), exampleShape: [3], numClasses: 2, ...patch } as MembershipData;
}
let model: tf.LayersModel;
let sigmoidModel: tf.LayersModel;
let xAll: tf.Tensor;
let yAll: tf.Tensor1D;
beforeAll(() => {
  model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) })] });
  sigmoidModel = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, activation: 'sigmoid' })] });
  xAll = tf.tensor2d(population().x, [N, 3]);
  yAll = tf.tensor1d(population().y, 'int32');
});
const topology = () => model.toJSON(null, false) as object;
const ctx = (patch: Record<string, unknown> = {}) => X({ topology: topology(), x: xAll, y: yAll, train: TRAIN, ...patch });
const trainCtx = (train: Record<string, unknown>) => ctx({ train: { ...TRAIN, ...train } });
const MASK = Uint8Array.of(1, 0, 1, 0, 1, 0, 1, 0);
const job = (patch: Record<string, unknown> = {}) => X({ index: 0, seed: 3, mask: MASK, ...patch });
const audit = (patch: Record<string, unknown> = {}) =>
  X({ targetModel: model, data: population(), members: [0, 1, 2], attacks: ['loss'], shadow: { count: 2, train: TRAIN }, ...patch });
const auditShadow = (patch: Record<string, unknown>) => audit({ shadow: { count: 2, train: TRAIN, ...patch } });
const auditTrain = (patch: Record<string, unknown>) => auditShadow({ train: { ...TRAIN, ...patch } });

function reportInput(patch: Record<string, unknown> = {}, attack: Record<string, unknown> = {}): MiaReportInput {
  return {
    attacks: [{ name: 'lira', auc: 0.75, tprAtFpr: { '0.001': 0.5 }, advantage: 0.5, roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1] }, memberScores: [1, 2], nonMemberScores: [0, 1], ...attack }],
    members: 2,
    nonMembers: 2,
    shadowModels: 2,
    settings: {},
    ...patch,
  } as MiaReportInput;
}
const doc = (patch: Record<string, unknown> = {}) =>
  X({ title: 'T', generatedAt: '2024-01-01T00:00:00Z', sections: [{ title: 'S', explanation: 'E', charts: [], tables: [{ columns: ['a'], rows: [[1]] }] }], settings: {}, ...patch });

/** Cases for each value of `values`: `call(value)` must be refused naming `names`. */
function each(label: string, values: readonly unknown[], call: (value: never) => unknown, names: string, expectation: Expectation = refuses(names)): HostileCase[] {
  return values.map((v): HostileCase => [`${label} = ${describe_(v)}`, () => call(v as never), expectation]);
}
function describe_(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `[${Array.from(v, (e) => describe_(e)).join(', ')}]`;
  try {
    const s = JSON.stringify(v);
    return s.length > 40 ? `${s.slice(0, 37)}…` : s;
  } catch {
    return String(v);
  }
}

const NOT_NUMBERS = [NaN, Infinity, -Infinity, '1', null, undefined, {}];
const NOT_ARRAYS = [null, undefined, 'abc', 5, {}];
const NOT_OPTIONS = [null, 'abc', 5];
const NOT_COUNTS = [NaN, Infinity, -1, 1.5, 1e300, '2', null, {}];
const NOT_UNIT_OPEN = [0, 1, -0.1, 1.5, NaN, Infinity, '0.95'];
const NOT_DELTAS = [1, -0.1, 1.5, NaN, Infinity, '0', null, undefined];
const NOT_SEEDS = [NaN, -1, 1.5, 2 ** 32, Infinity, 'abc', {}];

const cases: HostileCase[] = [
  // ---- metrics --------------------------------------------------------------------------------------
  ['rocCurve: valid', () => rocCurve(SCORES, MEMBER), returns((r: { tpr: Float64Array }) => r.tpr[r.tpr.length - 1] === 1)],
  ['rocCurve: ±Infinity scores are allowed', () => rocCurve([Infinity, -Infinity], [1, 0]), returns((r: { fpr: Float64Array }) => r.fpr.length === 3)],
  ...each('rocCurve: scores', NOT_ARRAYS, (v) => rocCurve(v, MEMBER), 'scores'),
  ...each('rocCurve: isMember', NOT_ARRAYS, (v) => rocCurve(SCORES, v), 'isMember'),
  ['rocCurve: lengths differ', () => rocCurve(SCORES, [1, 0]), refuses('isMember')],
  ['rocCurve: empty arrays', () => rocCurve([], []), refuses('isMember')],
  ['rocCurve: a NaN score', () => rocCurve([0.1, NaN], [1, 0]), refuses('scores')],
  ['rocCurve: a string score', () => rocCurve(X([0.1, '0.2']), [1, 0]), refuses('scores')],
  ['rocCurve: a sparse score array', () => rocCurve(X([0.1, , 0.3]), [1, 0, 1]), refuses('scores')],
  ['rocCurve: isMember = 2', () => rocCurve([0.1, 0.2], [1, 2]), refuses('isMember')],
  ['rocCurve: no non-member', () => rocCurve([0.1, 0.2], [1, 1]), refuses('isMember')],
  ['auc: valid', () => auc(SCORES, MEMBER), returns((r: number) => r === 0.875)],
  ...each('auc: scores', NOT_ARRAYS, (v) => auc(v, MEMBER), 'scores'),
  ['auc: isMember as probabilities', () => auc(SCORES, [0.9, 0.1, 0.8, 0.2]), refuses('isMember')],
  ['tprAtFpr: valid', () => tprAtFpr(ROC, 0.5), returns((r: number) => r === 1)],
  ...each('tprAtFpr: fpr', [NaN, -0.1, 1.5, Infinity, -Infinity, '0.1', null, undefined], (v) => tprAtFpr(ROC, v), 'fpr'),
  ...each('tprAtFpr: roc', [null, undefined, 'roc', 5, {}], (v) => tprAtFpr(v, 0.1), 'roc'),
  ['tprAtFpr: roc arrays of different lengths', () => tprAtFpr(rocWith({ tpr: [0, 1] }), 0.1), refuses('roc')],
  ['tprAtFpr: roc with a NaN rate', () => tprAtFpr(rocWith({ fpr: Float64Array.of(0, NaN, 1, 1) }), 0.1), refuses('roc.fpr')],
  ['tprAtFpr: empty roc', () => tprAtFpr(X({ fpr: [], tpr: [], thresholds: [] }), 0.1), refuses('roc')],
  ['tprAtFpr: decreasing fpr', () => tprAtFpr(rocWith({ fpr: Float64Array.of(0, 1, 0.5, 1) }), 0.1), refuses('roc.fpr')],
  ['membershipAdvantage: valid', () => membershipAdvantage(ROC), returns((r: number) => r === 0.5)],
  ...each('membershipAdvantage: roc', [null, undefined, 'roc', 5, {}], (v) => membershipAdvantage(v), 'roc'),
  ['balancedAccuracy: valid', () => balancedAccuracy(ROC), returns((r: number) => r === 0.75)],
  ...each('balancedAccuracy: roc', [null, undefined, 'roc', {}], (v) => balancedAccuracy(v), 'roc'),
  ['downsampleRoc: valid', () => downsampleRoc(ROC, 4), returns((r: { fpr: Float64Array }) => r.fpr.length === 4)],
  ['downsampleRoc: huge maxPoints copies', () => downsampleRoc(ROC, 1e12), returns((r: { fpr: Float64Array }) => r.fpr.length === 4)],
  ...each('downsampleRoc: maxPoints', [0, 3, -1, 4.5, NaN, Infinity, '400', null], (v) => downsampleRoc(ROC, v), 'maxPoints'),
  ...each('downsampleRoc: roc', [null, 'roc', {}], (v) => downsampleRoc(v), 'roc'),
  ['summarizeAttack: valid', () => summarizeAttack(SCORES, MEMBER, { labels: [0, 1, 0, 1] }), returns((r: { auc: number; perClass: unknown[] }) => r.auc === 0.875 && r.perClass.length === 2)],
  ...each('summarizeAttack: options', NOT_OPTIONS, (v) => summarizeAttack(SCORES, MEMBER, v), 'options'),
  ...each('summarizeAttack: fprs', [[NaN], [1.5], [-1], 'abc', 5, [null]], (v) => summarizeAttack(SCORES, MEMBER, { fprs: v }), 'fprs'),
  ...each('summarizeAttack: labels', [[0, 1], [0.5, 1, 0, 1], [NaN, 1, 0, 1], 'abcd', 5, null], (v) => summarizeAttack(SCORES, MEMBER, { labels: v }), 'labels'),
  ...each('summarizeAttack: scores', NOT_ARRAYS, (v) => summarizeAttack(v, MEMBER), 'scores'),

  // ---- audit statistics ------------------------------------------------------------------------------
  ['clopperPearson: valid', () => clopperPearson(3, 100, 0.95, 'two-sided'), returns((r: { lower: number; upper: number }) => r.lower > 0.006 && r.upper < 0.086)],
  ['clopperPearson: huge trials', () => clopperPearson(1, Number.MAX_SAFE_INTEGER, 0.95, 'upper'), returns((r: { lower: number; upper: number }) => r.upper > 0 && r.upper < 1e-14)],
  ['clopperPearson: 0 of 1', () => clopperPearson(0, 1, 0.95, 'lower'), returns((r: { lower: number; upper: number }) => r.lower === 0 && r.upper === 1)],
  ...each('clopperPearson: successes', [...NOT_COUNTS, 101], (v) => clopperPearson(v, 100, 0.95, 'upper'), 'successes'),
  ...each('clopperPearson: trials', [...NOT_COUNTS, 0], (v) => clopperPearson(0, v, 0.95, 'upper'), 'trials'),
  ...each('clopperPearson: confidence', [...NOT_UNIT_OPEN, null, undefined], (v) => clopperPearson(1, 10, v, 'upper'), 'confidence'),
  ...each('clopperPearson: side', ['both', null, undefined, 1], (v) => clopperPearson(1, 10, 0.95, v), 'side'),
  ['epsilonLowerBound: valid', () => epsilonLowerBound({ guesses: 200, correct: 180, canaries: 1000, delta: 1e-5 }), returns((r: number) => r > 1.7 && r < 1.9)],
  ['epsilonLowerBound: huge, all right', () => epsilonLowerBound({ guesses: 1e6, correct: 1e6, canaries: 1e6, delta: 1e-5 }), returns((r: number) => Number.isFinite(r) && r > 0)],
  ['epsilonLowerBound: 2^53 − 1 canaries', () => epsilonLowerBound({ guesses: 10, correct: 10, canaries: Number.MAX_SAFE_INTEGER, delta: 0 }), returns((r: number) => Number.isFinite(r) && r > 0)],
  ...each('epsilonLowerBound: options', [null, undefined, 'abc', 5], (v) => epsilonLowerBound(v), 'options'),
  ...each('epsilonLowerBound: canaries', [...NOT_COUNTS, 0], (v) => epsilonLowerBound(X({ guesses: 0, correct: 0, canaries: v, delta: 0 })), 'canaries'),
  ...each('epsilonLowerBound: guesses', [...NOT_COUNTS, 11], (v) => epsilonLowerBound(X({ guesses: v, correct: 0, canaries: 10, delta: 0 })), 'guesses'),
  ...each('epsilonLowerBound: correct', [...NOT_COUNTS, 6], (v) => epsilonLowerBound(X({ guesses: 5, correct: v, canaries: 10, delta: 0 })), 'correct'),
  ...each('epsilonLowerBound: delta', NOT_DELTAS, (v) => epsilonLowerBound(X({ guesses: 5, correct: 5, canaries: 10, delta: v })), 'delta'),
  ...each('epsilonLowerBound: confidence', NOT_UNIT_OPEN, (v) => epsilonLowerBound(X({ guesses: 5, correct: 5, canaries: 10, delta: 0, confidence: v })), 'confidence'),
  ['auditMultiRun: valid', () => auditMultiRun({ falsePositives: 5, negatives: 1000, falseNegatives: 40, positives: 1000, delta: 1e-5 }), returns((r: { epsilonLowerBound: number }) => r.epsilonLowerBound > 4 && r.epsilonLowerBound < 5)],
  ['auditMultiRun: δ = 0, perfect test', () => auditMultiRun({ falsePositives: 0, negatives: 10, falseNegatives: 0, positives: 10, delta: 0 }), returns((r: { epsilonLowerBound: number; gdp: { epsilonLowerBound: number } }) => r.epsilonLowerBound > 0)],
  ...each('auditMultiRun: options', [null, undefined, 'abc'], (v) => auditMultiRun(v), 'options'),
  ...each('auditMultiRun: negatives', [...NOT_COUNTS, 0], (v) => auditMultiRun(X({ falsePositives: 0, negatives: v, falseNegatives: 0, positives: 10, delta: 0 })), 'negatives'),
  ...each('auditMultiRun: falsePositives', [...NOT_COUNTS, 11], (v) => auditMultiRun(X({ falsePositives: v, negatives: 10, falseNegatives: 0, positives: 10, delta: 0 })), 'falsePositives'),
  ...each('auditMultiRun: positives', [...NOT_COUNTS, 0], (v) => auditMultiRun(X({ falsePositives: 0, negatives: 10, falseNegatives: 0, positives: v, delta: 0 })), 'positives'),
  ...each('auditMultiRun: falseNegatives', [...NOT_COUNTS, 11], (v) => auditMultiRun(X({ falsePositives: 0, negatives: 10, falseNegatives: v, positives: 10, delta: 0 })), 'falseNegatives'),
  ...each('auditMultiRun: delta', NOT_DELTAS, (v) => auditMultiRun(X({ falsePositives: 0, negatives: 10, falseNegatives: 0, positives: 10, delta: v })), 'delta'),
  ...each('auditMultiRun: confidence', NOT_UNIT_OPEN, (v) => auditMultiRun(X({ falsePositives: 0, negatives: 10, falseNegatives: 0, positives: 10, delta: 0, confidence: v })), 'confidence'),
  ['auditOneRun: valid', () => auditOneRun({ scores: [3, 2, 1, 0], included: [true, true, false, false], delta: 0 }), returns((r: { canaries: number }) => r.canaries === 4)],
  ['auditOneRun: 100 000 canaries', () => auditOneRun({ scores: Float64Array.from({ length: 1e5 }, (_, i) => i), included: Uint8Array.from({ length: 1e5 }, (_, i) => (i >= 5e4 ? 1 : 0)), delta: 1e-5 }), returns((r: { epsilonLowerBound: number }) => r.epsilonLowerBound > 1)],
  ...each('auditOneRun: options', [null, undefined, 'abc'], (v) => auditOneRun(v), 'options'),
  ...each('auditOneRun: scores', [null, undefined, 'abcd', 5, {}], (v) => auditOneRun(X({ scores: v, included: [1, 0, 1, 0], delta: 0 })), 'scores'),
  ...each('auditOneRun: included', [null, 'abcd', 5, [1, 0], [1, 0, 2, 0], [1, 0, NaN, 0]], (v) => auditOneRun(X({ scores: [1, 2, 3, 4], included: v, delta: 0 })), 'included'),
  ['auditOneRun: empty', () => auditOneRun({ scores: [], included: [], delta: 0 }), refuses('scores')],
  ...each('auditOneRun: a score', [NaN, Infinity, '1', null], (v) => auditOneRun(X({ scores: [1, v, 3, 4], included: [1, 0, 1, 0], delta: 0 })), 'scores'),
  ...each('auditOneRun: delta', NOT_DELTAS, (v) => auditOneRun(X({ scores: [1, 2], included: [1, 0], delta: v })), 'delta'),
  ...each('auditOneRun: confidence', NOT_UNIT_OPEN, (v) => auditOneRun(X({ scores: [1, 2], included: [1, 0], delta: 0, confidence: v })), 'confidence'),
  ...each(
    'auditOneRun: guessGrid',
    [[], 'abc', [null], [{ kPlus: -1, kMinus: 0 }], [{ kPlus: 1.5, kMinus: 0 }], [{ kPlus: 3, kMinus: 0 }], [{ kPlus: NaN, kMinus: 0 }], [{}]],
    (v) => auditOneRun(X({ scores: [1, 2], included: [1, 0], delta: 0, guessGrid: v })),
    'guessGrid',
  ),

  // ---- attacks --------------------------------------------------------------------------------------
  ['validateAttackData: valid', () => validateAttackData(attackData()), returns()],
  ...each('validateAttackData: data', [null, undefined, 'abc', 5], (v) => validateAttackData(v), 'data'),
  ...each('validateAttackData: numExamples', [0, -1, 1.5, NaN, Infinity, 1e12, '4', null], (v) => validateAttackData(attackData({ numExamples: v })), 'numExamples'),
  ...each('validateAttackData: numClasses', [1, 0, 1.5, NaN, Infinity, '2', null], (v) => validateAttackData(attackData({ numClasses: v })), 'numClasses'),
  ...each('validateAttackData: labels', [null, 'abcd', Int32Array.of(0, 1), Int32Array.of(0, 1, 2, 0), [0, 1, -1, 0], [0, 1, 0.5, 0], [0, 1, NaN, 0]], (v) => validateAttackData(attackData({ labels: v })), 'labels'),
  ...each('validateAttackData: target', [null, 'abc', {}, { views: [] }, { views: 'abc' }, { views: [null] }, { views: [Float32Array.of(1, 2)] }], (v) => validateAttackData(attackData({ target: v })), 'target'),
  ['validateAttackData: a NaN target logit', () => validateAttackData(attackData({ target: { views: [Float32Array.of(2, 0, 0, NaN, 1, 0, 0, 3)] } })), refuses('target')],
  ['validateAttackData: an Infinity target logit', () => validateAttackData(attackData({ target: { views: [Float32Array.of(2, 0, 0, Infinity, 1, 0, 0, 3)] } })), refuses('target')],
  ...each('validateAttackData: shadows', [null, 'abc', 5, {}], (v) => validateAttackData(attackData({ shadows: v })), 'shadows'),
  ...each('validateAttackData: a shadow', [null, 'abc', 5], (v) => validateAttackData(attackData({ shadows: [v] })), 'shadow 0'),
  ...each('validateAttackData: inMask', [null, 'abcd', Uint8Array.of(1, 0), Uint8Array.of(1, 0, 2, 0), [1, 0, 0.5, 0]], (v) => validateAttackData(withShadow({ inMask: v })), 'inMask'),
  ['validateAttackData: shadow with 2 views, target 1', () => validateAttackData(withShadow({ logits: { views: [new Float32Array(8), new Float32Array(8)] } })), refuses('shadow 0')],
  ['lossAttack: valid', () => lossAttack(attackData()), returns((r: { scores: Float64Array }) => r.scores.every((s) => s <= 0))],
  ...each('lossAttack: data', [null, undefined, 'abc'], (v) => lossAttack(v), 'data'),
  ['liraStatistic: valid', () => liraStatistic([Math.log(0.9), Math.log(0.05), Math.log(0.05)], 0), returns((r: number) => Math.abs(r - Math.log(9)) < 1e-12)],
  ...each('liraStatistic: logits', [null, undefined, 5, 'ab', {}, [1], []], (v) => liraStatistic(v, 0), 'logits'),
  ...each('liraStatistic: a logit', [NaN, Infinity, -Infinity, '1', null], (v) => liraStatistic(X([0, v, 1]), 0), 'logits'),
  ...each('liraStatistic: label', [2, -1, 0.5, NaN, Infinity, '0', null, undefined], (v) => liraStatistic([0, 1], v), 'label'),
  ['lira: valid', () => lira(attackData()), returns((r: { scores: Float64Array }) => r.scores.length === 4)],
  ...each('lira: options', NOT_OPTIONS, (v) => lira(attackData(), v), 'options'),
  ...each('lira: variance', ['bogus', 5, null], (v) => lira(attackData(), { variance: v }), 'variance'),
  ...each('lira: minStd', [0, -1, NaN, Infinity, '1e-6', null], (v) => lira(attackData(), { minStd: v }), 'minStd'),
  ['lira: one shadow', () => lira(attackData({ shadows: attackData().shadows.slice(0, 1) })), refuses('shadow')],
  ['lira: per-example variance with 1 IN shadow', () => lira(attackData(), { variance: 'per-example' }), refuses('per-example')],
  ...each('lira: data', [null, 'abc'], (v) => lira(v), 'data'),
  ['liraOffline: valid', () => liraOffline(attackData()), returns((r: { scores: Float64Array }) => r.scores.every((s) => s >= 0))],
  ...each('liraOffline: options', NOT_OPTIONS, (v) => liraOffline(attackData(), v), 'options'),
  ...each('liraOffline: minStd', [0, NaN, Infinity], (v) => liraOffline(attackData(), { minStd: v }), 'minStd'),
  ['liraOffline: no shadow', () => liraOffline(attackData({ shadows: [] })), refuses('shadow')],
  ['rmia: valid', () => rmia(attackData()), returns((r: { scores: Float64Array }) => r.scores.every(isFraction))],
  ...each('rmia: options', NOT_OPTIONS, (v) => rmia(attackData(), v), 'options'),
  ...each('rmia: mode', ['bogus', 5, null], (v) => rmia(attackData(), { mode: v }), 'mode'),
  ...each('rmia: gamma', [0, -1, NaN, Infinity, '2', null], (v) => rmia(attackData(), { gamma: v }), 'gamma'),
  ...each('rmia: a', [-0.1, 1.5, NaN, Infinity, '0.3', null], (v) => rmia(attackData(), { a: v }), '`a`'),
  ...each('rmia: populationIndices', [[0], [0, 0], [0, 9], [0, -1], [0, 0.5], [0, NaN], 'abc', 5, null], (v) => rmia(attackData(), { populationIndices: v }), 'populationIndices'),
  ['shokri: valid', () => shokri(attackData(), { epochs: 5 }), returns((r: { scores: Float64Array }) => r.scores.every(isFraction))],
  ...each('shokri: options', NOT_OPTIONS, (v) => shokri(attackData(), v), 'options'),
  ...each('shokri: seed', NOT_SEEDS, (v) => shokri(attackData(), { seed: v, epochs: 1 }), 'seed'),
  ...each('shokri: hiddenUnits', [-1, 1.5, 2000, NaN, '8', null], (v) => shokri(attackData(), { hiddenUnits: v, epochs: 1 }), 'hiddenUnits'),
  ...each('shokri: epochs', [0, -1, 1.5, NaN, Infinity, 1e300, '5', null], (v) => shokri(attackData(), { epochs: v }), 'epochs'),
  ...each('shokri: learningRate', [0, -1, NaN, Infinity, '0.01', null], (v) => shokri(attackData(), { learningRate: v, epochs: 1 }), 'learningRate'),
  ...each('shokri: l2', [-1, NaN, Infinity, '0', null], (v) => shokri(attackData(), { l2: v, epochs: 1 }), 'l2'),
  ...each('shokri: minClassRows', [0, -1, 1.5, NaN, null], (v) => shokri(attackData(), { minClassRows: v, epochs: 1 }), 'minClassRows'),
  ...each('shokri: maxTrainingRows', [1, 0, 1.5, NaN, null], (v) => shokri(attackData(), { maxTrainingRows: v, epochs: 1 }), 'maxTrainingRows'),
  ['shokri: every shadow row IN', () => shokri(attackData({ shadows: [withShadow({ inMask: Uint8Array.of(1, 1, 1, 1) }).shadows[0]] }), { epochs: 1 }), refuses('IN and OUT')],
  ['runAttack: valid', () => runAttack('loss', attackData()), returns((r: { name: string }) => r.name === 'loss')],
  ...each('runAttack: name', ['bogus', null, undefined, 5, {}], (v) => runAttack(v, attackData()), 'attack'),
  ...each('runAttack: lira options', NOT_OPTIONS, (v) => runAttack('lira', attackData(), v), 'options'),
  ['minShadowModels: lira', () => minShadowModels('lira'), returns((r: number) => r === 2)],
  ...each('minShadowModels: name', ['bogus', null, undefined, 5], (v) => minShadowModels(v), 'attack'),
  ...[null, undefined, 5, {}, 'LIRA', 'lira '].map((v): HostileCase => [`isAttackName(${describe_(v)}) is false`, () => isAttackName(v), returns((r: boolean) => r === false)]),
  ['ATTACK_NAMES is frozen', () => Object.isFrozen(ATTACK_NAMES), returns((r: boolean) => r)],

  // ---- audits of a model ------------------------------------------------------------------------------
  ['membershipMask: valid', () => membershipMask([0, 2], 4), returns((r: Uint8Array) => r.join('') === '1010')],
  ...each('membershipMask: members', [null, undefined, 5, {}], (v) => membershipMask(v, 4), 'members'),
  ...each('membershipMask: a member', [[0.5], [-1], [4], [NaN], ['1'], [null]], (v) => membershipMask(v, 4), 'member index'),
  ['membershipMask: a repeated member', () => membershipMask([1, 1], 4), refuses('member index 1')],
  ['membershipMask: no member', () => membershipMask([], 4), refuses('members')],
  ['membershipMask: every row a member', () => membershipMask([0, 1, 2, 3], 4), refuses('members')],
  ...each('membershipMask: numExamples', [NaN, -1, 1.5, Infinity, 1e12, '4', null, 0], (v) => membershipMask([0], v), 'numExamples'),
  ['checkModelMatchesData: valid', () => checkModelMatchesData(model, population()), returns()],
  ...each('checkModelMatchesData: model', [null, undefined, 'abc', {}], (v) => checkModelMatchesData(v, population()), 'model'),
  ...each('checkModelMatchesData: data', [null, undefined, 'abc'], (v) => checkModelMatchesData(model, v), 'data'),
  ['checkModelMatchesData: wrong example shape', () => checkModelMatchesData(model, population({ exampleShape: [4] })), refuses('shaped')],
  ['checkModelMatchesData: wrong class count', () => checkModelMatchesData(model, population({ numClasses: 3 })), refuses('classes')],
  ['checkModelMatchesData: a sigmoid model', () => checkModelMatchesData(sigmoidModel, population()), refuses('outputs')],
  ...each('checkModelMatchesData: exampleShape', [null, 'abc', [-3], [NaN]], (v) => checkModelMatchesData(model, population({ exampleShape: v })), 'exampleShape'),
  ...each('checkModelMatchesData: numClasses', [null, NaN, 1.5, 0], (v) => checkModelMatchesData(model, population({ numClasses: v })), 'numClasses'),
  ['checkModelMatchesData: one class', () => checkModelMatchesData(model, population({ numClasses: 1 })), refuses('1 classes')],
  ['auditFromLogits: valid', () => auditFromLogits(attackData(), Uint8Array.of(1, 0, 1, 0), { attacks: ['loss', 'lira'] }), returns((r: { attacks: unknown[] }) => r.attacks.length === 2)],
  ...each('auditFromLogits: data', [null, undefined, 'abc'], (v) => auditFromLogits(v, Uint8Array.of(1, 0, 1, 0)), 'data'),
  ...each('auditFromLogits: isMember', [null, undefined, 'abcd', Uint8Array.of(1, 0), [1, 0, 2, 0]], (v) => auditFromLogits(attackData(), v, { attacks: ['loss'] }), 'isMember'),
  ['auditFromLogits: isMember with no non-member', () => auditFromLogits(attackData(), Uint8Array.of(1, 1, 1, 1), { attacks: ['loss'] }), refuses('isMember')],
  ...each('auditFromLogits: options', NOT_OPTIONS, (v) => auditFromLogits(attackData(), Uint8Array.of(1, 0, 1, 0), v), 'options'),
  ...each('auditFromLogits: attacks', [[], ['bogus'], 'lira', 5, [null]], (v) => auditFromLogits(attackData(), Uint8Array.of(1, 0, 1, 0), { attacks: v }), 'attack'),
  ['auditFromLogits: bad attack options', () => auditFromLogits(attackData(), Uint8Array.of(1, 0, 1, 0), X({ attacks: ['lira'], attackOptions: { lira: { minStd: -1 } } })), refuses('minStd')],
  ['auditFromLogits: attackOptions not an object', () => auditFromLogits(attackData(), Uint8Array.of(1, 0, 1, 0), X({ attacks: ['lira'], attackOptions: 'abc' })), refuses('attackOptions')],
  ['auditMembership: valid (2 shadows, 1 epoch, loss)', () => auditMembership(audit()), returns((r: { attacks: { auc: number }[] }) => isFraction(r.attacks[0].auc))],
  ...each('auditMembership: options', [null, undefined, 'abc'], (v) => auditMembership(v), 'options'),
  ...each('auditMembership: targetModel', [null, undefined, 'abc', {}], (v) => auditMembership(audit({ targetModel: v })), 'targetModel'),
  ...each('auditMembership: data', [null, undefined, 'abc'], (v) => auditMembership(audit({ data: v })), 'data'),
  ...each('auditMembership: data.x', [null, 'abc', new Float32Array(5), Float32Array.of(NaN, ...new Float32Array(23))], (v) => auditMembership(audit({ data: population({ x: v }) })), 'data.x'),
  ...each('auditMembership: data.y', [null, 'abc', Int32Array.of(0, 1), Int32Array.of(0)], (v) => auditMembership(audit({ data: population({ y: v }) })), 'data.y'),
  ...each('auditMembership: a label', [Int32Array.of(0, 1, 0, 1, 0, 1, 0, 2), [0, 1, 0, 1, 0, 1, 0, 0.5], [0, 1, 0, 1, 0, 1, 0, -1], [0, 1, 0, 1, 0, 1, 0, NaN]], (v) => auditMembership(audit({ data: population({ y: v }) })), 'labels[7]'),
  ...each('auditMembership: data.exampleShape', [null, 'abc', [-3], [1.5], []], (v) => auditMembership(audit({ data: population({ exampleShape: v }) })), 'exampleShape'),
  ...each('auditMembership: data.numClasses', [1, 0, NaN, 1.5, '2', null], (v) => auditMembership(audit({ data: population({ numClasses: v }) })), 'numClasses'),
  ...each('auditMembership: members', [null, undefined, 5], (v) => auditMembership(audit({ members: v })), 'members'),
  ['auditMembership: a member out of range', () => auditMembership(audit({ members: [0, 8] })), refuses('member index')],
  ...each('auditMembership: shadow', [null, undefined, 'abc'], (v) => auditMembership(audit({ shadow: v })), 'shadow'),
  ...each('auditMembership: shadow.count', [0, -1, 1.5, NaN, Infinity, 1e12, '2', null], (v) => auditMembership(auditShadow({ count: v })), 'shadowModels'),
  ...each('auditMembership: shadow.train', [null, undefined, 'abc'], (v) => auditMembership(auditShadow({ train: v })), 'train'),
  ...each('auditMembership: epochs', [0, -1, 1.5, NaN, Infinity, 1e300, '1', null], (v) => auditMembership(auditTrain({ epochs: v })), 'epochs'),
  ...each('auditMembership: batchSize', [0, -1, 1.5, NaN, Infinity, '4', null], (v) => auditMembership(auditTrain({ batchSize: v })), 'batchSize'),
  ...each('auditMembership: learningRate', [0, -1, NaN, Infinity, '0.01', null], (v) => auditMembership(auditTrain({ learningRate: v })), 'learningRate'),
  ...each('auditMembership: optimizer', ['bogus', 5], (v) => auditMembership(auditTrain({ optimizer: v })), 'optimizer'),
  ['auditMembership: dp = null is non-private', () => auditMembership(auditTrain({ dp: null })), returns((r: { shadowModels: number }) => r.shadowModels === 2)],
  ...each('auditMembership: dp', ['abc', { noiseMultiplier: NaN, maxGradNorm: 1 }, { noiseMultiplier: 1, maxGradNorm: 0 }, { noiseMultiplier: -1, maxGradNorm: 1 }], (v) => auditMembership(auditTrain({ dp: v })), 'dp'),
  ...each('auditMembership: runner', ['abc', 5, {}], (v) => auditMembership(auditShadow({ runner: v })), 'runner'),
  ...each('auditMembership: augmentation', ['bogus', 5], (v) => auditMembership(audit({ augmentation: v })), 'augmentation'),
  ['auditMembership: flip on vectors', () => auditMembership(audit({ augmentation: 'flip' })), refuses('flip')],
  ...each('auditMembership: seed', NOT_SEEDS, (v) => auditMembership(audit({ seed: v })), 'seed'),
  ...each('auditMembership: attacks', [[], ['bogus'], 'lira', 5], (v) => auditMembership(audit({ attacks: v })), 'attack'),
  ['auditMembership: lira with 1 shadow', () => auditMembership(audit({ attacks: ['lira'], shadow: { count: 1, train: TRAIN } })), refuses('lira')],
  ...each('trainShadowModels: shard', [{ index: -1, count: 2 }, { index: 2, count: 2 }, { index: 0.5, count: 2 }, { index: 1e20, count: 1e21 }, { index: 0, count: NaN }, 'abc', 5], (v) => trainShadowModels(audit({ shard: v })), 'shard'),
  ['trainShadowModels: valid shard', () => trainShadowModels(audit({ shard: { index: 1, count: 2 } })).then((r) => r.jobs.length), returns((r: number) => r === 2)],
  ...each('trainShadowModels: xAll', ['abc', {}, 5], (v) => trainShadowModels(audit(), v), 'xAll'),
  ['inProcessShadowRunner: valid', () => typeof inProcessShadowRunner({ batchModels: 2 }), returns((r: string) => r === 'function')],
  ...each('inProcessShadowRunner: options', NOT_OPTIONS, (v) => inProcessShadowRunner(v), 'options'),
  ...each('inProcessShadowRunner: batchModels', [0, -1, 1.5, NaN, Infinity, '8'], (v) => inProcessShadowRunner({ batchModels: v }), 'batchModels'),
  ...each('inProcessShadowRunner: store', ['abc', 5, {}], (v) => inProcessShadowRunner({ store: v }), 'store'),

  // ---- shadow models ---------------------------------------------------------------------------------
  ['shadowInMasks: valid', () => shadowInMasks(10, 3, 1), returns((r: Uint8Array[]) => r.length === 3 && r[0].every((v, i) => v + r[1][i] === 1))],
  ...each('shadowInMasks: numExamples', [1, 0, -1, 1.5, NaN, Infinity, 1e12, '10', null], (v) => shadowInMasks(v, 2, 0), 'examples'),
  ...each('shadowInMasks: count', [0, -1, 1.5, NaN, Infinity, 1e12, '2', null], (v) => shadowInMasks(10, v, 0), 'shadowModels'),
  ...each('shadowInMasks: seed', NOT_SEEDS, (v) => shadowInMasks(10, 2, v), 'seed'),
  ['buildShadowModel: valid', () => buildShadowModel(topology(), 3).then((m) => (m.dispose(), 'built')), returns((r: string) => r === 'built')],
  ...each('buildShadowModel: topology', [null, undefined, 'abc', 5, {}, { class_name: 'Sequential', config: { layers: [{ class_name: 'Bogus', config: {} }] } }], (v) => buildShadowModel(v, 3), 'topology', refuses('topology', 'BAD_MODEL_FILE')),
  ['buildShadowModel: a circular topology', () => { const t: Record<string, unknown> = {}; t.self = t; return buildShadowModel(t, 3); }, refuses('topology', 'BAD_MODEL_FILE')],
  ...each('buildShadowModel: seed', NOT_SEEDS, (v) => buildShadowModel(topology(), v), 'seed'),
  ['trainShadowModel: valid', () => trainShadowModel(ctx(), job()).then((m) => (m.dispose(), 'trained')), returns((r: string) => r === 'trained')],
  ...each('trainShadowModel: ctx', [null, undefined, 'abc'], (v) => trainShadowModel(v, job()), 'ctx'),
  ...each('trainShadowModel: ctx.x', [null, 'abc', [1, 2]], (v) => trainShadowModel(ctx({ x: v }), job()), 'x'),
  ...each('trainShadowModel: ctx.y', [null, 'abc'], (v) => trainShadowModel(ctx({ y: v }), job()), 'y'),
  ...each('trainShadowModel: ctx.train', [null, 'abc'], (v) => trainShadowModel(ctx({ train: v }), job()), 'train'),
  ...each('trainShadowModel: batchSize', [0, -1, 1.5, NaN, Infinity, null], (v) => trainShadowModel(trainCtx({ batchSize: v }), job()), 'batchSize'),
  ...each('trainShadowModel: epochs', [-1, 1.5, NaN, Infinity, null], (v) => trainShadowModel(trainCtx({ epochs: v }), job()), 'epochs'),
  ...each('trainShadowModel: learningRate', [0, NaN, Infinity, -1], (v) => trainShadowModel(trainCtx({ learningRate: v }), job()), 'learningRate'),
  ...each('trainShadowModel: optimizer', ['bogus', 5], (v) => trainShadowModel(trainCtx({ optimizer: v }), job()), 'optimizer'),
  ...each('trainShadowModel: job', [null, undefined, 'abc'], (v) => trainShadowModel(ctx(), v), 'job'),
  ...each('trainShadowModel: job.mask', [null, 'abc', Uint8Array.of(1, 0), Uint8Array.of(1, 0, 1, 0, 1, 0, 1, 2)], (v) => trainShadowModel(ctx(), job({ mask: v })), 'mask'),
  ...each('trainShadowModel: job.seed', NOT_SEEDS, (v) => trainShadowModel(ctx(), job({ seed: v })), 'seed'),
  ['batchedStages: a dense chain', () => batchedStages(model)?.length, returns((r: number) => r === 1)],
  ...each('batchedStages: model', [null, undefined, 'abc', {}], (v) => batchedStages(v), 'model'),
  ['trainDenseBatch: valid', () => trainDenseBatch(ctx(), [job()], batchedStages(model) as never).then((ms) => (ms.forEach((m) => m.dispose()), ms.length)), returns((r: number) => r === 1)],
  ...each('trainDenseBatch: jobs', [[], null, 'abc'], (v) => trainDenseBatch(ctx(), v, batchedStages(model) as never), 'jobs'),
  ['trainDenseBatch: jobs of two IN sizes', () => trainDenseBatch(ctx(), [job(), job({ mask: Uint8Array.of(1, 1, 1, 0, 1, 0, 1, 0) })], batchedStages(model) as never), refuses('jobs')],
  ...each('trainDenseBatch: stages', [null, 'abc', []], (v) => trainDenseBatch(ctx(), [job()], v), 'stages'),
  ...each('trainDenseBatch: batchSize', [0, NaN, -1], (v) => trainDenseBatch(trainCtx({ batchSize: v }), [job()], batchedStages(model) as never), 'batchSize'),
  ['trainMissingShadows: valid', () => trainMissingShadows(ctx(), [job()], memoryShadowStore(), { augmentation: 'none' }), returns((r: number[]) => r.length === 1 && r[0] === 0)],
  ...each('trainMissingShadows: store', [null, 'abc', {}], (v) => trainMissingShadows(ctx(), [job()], v, { augmentation: 'none' }), 'store'),
  ...each('trainMissingShadows: options', [null, undefined, 'abc'], (v) => trainMissingShadows(ctx(), [job()], memoryShadowStore(), v), 'options'),
  ...each('trainMissingShadows: augmentation', ['bogus', 5, null, undefined], (v) => trainMissingShadows(ctx(), [job()], memoryShadowStore(), { augmentation: v }), 'augmentation'),
  ...each('trainMissingShadows: batchModels', [0, -1, 1.5, NaN, '8'], (v) => trainMissingShadows(ctx(), [job()], memoryShadowStore(), { augmentation: 'none', batchModels: v }), 'batchModels'),
  ...each('trainMissingShadows: jobs', [null, 'abc', [null]], (v) => trainMissingShadows(ctx(), v, memoryShadowStore(), { augmentation: 'none' }), 'job'),
  ['queryLogits: valid', () => queryLogits(model, xAll, 'none', 3).views[0].length, returns((r: number) => r === N * 2)],
  ...each('queryLogits: chunk', [0, -1, 1.5, NaN, Infinity, '3', null], (v) => queryLogits(model, xAll, 'none', v), 'chunk'),
  ...each('queryLogits: augmentation', ['bogus', 5, null], (v) => queryLogits(model, xAll, v), 'augmentation'),
  ['queryLogits: flip on vectors', () => queryLogits(model, xAll, 'flip'), refuses('flip')],
  ...each('queryLogits: x', [null, 'abc', [1, 2, 3]], (v) => queryLogits(model, v, 'none'), 'x'),
  ['queryLogits: x of the wrong width', () => { const x = tf.zeros([2, 4]); try { return queryLogits(model, x, 'none'); } finally { x.dispose(); } }, refuses('x')],
  ...each('queryLogits: model', [null, 'abc', {}], (v) => queryLogits(v, xAll, 'none'), 'model'),
  ['outputKind: softmax', () => outputKind(model), returns((r: string) => r === 'softmax')],
  ...each('outputKind: model', [null, undefined, 'abc', {}], (v) => outputKind(v), 'model'),
  ['memoryShadowStore: round trip', async () => { const s = memoryShadowStore(); await s.save({ index: 0, inMask: MASK, logits: { views: [] } }, model); return (await s.load(0))?.index; }, returns((r: number) => r === 0)],

  // ---- reports ---------------------------------------------------------------------------------------
  ['rocChart: valid', () => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }]), returns((r: { layer: unknown[] }) => r.layer.length === 2)],
  ...each('rocChart: curves', [null, undefined, 'abc', 5, {}, [null]], (v) => rocChart(v), 'curves'),
  ...each('rocChart: a curve’s fpr', [null, 'ab', [0, NaN], [0, 2]], (v) => rocChart([{ name: 'a', fpr: v, tpr: [0, 1] }]), 'fpr'),
  ...each('rocChart: options', NOT_OPTIONS, (v) => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], v), 'options'),
  ...each('rocChart: floor', [0, 1, -1, NaN, Infinity, '0.01'], (v) => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { floor: v }), 'floor'),
  ...each('rocChart: maxPoints', [3, 4.5, NaN, Infinity, '400'], (v) => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { maxPoints: v }), 'maxPoints'),
  ...each('rocChart: width', [0, -1, NaN, Infinity, 1e12, '100', null], (v) => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { width: v }), 'width'),
  ['histogramChart: valid', () => histogramChart([1, 2], [0, 1], { title: 't', xTitle: 'x' }), returns((r: { data: { values: unknown[] } }) => r.data.values.length > 0)],
  ['histogramChart: NaN scores are left out', () => histogramChart([NaN, 1], [0], { title: 't', xTitle: 'x', bins: 2 }), returns((r: { data: { values: { count: number }[] } }) => r.data.values.reduce((a, b) => a + b.count, 0) === 2)],
  ...each('histogramChart: members', [null, undefined, 'abc', 5, ['1', 2]], (v) => histogramChart(v, [0, 1], { title: 't', xTitle: 'x' }), 'members'),
  ...each('histogramChart: options', [null, undefined, 'abc'], (v) => histogramChart([1], [0], v), 'options'),
  ...each('histogramChart: bins', [0, -1, 1.5, 1001, NaN, '40'], (v) => histogramChart([1], [0], { title: 't', xTitle: 'x', bins: v }), 'bins'),
  ['histogramChart: both groups empty', () => histogramChart([], [], { title: 't', xTitle: 'x' }), refuses('members')],
  ['lineChart: valid', () => lineChart([{ name: 'a', x: [1, 2], y: [3, 4] }], { xTitle: 'x', yTitle: 'y' }), returns((r: { data: { values: unknown[] } }) => r.data.values.length === 2)],
  ...each('lineChart: series', [null, undefined, 'abc', [], [null]], (v) => lineChart(v, { xTitle: 'x', yTitle: 'y' }), 'series'),
  ...each('lineChart: a series’ x', [null, 'ab', 5, ['1', 2]], (v) => lineChart([{ name: 'a', x: v, y: [3, 4] }], { xTitle: 'x', yTitle: 'y' }), 'series[0].x'),
  ['lineChart: x and y of different lengths', () => lineChart([{ name: 'a', x: [1], y: [3, 4] }], { xTitle: 'x', yTitle: 'y' }), refuses('series "a"')],
  ...each('lineChart: options', [null, undefined, 'abc'], (v) => lineChart([{ name: 'a', x: [1], y: [2] }], v), 'options'),
  ['barChart: valid', () => barChart([{ label: 'a', value: 1 }], { yTitle: 'y' }), returns((r: { data: { values: unknown[] } }) => r.data.values.length === 1)],
  ...each('barChart: rows', [null, undefined, 'abc', [], [null], [{ label: 'a', value: '1' }]], (v) => barChart(v, { yTitle: 'y' }), 'rows'),
  ...each('barChart: options', [null, undefined, 'abc'], (v) => barChart([{ label: 'a', value: 1 }], v), 'options'),
  ['renderSvg: valid', () => renderSvg(lineChart([{ name: 'a', x: [1, 2], y: [3, 4] }], { xTitle: 'x', yTitle: 'y' })), returns((r: string) => r.startsWith('<svg'))],
  ...each('renderSvg: spec', [null, undefined, 'abc', 5, { mark: 'bogus' }], (v) => renderSvg(v), 'spec'),
  ['renderSvg: a spec with a url', () => renderSvg({ data: { url: 'https://example.com/x.json' }, mark: 'point' }), refuses('https://example.com')],
  ['renderReportHtml: valid', () => renderReportHtml(doc()), returns((r: string) => r.startsWith('<!DOCTYPE html>'))],
  ...each('renderReportHtml: doc', [null, undefined, 'abc', 5], (v) => renderReportHtml(v), 'doc'),
  ...each('renderReportHtml: title', [null, 5, {}], (v) => renderReportHtml(doc({ title: v })), 'title'),
  ...each('renderReportHtml: sections', [null, 'abc', [null]], (v) => renderReportHtml(doc({ sections: v })), 'sections'),
  ...each('renderReportHtml: settings', [null, 'abc'], (v) => renderReportHtml(doc({ settings: v })), 'settings'),
  ['renderReportHtml: a ragged table', () => renderReportHtml(doc({ summary: { columns: ['a', 'b'], rows: [[1]] } })), refuses('summary')],
  ['stringifyReportJson: valid', () => stringifyReportJson({ e: Infinity, s: Float64Array.of(0.5) }, 0), returns((r: string) => r === '{"e":1e999,"s":[0.5]}')],
  ['stringifyReportJson: undefined', () => stringifyReportJson(undefined), returns((r: string) => r === 'null')],
  ['stringifyReportJson: a circular value', () => { const v: Record<string, unknown> = {}; v.self = v; return stringifyReportJson(v); }, refuses('value')],
  ...each('stringifyReportJson: indent', [-1, 1.5, 11, NaN, Infinity, '2'], (v) => stringifyReportJson({ a: 1 }, v), 'indent'),
  ['miaReportDocument: valid', () => miaReportDocument(reportInput()), returns((r: { sections: unknown[] }) => r.sections.length === 2)],
  ...each('miaReportDocument: result', [null, undefined, 'abc'], (v) => miaReportDocument(v), 'result'),
  ...each('miaReportDocument: attacks', [null, 'abc', [], [null]], (v) => miaReportDocument(reportInput({ attacks: v })), 'attacks'),
  ...each('miaReportDocument: members', [0, -1, 1.5, NaN, Infinity, '2', null], (v) => miaReportDocument(reportInput({ members: v })), 'members'),
  ...each('miaReportDocument: nonMembers', [0, NaN, '2'], (v) => miaReportDocument(reportInput({ nonMembers: v })), 'nonMembers'),
  ...each('miaReportDocument: shadowModels', [-1, NaN, 1.5], (v) => miaReportDocument(reportInput({ shadowModels: v })), 'shadowModels'),
  ...each('miaReportDocument: auc', [NaN, -0.1, 1.5, '0.5', null], (v) => miaReportDocument(reportInput({}, { auc: v })), 'auc'),
  ...each('miaReportDocument: advantage', [NaN, -0.1, 1.5, null], (v) => miaReportDocument(reportInput({}, { advantage: v })), 'advantage'),
  ...each('miaReportDocument: tprAtFpr', [null, 'abc', { '0.001': NaN }, { '0.001': 2 }], (v) => miaReportDocument(reportInput({}, { tprAtFpr: v })), 'tprAtFpr'),
  ...each('miaReportDocument: roc', [null, 'abc', { fpr: 'ab', tpr: [0, 1] }], (v) => miaReportDocument(reportInput({}, { roc: v })), 'roc'),
  ...each('miaReportDocument: roc values', [{ fpr: [0, 1], tpr: [0] }, { fpr: [0, NaN], tpr: [0, 1] }, { fpr: [0, 2], tpr: [0, 1] }], (v) => miaReportDocument(reportInput({}, { roc: v })), 'curve "lira"'),
  ...each('miaReportDocument: memberScores', [null, 'abc', 5], (v) => miaReportDocument(reportInput({}, { memberScores: v })), 'memberScores'),
  ...each('miaReportDocument: name', [null, 5], (v) => miaReportDocument(reportInput({}, { name: v })), 'name'),
  ...each('miaReportDocument: settings', [null, 'abc'], (v) => miaReportDocument(reportInput({ settings: v })), 'settings'),
  ...each('miaReportDocument: options', NOT_OPTIONS, (v) => miaReportDocument(reportInput(), v), 'options'),
];

describe('privkit/mia: every public function, bad inputs', () => {
  sweep(cases);
});
