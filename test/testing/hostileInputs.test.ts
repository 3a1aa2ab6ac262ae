/**
 * Bad-input sweep over every public function of privkit/testing (src/testing/index.ts): NaN, ±Infinity,
 * 0, negative, huge, wrong type (string, null, undefined, object), wrong shape or length. Each line is
 * one call and its contract: a correct result, or a PrivkitError whose message names the bad argument
 * (see _hostileInputs.ts). Arbitraries are also sampled once, so a bad size cannot hide until the first
 * draw. Adding a case is adding a line.
 *
 * `null` for an optional field of an options object means "not given" (the field's default), as `??`
 * reads it everywhere in privkit; a positional argument or a required field given as null is refused.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe } from 'vitest';
import { RdpAccountant } from '../../accountant/index.js';
import {
  accountantLaws,
  batchTensors,
  boundedVectors,
  buildModel,
  checkDp,
  checkDpSync,
  clippingRespected,
  dpEvents,
  dpProperty,
  exampleBatches,
  labelledExamples,
  modelSpecs,
  neighbouringDatasets,
  sampleGaussian,
  sampleLaplace,
  sensitivity,
  tensorValues,
  type ModelSpec,
} from '../../src/testing/index.js';
import { refuses, returns, sweep, X, type Expectation, type HostileCase } from './_hostileInputs.js';

/** One draw of an arbitrary (seeded), so that its sizes are exercised, not only stored. */
const sampleOne = <T>(arb: fc.Arbitrary<T>): T => fc.sample(arb, { numRuns: 1, seed: 7 })[0];
const seeded = (seed = 1): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
const count = (d: readonly number[], random: () => number): number => d.length + sampleLaplace(random, 1);
const NEIGHBOURS: readonly [number[], number[]] = [[1], [1, 2]];
const claim = (patch: Record<string, unknown> = {}) => X({ epsilon: 1, delta: 0, ...patch });
const dpOptions = (patch: Record<string, unknown> = {}) => X({ neighbours: NEIGHBOURS, samples: 2000, seed: 1, ...patch });
const SPEC: ModelSpec = { inputShape: [3], layers: [{ kind: 'dense', units: 2, activation: 'tanh' }], numClasses: 2, seed: 1 };
const spec = (patch: Record<string, unknown> = {}) => X({ ...SPEC, ...patch });
const layer = (patch: Record<string, unknown>) => spec({ layers: [{ kind: 'dense', units: 2, activation: 'tanh', ...patch }] });
const builds = (s: ModelSpec): number => {
  const model = buildModel(s);
  const n = model.layers.length;
  model.dispose();
  return n;
};
const SHAPE = { inputShape: [2], numClasses: 3 };
const EXAMPLE = { x: { shape: [2], values: [0.5, -0.5] }, label: 2 };
const tensorsOf = (examples: unknown, shape: unknown): string => {
  const { x, y } = batchTensors(X(examples), X(shape));
  const shapes = `${x.shape.join('x')} ${y.shape.join('x')}`;
  tf.dispose([x, y]);
  return shapes;
};
const rdp = () => new RdpAccountant();

/** Cases for each value of `values`: `call(value)` must be refused naming `names`. */
function each(label: string, values: readonly unknown[], call: (value: never) => unknown, names: string, expectation: Expectation = refuses(names)): HostileCase[] {
  return values.map((v): HostileCase => [`${label} = ${show(v)}`, () => call(v as never), expectation]);
}
function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const NOT_FUNCTIONS = [null, undefined, 'abc', 5, {}];
const NOT_OPTIONS = [null, 'abc', 5];
const NOT_ARBITRARIES = ['abc', 5, {}];

