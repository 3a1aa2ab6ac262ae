/** The shadow-model floor per attack, and the check every attack runs before its per-example checks. */
import type { AttackData, AttackName } from '../AttackData.js';
import { invalid } from '../../../accountant/index.js';

/**
 * The floor per attack. loss reads the target only; shokri needs one shadow whose IN mask has both
 * IN and OUT rows to train on; online LiRA needs an IN and an OUT shadow per example, so at least two
 * models; offline LiRA needs one OUT shadow per example; RMIA runs on a single reference model
 * (Zarifzadeh et al. 2024 report results with one).
 */
export const MIN_SHADOW_MODELS: Readonly<Record<AttackName, number>> = Object.freeze({
  loss: 0,
  shokri: 1,
  lira: 2,
  'lira-offline': 1,
  rmia: 1,
});

/** Throws INVALID_ARGUMENT "attack `lira` needs at least 2 shadow models; got 1." when there are too few. */
export function requireShadowModels(name: AttackName, data: AttackData): void {
  const need = MIN_SHADOW_MODELS[name];
  const got = data.shadows.length;
  if (got < need) {
    invalid(`attack \`${name}\` needs at least ${need} shadow model${need === 1 ? '' : 's'}; got ${got}.`, {
      attack: name,
      needed: need,
      got,
    });
  }
}
