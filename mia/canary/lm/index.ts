// privkit/mia/canary/lm — a small character-level language model for canary experiments: its
// vocabulary, a model DP-SGD can clip (Embedding → causal window Dense → LayerNorm → Dense softmax),
// training (non-private or DP-SGD) and a batched scorer implementing CandidateScorer and SlotScorer.
// Browser-safe. The public-domain demo corpus reads files, so it is Node-only and not exported here:
// import it from '../../node/publicDomainText.js'.
export { CharVocabulary } from './CharVocabulary.js';
export type { CharVocabularyJSON, CharVocabularyOptions } from './CharVocabulary.js';
export { buildCharModel, charModelShape, CHAR_MODEL_DEFAULTS } from './charModel.js';
export type { CharModelOptions } from './charModel.js';
export { charExamples } from './charExamples.js';
export type { CharExamples, CharExamplesOptions } from './charExamples.js';
export { charSequenceLoss } from './charSequenceLoss.js';
export { trainCharModel } from './trainCharModel.js';
export type { TrainCharModelOptions, TrainedCharModel, CharDpOptions, CharEpochLogs } from './trainCharModel.js';
export { modelScorer } from './modelScorer.js';
export type { ModelScorer, ModelScorerOptions } from './modelScorer.js';