const cases: HostileCase[] = [
  // ---- accountantLaws ---------------------------------------------------------------------------------
  ['accountantLaws: valid, one run of the first law', () => { const laws = accountantLaws(rdp, { numRuns: 1, seed: 1, stepsMax: 10 }); fc.assert(laws[0].property, laws[0].parameters); return laws.length; }, returns((r: number) => r === 7)],
  ...each('accountantLaws: makeAccountant', NOT_FUNCTIONS, (v) => accountantLaws(v), 'makeAccountant'),
  ...each('accountantLaws: options', NOT_OPTIONS, (v) => accountantLaws(rdp, v), 'options'),
  ['accountantLaws: 10^12 steps', () => accountantLaws(rdp, { stepsMax: 1e12, numRuns: 1, seed: 1 }).length, returns((r: number) => r === 7)],
  ...each('accountantLaws: stepsMax', [0, -1, 1.5, NaN, Infinity, 2 ** 53, '10'], (v) => accountantLaws(rdp, { stepsMax: v }), 'stepsMax'),
  ...each('accountantLaws: numRuns', [0, -1, 1.5, NaN, Infinity, '5'], (v) => accountantLaws(rdp, { numRuns: v }), 'numRuns'),
  ...each('accountantLaws: seed', [1.5, NaN, Infinity, '1', {}], (v) => accountantLaws(rdp, { seed: v }), 'seed'),
  ...each('accountantLaws: relativeTolerance', [-1, NaN, Infinity, '0'], (v) => accountantLaws(rdp, { relativeTolerance: v }), 'relativeTolerance'),

  // ---- arbitraries ---------------------------------------------------------------------------------
  ['neighbouringDatasets: valid', () => sampleOne(neighbouringDatasets(fc.nat(5), { maxLength: 4 })), returns((r: number[][]) => Math.abs(r[0].length - r[1].length) === 1)],
  ['neighbouringDatasets: replace', () => sampleOne(neighbouringDatasets(fc.nat(5), { relation: 'replace' })), returns((r: number[][]) => r[0].length === r[1].length)],
  ...each('neighbouringDatasets: element', [null, undefined, 'abc', 5, {}], (v) => neighbouringDatasets(v), 'element'),
  ...each('neighbouringDatasets: options', NOT_OPTIONS, (v) => neighbouringDatasets(fc.nat(), v), 'options'),
  ...each('neighbouringDatasets: minLength', [-1, 1.5, NaN, Infinity, 1e9, '1'], (v) => sampleOne(neighbouringDatasets(fc.nat(), { minLength: v, maxLength: 2e9 })), 'minLength'),
  ...each('neighbouringDatasets: maxLength', [-1, 0, 1.5, NaN, Infinity, 1e12, '4'], (v) => neighbouringDatasets(fc.nat(), { maxLength: v }), 'maxLength'),
  ...each('neighbouringDatasets: relation', ['bogus', 5], (v) => neighbouringDatasets(fc.nat(), { relation: v }), 'relation'),
  ['boundedVectors: valid', () => sampleOne(boundedVectors({ length: 3, min: -2, max: 2 })), returns((r: number[]) => r.length === 3 && r.every((x) => x >= -2 && x <= 2))],
  ...each('boundedVectors: options', [null, undefined, 'abc', 5], (v) => boundedVectors(v), 'options'),
  ...each('boundedVectors: length', [-1, 1.5, NaN, Infinity, 1e12, '3', null, undefined], (v) => sampleOne(boundedVectors(X({ length: v }))), 'length'),
  ...each('boundedVectors: min', [NaN, Infinity, -Infinity, '0', 3], (v) => boundedVectors(X({ length: 2, min: v, max: 2 })), 'min'),
  ...each('boundedVectors: max', [NaN, Infinity, '1', -3], (v) => boundedVectors(X({ length: 2, min: -2, max: v })), 'max'),
  ['tensorValues: valid', () => sampleOne(tensorValues([2, 3], { min: 0, max: 1 })), returns((r: { values: number[] }) => r.values.length === 6)],
  ['tensorValues: a zero-size shape', () => sampleOne(tensorValues([2, 0])), returns((r: { values: number[] }) => r.values.length === 0)],
  ...each('tensorValues: shape', [null, undefined, 'abc', 5, [2, -1], [1.5], [NaN], [1e6, 1e6], ['2']], (v) => sampleOne(tensorValues(v)), 'shape'),
  ...each('tensorValues: range', [null, 'abc', 5], (v) => tensorValues([2], v), 'range'),
  ['labelledExamples: valid', () => sampleOne(labelledExamples(SHAPE)), returns((r: { label: number; x: { values: number[] } }) => r.label >= 0 && r.label < 3 && r.x.values.length === 2)],
  ...each('labelledExamples: shape', [null, undefined, 'abc'], (v) => labelledExamples(v), 'shape'),
  ...each('labelledExamples: numClasses', [1, 0, 1.5, NaN, Infinity, 1e12, '3', null], (v) => sampleOne(labelledExamples(X({ inputShape: [2], numClasses: v }))), 'numClasses'),
  ...each('labelledExamples: inputShape', [null, 'abc', [-1], [NaN]], (v) => labelledExamples(X({ inputShape: v, numClasses: 2 })), 'inputShape'),
  ['exampleBatches: valid', () => sampleOne(exampleBatches(SHAPE, { minSize: 2, maxSize: 3 })), returns((r: unknown[]) => r.length >= 2 && r.length <= 3)],
  ...each('exampleBatches: options', NOT_OPTIONS, (v) => exampleBatches(SHAPE, v), 'options'),
  ...each('exampleBatches: minSize', [-1, 1.5, NaN, 1e9, '1'], (v) => sampleOne(exampleBatches(SHAPE, { minSize: v, maxSize: 2e9 })), 'minSize'),
  ...each('exampleBatches: maxSize', [0.5, NaN, Infinity, 1e12, '8'], (v) => exampleBatches(SHAPE, { minSize: 0, maxSize: v }), 'maxSize'),
  ['exampleBatches: maxSize < minSize', () => exampleBatches(SHAPE, { minSize: 3, maxSize: 2 }), refuses('maxSize')],
  ['batchTensors: valid', () => tensorsOf([EXAMPLE, EXAMPLE], SHAPE), returns((r: string) => r === '2x2 2x3')],
  ['batchTensors: an empty batch', () => tensorsOf([], SHAPE), returns((r: string) => r === '0x2 0x3')],
  ...each('batchTensors: examples', [null, undefined, 'abc', 5, {}], (v) => tensorsOf(v, SHAPE), 'examples'),
  ...each('batchTensors: an example', [null, 'abc', {}, { x: null, label: 0 }, { x: { shape: [2], values: [1] }, label: 0 }, { x: { shape: [2], values: [1, NaN] }, label: 0 }, { x: { shape: [2], values: [1, 2] }, label: 3 }, { x: { shape: [2], values: [1, 2] }, label: 0.5 }], (v) => tensorsOf([v], SHAPE), 'xample 0'),
  ...each('batchTensors: shape', [null, undefined, 'abc'], (v) => tensorsOf([], v), 'shape'),
  ...each('batchTensors: inputShape', [[-2], null, [1e4, 1e4]], (v) => tensorsOf([], { inputShape: v, numClasses: 3 }), 'inputShape'),
  ...each('batchTensors: numClasses', [NaN, 1, 1e12, null], (v) => tensorsOf([], { inputShape: [2], numClasses: v }), 'numClasses'),
  ['dpEvents: valid', () => sampleOne(dpEvents({ maxDepth: 1 })), returns((r: { kind?: string }) => typeof r === 'object')],
  ...each('dpEvents: options', NOT_OPTIONS, (v) => dpEvents(v), 'options'),
  ...each('dpEvents: maxDepth', [-1, 1.5, NaN, Infinity, 1e6, '2'], (v) => dpEvents({ maxDepth: v }), 'maxDepth'),
  ['dpEvents: counts up to 10^12', () => sampleOne(dpEvents({ maxDepth: 1, maxCount: 1e12 })), returns((r: object) => typeof r === 'object')],
  ...each('dpEvents: maxCount', [0, -1, 1.5, NaN, Infinity, 2 ** 53, '5'], (v) => sampleOne(dpEvents({ maxCount: v })), 'maxCount'),
  ...each('dpEvents: maxComposed', [0, 1.5, NaN, Infinity, 1e12, '3'], (v) => sampleOne(dpEvents({ maxComposed: v })), 'maxComposed'),
  ...each('dpEvents: nonPrivate', ['yes', 1, {}], (v) => dpEvents({ nonPrivate: v }), 'nonPrivate'),
  ...each('dpEvents: supportedOnly', ['no', 0, {}], (v) => dpEvents({ supportedOnly: v }), 'supportedOnly'),
  ['modelSpecs: valid', () => sampleOne(modelSpecs({ architectures: ['mlp'], maxUnits: 3 })), returns((r: ModelSpec) => r.inputShape.length === 1 && r.numClasses >= 2)],
  ...each('modelSpecs: options', NOT_OPTIONS, (v) => modelSpecs(v), 'options'),
  ...each('modelSpecs: architectures', ['mlp', [], ['rnn'], 5, [null], {}], (v) => modelSpecs({ architectures: v }), 'architectures'),
  ...each('modelSpecs: maxHiddenLayers', [-1, 1.5, NaN, Infinity, 1e12, '2'], (v) => sampleOne(modelSpecs({ maxHiddenLayers: v })), 'maxHiddenLayers'),
  ...each('modelSpecs: maxUnits', [0, -1, 1.5, NaN, 1e12, '8'], (v) => sampleOne(modelSpecs({ maxUnits: v })), 'maxUnits'),
  ...each('modelSpecs: maxClasses', [1, 1.5, NaN, 1e12, '4'], (v) => sampleOne(modelSpecs({ maxClasses: v })), 'maxClasses'),
  ['buildModel: valid', () => builds(SPEC), returns((r: number) => r === 2)],
  ['buildModel: a sampled CNN', () => builds(sampleOne(modelSpecs({ architectures: ['cnn'] }))), returns((r: number) => r >= 3)],
  ...each('buildModel: spec', [null, undefined, 'abc', 5], (v) => builds(v), 'spec'),
  ...each('buildModel: inputShape', [null, 'abc', [], [0], [-1], [1.5], [NaN]], (v) => builds(spec({ inputShape: v })), 'inputShape'),
  ...each('buildModel: layers', [null, 'abc', [null], [{ kind: 'bogus' }], [{}]], (v) => builds(spec({ layers: v })), 'layers'),
  ...each('buildModel: units', [0, -1, 1.5, NaN, Infinity, '2'], (v) => builds(layer({ units: v })), 'units'),
  ...each('buildModel: activation', ['bogus', 5, null], (v) => builds(layer({ activation: v })), 'activation'),
  ...each('buildModel: numClasses', [1, 0, 1.5, NaN, '2', null], (v) => builds(spec({ numClasses: v })), 'numClasses'),
  ...each('buildModel: seed', [NaN, -1, 1.5, Infinity, '1', null], (v) => builds(spec({ seed: v })), 'seed'),
  ...each('buildModel: conv2d', [{ kind: 'conv2d', filters: 0, kernelSize: 2, activation: 'relu' }, { kind: 'conv2d', filters: 1, kernelSize: 9, activation: 'relu' }, { kind: 'conv2d', filters: 1, kernelSize: 0, activation: 'relu' }], (v) => builds(spec({ inputShape: [4, 4, 1], layers: [v, { kind: 'flatten' }] })), 'layers'),
  ['buildModel: conv2d on vectors', () => builds(spec({ layers: [{ kind: 'conv2d', filters: 1, kernelSize: 2, activation: 'relu' }] })), refuses('conv2d')],

  // ---- properties ---------------------------------------------------------------------------------
  ['sensitivity: valid, 20 runs', () => fc.assert(sensitivity((d: number[]) => d.reduce((s, x) => s + Math.min(1, x), 0), { norm: 'l1', bound: 1 }), { numRuns: 20, seed: 1 }), returns()],
  ['sensitivity: an infinite bound', () => typeof sensitivity((d: number[]) => d.length, { norm: 'l2', bound: Infinity }).run, returns((r: string) => r === 'function')],
  ...each('sensitivity: fn', NOT_FUNCTIONS, (v) => sensitivity(v, { norm: 'l1', bound: 1 }), 'fn'),
  ...each('sensitivity: options', [null, undefined, 'abc', 5], (v) => sensitivity((d: number[]) => d.length, v), 'options'),
  ...each('sensitivity: norm', ['l3', null, undefined, 5], (v) => sensitivity((d: number[]) => d.length, X({ norm: v, bound: 1 })), 'norm'),
  ...each('sensitivity: bound', [-1, NaN, '1', null, undefined], (v) => sensitivity((d: number[]) => d.length, X({ norm: 'l1', bound: v })), 'bound'),
  ...each('sensitivity: tolerance', [-1, NaN, '0'], (v) => sensitivity((d: number[]) => d.length, { norm: 'l1', bound: 1, tolerance: v }), 'tolerance'),
  ...each('sensitivity: datasets', NOT_ARBITRARIES, (v) => sensitivity((d: number[]) => d.length, { norm: 'l1', bound: 1, datasets: v }), 'datasets'),
  ['clippingRespected: valid property', () => typeof clippingRespected(() => ({ maxGradNorm: 1, preNoiseSum: (x) => tf.zeros([1]).add(x.sum().mul(0)) })).run, returns((r: string) => r === 'function')],
  ...each('clippingRespected: factory', NOT_FUNCTIONS, (v) => clippingRespected(v), 'factory'),
  ...each('clippingRespected: options', NOT_OPTIONS, (v) => clippingRespected(() => X({}), v), 'options'),
  ...each('clippingRespected: maxBatchSize', [0, -1, 1.5, NaN, Infinity, 1e12, '5'], (v) => clippingRespected(() => X({}), { maxBatchSize: v }), 'maxBatchSize'),
  ...each('clippingRespected: relativeTolerance', [-1, NaN, Infinity, '0'], (v) => clippingRespected(() => X({}), { relativeTolerance: v }), 'relativeTolerance'),
  ...each('clippingRespected: inputRange', ['abc', 5, { min: NaN, max: 1 }, { min: 2, max: 1 }], (v) => clippingRespected(() => X({}), { inputRange: v }), 'inputRange'),
  ...each('clippingRespected: models', NOT_ARBITRARIES, (v) => clippingRespected(() => X({}), { models: v }), 'models'),

  // ---- checkDp, dpProperty -------------------------------------------------------------------------------
  ['checkDpSync: valid', () => checkDpSync(count, { epsilon: 1 }, dpOptions()), returns((r: { passed: boolean; samples: number }) => r.passed && r.samples === 2000)],
  ['checkDpSync: a refuted claim', () => checkDpSync(count, { epsilon: 0.01 }, dpOptions({ samples: 20000 })), returns((r: { passed: boolean }) => !r.passed)],
  ['checkDp: valid', () => checkDp(count, { epsilon: 1 }, dpOptions()), returns((r: { passed: boolean }) => r.passed)],
  ...each('checkDpSync: mechanism', NOT_FUNCTIONS, (v) => checkDpSync(v, claim(), dpOptions()), 'mechanism'),
  ...each('checkDp: mechanism', NOT_FUNCTIONS, (v) => checkDp(v, claim(), dpOptions()), 'mechanism'),
  ...each('checkDpSync: claim', [null, undefined, 'abc', 5], (v) => checkDpSync(count, v, dpOptions()), 'claim'),
  ...each('checkDp: claim', [null, undefined, 'abc'], (v) => checkDp(count, v, dpOptions()), 'claim'),
  ...each('checkDpSync: epsilon', [-1, NaN, '1', null, undefined, -Infinity], (v) => checkDpSync(count, claim({ epsilon: v }), dpOptions()), 'epsilon'),
  ...each('checkDpSync: delta', [1, -0.1, NaN, Infinity, '0'], (v) => checkDpSync(count, claim({ delta: v }), dpOptions()), 'delta'),
  ...each('checkDpSync: options', NOT_OPTIONS, (v) => checkDpSync(count, claim(), v), 'options'),
  ...each('checkDpSync: samples', [19, 0, -1, 1.5, NaN, Infinity, 1e12, '2000'], (v) => checkDpSync(count, claim(), dpOptions({ samples: v })), 'samples'),
  ...each('checkDpSync: confidence', [0, 1, -0.5, 1.5, NaN, Infinity, '0.95'], (v) => checkDpSync(count, claim(), dpOptions({ confidence: v })), 'confidence'),
  ...each('checkDpSync: seed', [1.5, NaN, Infinity, -Infinity, '1', {}], (v) => checkDpSync(count, claim(), dpOptions({ seed: v })), 'seed'),
  ...each('checkDpSync: searchRuns', [0, -1, 1.5, NaN, Infinity, 1e12, '20'], (v) => checkDpSync(count, claim(), dpOptions({ neighbours: undefined, searchRuns: v })), 'searchRuns'),
  ...each('checkDpSync: searchSamples', [19, 1.5, NaN, Infinity, 1e12, '2000'], (v) => checkDpSync(count, claim(), dpOptions({ neighbours: undefined, searchSamples: v })), 'searchSamples'),
  ...each('checkDpSync: neighbours', ['ab', 5, [[1]], [[1], [2], [3]], {}], (v) => checkDpSync(count, claim(), dpOptions({ neighbours: v })), 'neighbours'),
  ...each('checkDpSync: datasets', NOT_ARBITRARIES, (v) => checkDpSync(count, claim(), dpOptions({ neighbours: undefined, datasets: v })), 'datasets'),
  ...each('checkDpSync: the mechanism returns', [NaN, 'abc', null, [], [1, NaN], {}], (v) => checkDpSync(() => v, claim(), dpOptions()), 'mechanism'),
  ['checkDpSync: the mechanism returns a Promise', () => checkDpSync(() => X(Promise.resolve(1)), claim(), dpOptions()), refuses('mechanism')],
  ['checkDpSync: the mechanism reads Math.random', () => checkDpSync(() => Math.random(), claim(), dpOptions()), refuses('mechanism')],
  ['checkDpSync: output length depends on the data', () => checkDpSync((d: number[]) => d.map(() => 1), claim(), dpOptions()), refuses('mechanism')],
  ['dpProperty: valid, one run', () => fc.assert(dpProperty(count, { epsilon: 1 }, { datasets: fc.constant(NEIGHBOURS), samples: 1000, runs: 1 }), { numRuns: 1, seed: 1 }), returns()],
  ...each('dpProperty: mechanism', NOT_FUNCTIONS, (v) => dpProperty(v, claim()), 'mechanism'),
  ...each('dpProperty: claim', [null, undefined, 'abc'], (v) => dpProperty(count, v), 'claim'),
  ...each('dpProperty: epsilon', [-1, NaN, '1'], (v) => dpProperty(count, claim({ epsilon: v })), 'epsilon'),
  ...each('dpProperty: delta', [1, NaN], (v) => dpProperty(count, claim({ delta: v })), 'delta'),
  ...each('dpProperty: options', NOT_OPTIONS, (v) => dpProperty(count, claim(), v), 'options'),
  ...each('dpProperty: runs', [0, -1, 1.5, NaN, Infinity, '10'], (v) => dpProperty(count, claim(), { runs: v }), 'runs'),
  ...each('dpProperty: confidence', [0, 1, NaN, '0.95'], (v) => dpProperty(count, claim(), { confidence: v }), 'confidence'),
  ...each('dpProperty: samples', [19, 1.5, NaN, Infinity, 1e12, '100'], (v) => dpProperty(count, claim(), { samples: v }), 'samples'),
  ...each('dpProperty: datasets', NOT_ARBITRARIES, (v) => dpProperty(count, claim(), { datasets: v }), 'datasets'),

  // ---- samplers ---------------------------------------------------------------------------------------
  ['sampleLaplace: valid', () => sampleLaplace(seeded(), 2), returns((r: number) => Number.isFinite(r))],
  ['sampleLaplace: scale 0', () => sampleLaplace(seeded(), 0), returns((r: number) => r === 0)],
  ['sampleLaplace: scale 0 at u = −½', () => sampleLaplace(() => 0, 0), returns((r: number) => r === 0)],
  ['sampleLaplace: u = −½ is −∞ (documented)', () => sampleLaplace(() => 0, 1), returns((r: number) => r === -Infinity)],
  ...each('sampleLaplace: random', NOT_FUNCTIONS, (v) => sampleLaplace(v, 1), 'random'),
  ...each('sampleLaplace: random()', [NaN, 1, -0.1, 2, '0.5', null, undefined], (v) => sampleLaplace(() => v, 1), 'random'),
  ...each('sampleLaplace: scale', [-1, NaN, Infinity, '1', null, undefined], (v) => sampleLaplace(seeded(), v), 'scale'),
  ['sampleGaussian: valid', () => sampleGaussian(seeded(), 2), returns((r: number) => Number.isFinite(r))],
  ['sampleGaussian: std 0', () => sampleGaussian(seeded(), 0), returns((r: number) => r === 0)],
  ...each('sampleGaussian: random', NOT_FUNCTIONS, (v) => sampleGaussian(v, 1), 'random'),
  ...each('sampleGaussian: random()', [NaN, 1, -0.1, 2, '0.5', null], (v) => sampleGaussian(() => v, 1), 'random'),
  ...each('sampleGaussian: std', [-1, NaN, Infinity, '1', null, undefined], (v) => sampleGaussian(seeded(), v), 'std'),
];

describe('privkit/testing: every public function, bad inputs', () => {
  sweep(cases);
});
