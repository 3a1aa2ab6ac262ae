/**
 * What both accountants accept: Gaussian, Laplace, Poisson subsampling of a Gaussian (or of noOp),
 * compositions of those, nonPrivate and noOp. `compose` checks the whole event here before it
 * changes any state.
 */
import { PrivkitError } from '../PrivkitError.js';
import { describeEvent, validateEvent, type DpEvent } from '../DpEvent.js';
import type { AccountantKind, AccountantState, LedgerEntry } from '../PrivacyAccountant.js';
import { requireInteger, show } from '../base/check.js';

/**
 * The first sub-event an accountant cannot handle, or null. `event` must be validated (so at most
 * MAX_EVENT_DEPTH deep); `clean` holds the sub-events already found supported, so that a sub-event
 * shared by several parents is walked once and the walk is linear in the number of distinct events.
 */
export function unsupportedPart(event: DpEvent, clean = new Set<DpEvent>()): DpEvent | null {
  if (clean.has(event)) return null;
  let bad: DpEvent | null = null;
  switch (event.kind) {
    case 'gaussian':
    case 'laplace':
    case 'nonPrivate':
    case 'noOp':
      return null;
    case 'poissonSampled':
      return event.event.kind === 'gaussian' || event.event.kind === 'noOp' || event.sampleRate === 0 ? null : event;
    case 'selfComposed':
      bad = unsupportedPart(event.event, clean);
      break;
    case 'composed':
      for (const e of event.events) {
        bad = unsupportedPart(e, clean);
        if (bad !== null) break;
      }
      break;
  }
  if (bad === null) clean.add(event);
  return bad;
}

/**
 * `supports(event)` of both accountants: whether `compose` would accept it.
 * @throws PrivkitError `INVALID_ARGUMENT` when `event` is not a valid DP event (as `compose` would).
 */
export function supportsEvent(event: DpEvent): boolean {
  return unsupportedPart(validateEvent(event)) === null;
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
  if (typeof state !== 'object' || state === null || state.accountant !== kind) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`state.accountant\` must be "${kind}"; got ${show((state as { accountant?: unknown } | null)?.accountant)}.`);
  }
  if (state.options != null && (typeof state.options !== 'object' || Array.isArray(state.options))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`state.options\` must be an object; got ${show(state.options)}.`);
  }
  if (!Array.isArray(state.ledger)) throw new PrivkitError('INVALID_ARGUMENT', '`state.ledger` must be an array.');
  // Every entry is checked before the accountant composes any of them.
  return state.ledger.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`state.ledger[${i}]\` must be an object { event, count }; got ${show(entry)}.`);
    }
    const { event, count } = entry as Record<string, unknown>;
    try {
      return { event: validateEvent(event), count: requireInteger('count', count, 0) };
    } catch (e) {
      if (!(e instanceof PrivkitError)) throw e;
      throw new PrivkitError(e.code, `In \`state.ledger[${i}]\`: ${e.message}`, { ...e.details, entry: i });
    }
  });
}
