/**
 * Seeded uniform PRNG for the attack models' initialisation and subsampling: the same mulberry32 as
 * the batch sampler (src/optimizer/poissonBatches.ts), under the name the attacks use. Deterministic
 * across platforms; not for anything security-related.
 */
export { seededUniform as mulberry32 } from '../../../src/optimizer/poissonBatches.js';
