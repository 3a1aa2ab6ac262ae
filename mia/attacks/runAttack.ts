/**
 * Runs an attack by name, through a registry (name → function) rather than a switch, so that adding an
 * attack is one entry here and one name in {@link ATTACK_NAMES}.
 */
import type { AttackData, AttackName, AttackResult } from './AttackData.js';
import { ATTACK_NAMES, isAttackName } from './attackNames.js';
import { lossAttack } from './lossAttack.js';
import { shokri } from './shokri.js';
import type { ShokriOptions } from './shokri.js';
import { lira } from './lira.js';
import type { LiraOptions } from './lira.js';
import { liraOffline } from './liraOffline.js';
import { rmia } from './rmia.js';
import type { RmiaOptions } from './rmia.js';
import { invalid, show } from '../../accountant/index.js';

/** The options each attack takes, by name (loss takes none). */
export interface AttackOptionsMap {
  readonly loss: Readonly<Record<string, never>>;
  readonly shokri: ShokriOptions;
  readonly lira: LiraOptions;
  readonly 'lira-offline': LiraOptions;
  readonly rmia: RmiaOptions;
}

type AttackFunction<N extends AttackName> = (data: AttackData, options?: AttackOptionsMap[N]) => AttackResult;

const ATTACKS: { readonly [N in AttackName]: AttackFunction<N> } = Object.freeze({
  loss: (data: AttackData) => lossAttack(data),
  shokri,
  lira,
  'lira-offline': liraOffline,
  rmia,
});

/**
 * Runs the attack called `name` on `data`. Each attack validates its input
 * ({@link validateAttackData}), checks the number of shadow models against {@link minShadowModels}
 * ("attack `lira` needs at least 2 shadow models; got 1.") and then its per-example needs.
 * @param name - one of {@link ATTACK_NAMES}.
 * @param data - target and shadow outputs.
 * @param options - that attack's options ({@link AttackOptionsMap}); defaults when omitted.
 * @returns the attack's {@link AttackResult}; higher score = more likely a member.
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name, too few shadow models, or whatever the
 *   attack refuses.
 * @example
 * ```ts
 * const result = runAttack('rmia', data, { mode: 'offline' });
 * ```
 */
export function runAttack<N extends AttackName>(name: N, data: AttackData, options?: AttackOptionsMap[N]): AttackResult {
  if (!isAttackName(name)) {
    invalid(`Unknown attack ${show(name)}; expected one of ${ATTACK_NAMES.join(', ')}.`, { field: 'name', value: name });
  }
  const attack = ATTACKS[name] as AttackFunction<N>;
  return attack(data, options);
}
