// privkit/node — what needs Node's file system: datasets, model folders, checkpoints.
// The rest of privkit runs in browsers too; keeping these here keeps `import 'privkit'` browser-safe.
export { loadDataset, seededPermutation } from './loadDataset.js';
export type { Dataset, LoadDatasetOptions } from './loadDataset.js';
export { fileIOHandler, saveModel, loadModel } from './io/fileModelIO.js';
export { writeFileAtomic } from './writeFileAtomic.js';
// Checkpoints: `saveCheckpoint` writes `priv.state()` atomically; `loadPrivate` (alias `loadCheckpoint`)
// verifies it and continues the run through the core's browser-safe `restorePrivate`.
export { saveCheckpoint, loadCheckpoint, loadCheckpoint as loadPrivate } from './checkpoint.js';
export { createFitProgress, fitProgressBar, formatEpsilon, formatDelta, EPSILON_REFRESH_MS } from './fitProgress.js';
export type { FitProgress, FitProgressOptions } from './fitProgress.js';
// Atomic writes of several files and of a whole folder, and the mapping of file-system failures to
// PrivkitError `IO_ERROR` (these raw writers throw Node's own error; `ioError` names the path or flag).
export { writeFilesAtomic } from './io/writeFilesAtomic.js';
export { writeFolderAtomic, foreignEntries } from './io/writeFolderAtomic.js';
export type { WriteFolderAtomicOptions } from './io/writeFolderAtomic.js';
export { modelFolderFiles } from './io/fileModelIO.js';
export type { ModelFiles } from './io/fileModelIO.js';
export { ioError, isErrnoException, probeWritable, withIoErrors } from './io/ioError.js';
export type { IoTarget } from './io/ioError.js';
