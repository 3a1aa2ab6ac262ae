/**
 * Accountant construction by name and restoration from JSON state (the ledger is replayed).
 */
import { PrivkitError } from './PrivkitError.js';
import type { AccountantKind, AccountantState, PrivacyAccountant } from './PrivacyAccountant.js';
import { PldAccountant, type PldAccountantOptions } from './PldAccountant.js';
import { RdpAccountant, type RdpAccountantOptions } from './RdpAccountant.js';

/** An accountant name, or a factory returning a fresh accountant. */
export type AccountantSpec = AccountantKind | (() => PrivacyAccountant);

/**
 * A fresh accountant of the given kind.
 * @param spec - 'rdp', 'pld', or a factory.
 * @param options - options of that accountant.
 * @returns an empty accountant.
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name.
 * @example
 * ```ts
 * const acc = createAccountant('pld', { valueDiscretizationInterval: 1e-4 });
 * ```
 */
export function createAccountant(spec: AccountantSpec = 'rdp', options: RdpAccountantOptions & PldAccountantOptions = {}): PrivacyAccountant {
  if (typeof spec === 'function') return spec();
  if (spec === 'rdp') return new RdpAccountant(options.orders === undefined ? {} : { orders: options.orders });
  if (spec === 'pld') {
    const { valueDiscretizationInterval, tailMassTruncation } = options;
    return new PldAccountant({ valueDiscretizationInterval, tailMassTruncation });
  }
  throw new PrivkitError('INVALID_ARGUMENT', `\`accountant\` must be one of rdp, pld; got ${JSON.stringify(spec)}.`);
}

/**
 * Rebuilds an accountant from its `toJSON()` state; ε and δ are exactly those of the original.
 * @param state - parsed JSON state.
 * @returns the restored accountant.
 * @throws PrivkitError `INVALID_ARGUMENT` for a malformed state.
 * @example
 * ```ts
 * const again = restoreAccountant(JSON.parse(JSON.stringify(acc.toJSON())));
 * ```
 */
export function restoreAccountant(state: AccountantState): PrivacyAccountant {
  if (state?.accountant === 'rdp') return RdpAccountant.fromJSON(state);
  if (state?.accountant === 'pld') return PldAccountant.fromJSON(state);
  throw new PrivkitError('INVALID_ARGUMENT', `\`state.accountant\` must be "rdp" or "pld"; got ${JSON.stringify(state?.accountant)}.`);
}
