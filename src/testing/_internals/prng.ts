/**
 * Where a run of privkit/testing gets its seed when the caller gave none. The seeded generator itself
 * (`seededUniform`, mulberry32) and the sub-stream mixer (`streamSeed`) are privkit's shared ones
 * (accountant/index.ts).
 */

/** A fresh random 32-bit seed (for runs where the caller gave none; it is reported back). */
export function drawSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
