// privkit/testing — fast-check arbitraries and properties for users' own vitest suites.
export { accountantLaws } from './accountantLaws.js';
export type { AccountantLaw, AccountantLawsOptions } from './accountantLaws.js';

// Arbitraries.
export { neighbouringDatasets } from './neighbouringDatasets.js';
export type { NeighbourRelation, NeighbouringPair, NeighbouringDatasetsOptions } from './neighbouringDatasets.js';
export { boundedVectors, tensorValues, labelledExamples, exampleBatches, batchTensors } from './dataArbitraries.js';
export type { ValueRange, TensorValues, LabelledExample, ExampleShape } from './dataArbitraries.js';
export { dpEvents } from './dpEvents.js';
export type { DpEventsOptions } from './dpEvents.js';
export { modelSpecs, buildModel } from './modelSpecs.js';
export type { ModelSpec, LayerSpec, SpecActivation, ModelSpecsOptions } from './modelSpecs.js';

// Properties and statistical tests.
export { sensitivity } from './sensitivity.js';
export type { SensitivityNorm, SensitivityOptions } from './sensitivity.js';
export { clippingRespected } from './clippingRespected.js';
export type { ClippingSubject, PreNoiseStep, ClippingRespectedOptions, ClippingCase } from './clippingRespected.js';
export { checkDp, checkDpSync } from './checkDp.js';
export type { Mechanism, PrivacyClaim, CheckDpOptions, CheckDpResult } from './checkDp.js';
export { dpProperty } from './dpProperty.js';
export type { DpPropertyOptions } from './dpProperty.js';
export { sampleLaplace, sampleGaussian } from './samplers.js';
