import { seededUniform } from '../../accountant/index.js';

/**
 * The order in which a non-private shadow visits its training half in one epoch: a Fisher–Yates
 * shuffle seeded by (shadow seed, epoch), so the single and the batched trainers, in any process,
 * draw the same batches for the same shadow.
 * @param members - indices of the shadow's IN examples.
 * @param seed - the shadow's seed.
 * @param epoch - 0-based epoch.
 * @returns a shuffled copy of `members`.
 * @example
 * ```ts
 * const order = epochOrder(Int32Array.of(3, 5, 8), 7, 0);
 * ```
 */
export function epochOrder(members: Int32Array, seed: number, epoch: number): Int32Array {
  const u = seededUniform(((seed >>> 0) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
  const order = members.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Indices i with mask[i] === 1, ascending. */
export function maskIndices(mask: Uint8Array): Int32Array {
  let m = 0;
  for (let i = 0; i < mask.length; i++) m += mask[i];
  const out = new Int32Array(m);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] === 1) out[k++] = i;
  return out;
}

/** Seed of shadow `index` in a run seeded by `seed` (distinct per shadow, stable across processes). */
export function shadowSeed(seed: number, index: number): number {
  return ((seed >>> 0) * 1000003 + Math.imul(index + 1, 0x27d4eb2f)) >>> 0;
}
