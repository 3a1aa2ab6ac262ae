/**
 * The attack names privkit accepts (as on the command line), in a fixed order: cheapest first.
 */
import type { AttackName } from './AttackData.js';

const NAMES = ['loss', 'shokri', 'lira', 'lira-offline', 'rmia'] as const satisfies readonly AttackName[];
// Fails to compile if a name is added to AttackName but not to NAMES.
type Missing = Exclude<AttackName, (typeof NAMES)[number]>;
const EXHAUSTIVE: [Missing] extends [never] ? true : false = true;
void EXHAUSTIVE;

/**
 * Every {@link AttackName}, once each, in the order the CLI lists them. A compile-time check below
 * keeps the list and the type in step.
 *
 * @example
 * ```ts
 * for (const name of ATTACK_NAMES) console.log(name, minShadowModels(name));
 * ```
 */
export const ATTACK_NAMES: readonly AttackName[] = Object.freeze(NAMES);

/**
 * Whether `name` is one of {@link ATTACK_NAMES} (for input from a command line or a file).
 * @param name - any value.
 * @returns true when `name` is an {@link AttackName}.
 * @example
 * ```ts
 * isAttackName('lira'); // true
 * isAttackName('lira-online'); // false
 * ```
 */
export function isAttackName(name: unknown): name is AttackName {
  return typeof name === 'string' && (ATTACK_NAMES as readonly string[]).includes(name);
}
