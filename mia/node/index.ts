// privkit/mia/node — the Node-only parts of the auditor: shadow-model file cache and worker threads.
export { fileShadowRunner } from './fileShadowRunner.js';
export type { FileShadowRunnerOptions } from './fileShadowRunner.js';
export { fileShadowStore, shadowCacheKey, describeShadowCache } from './fileShadowStore.js';
export { trainShadowsInWorkers } from './trainShadowsInWorkers.js';
export type { TrainShadowsInWorkersOptions } from './trainShadowsInWorkers.js';
export { writeReport } from './writeReport.js';
export type { WrittenReport } from './writeReport.js';
export { publicDomainText } from './publicDomainText.js';
export type { PublicDomainTextOptions } from './publicDomainText.js';
export { readMembersFile } from './readMembersFile.js';
export type { ReadMembersFileOptions } from './readMembersFile.js';
export { readScoresFile } from './readScoresFile.js';
export type { ReadScoresFileOptions } from './readScoresFile.js';
export { scoresCsv } from './scoresCsv.js';
