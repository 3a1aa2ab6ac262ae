/**
 * What both accountants accept: Gaussian, Laplace, Poisson subsampling of a Gaussian (or of noOp),
 * compositions of those, nonPrivate and noOp. `compose` checks the whole event here before it
 * changes any state.
 */
import { PrivkitError } from '../PrivkitError.js';
import { describeEvent, validateEvent, type DpEvent } from '../DpEvent.js';
import type { AccountantKind, AccountantState, LedgerEntry } from '../PrivacyAccountant.js';
import { requireInteger } from './validate.js';

/** The first sub-event an accountant cannot handle, or null. */
export function unsupportedPart(event: DpEvent): DpEvent | null {
  switch (event.kind) {
    case 'gaussian':
    case 'laplace':
    case 'nonPrivate':
    case 'noOp':
      return null;
    case 'poissonSampled':
      return event.event.kind === 'gaussian' || event.event.kind === 'noOp' || event.sampleRate === 0 ? null : event;
    case 'selfComposed':
      return unsupportedPart(event.event);
    case 'composed':
      for (const e of event.events) {
        const bad = unsupportedPart(e);
        if (bad !== null) return bad;
      }
      return null;
  }
}

/**
 * Validates `event` and `count` for `compose` and returns the frozen event.
 * @throws PrivkitError `INVALID_ARGUMENT`, or `UNSUPPORTED_EVENT` naming the sub-event.
 */
export function checkCompose(accountantName: string, event: DpEvent, count: number): DpEvent {
  const checked = validateEvent(event);
  requireInteger('count', count, 0);
  const bad = unsupportedPart(checked);
  if (bad !== null) {
    throw new PrivkitError(
      'UNSUPPORTED_EVENT',
      `${accountantName} does not support ${describeEvent(bad)}: only a Gaussian (or noOp) can be Poisson-subsampled.`,
      { event: bad },
    );
  }
  return checked;
}

/**
 * The ledger of a serialised accountant state, after checking that it is of `kind`.
 * @throws PrivkitError `INVALID_ARGUMENT` for a malformed state.
 */
export function ledgerOfState(state: AccountantState, kind: AccountantKind): readonly LedgerEntry[] {
  if (state?.accountant !== kind) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`state.accountant\` must be "${kind}"; got ${JSON.stringify(state?.accountant)}.`);
  }
  if (!Array.isArray(state.ledger)) throw new PrivkitError('INVALID_ARGUMENT', '`state.ledger` must be an array.');
  return state.ledger;
}
