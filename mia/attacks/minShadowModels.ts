/** How many shadow (reference) models each attack needs at the least. */
import type { AttackName } from './AttackData.js';
import { ATTACK_NAMES, isAttackName } from './attackNames.js';
import { MIN_SHADOW_MODELS } from './_internals/shadowCount.js';
import { invalid, show } from '../../accountant/index.js';

/**
 * The least number of shadow models attack `name` runs with: loss reads the target only; shokri
 * needs one shadow with both IN and OUT examples to train on; online LiRA needs an IN and an OUT
 * shadow per example, so two models at least; offline LiRA and RMIA need one. Reaching the count is
 * necessary, not sufficient: the per-example checks (e.g. every example OUT for some shadow) are the
 * attack's own.
 * @param name - an attack name.
 * @returns 0 for loss, 1 for shokri, 2 for lira, 1 for lira-offline, 1 for rmia.
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name.
 * @example
 * ```ts
 * minShadowModels('lira'); // 2
 * ```
 */
export function minShadowModels(name: AttackName): number {
  if (!isAttackName(name)) {
    invalid(`Unknown attack ${show(name)}; expected one of ${ATTACK_NAMES.join(', ')}.`, { field: 'name', value: name });
  }
  return MIN_SHADOW_MODELS[name];
}
