// privkit/node — what needs Node's file system: datasets, model folders, checkpoints.
// The rest of privkit runs in browsers too; keeping these here keeps `import 'privkit'` browser-safe.
export { loadDataset, seededPermutation } from '../data/loadDataset.js';
export type { Dataset, LoadDatasetOptions } from '../data/loadDataset.js';
export { fileIOHandler, saveModel, loadModel } from '../io/fileModelIO.js';
export { writeFileAtomic } from './writeFileAtomic.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export { createFitProgress, formatEpsilon, formatDelta, EPSILON_REFRESH_MS } from './fitProgress.js';
export type { FitProgress, FitProgressOptions } from './fitProgress.js';
