/**
 * The accountant interface (dp_accounting `privacy_accountant.py`): an accountant reads DP events,
 * composes them, and converts the total to (ε, δ). It checks a whole event before it changes any
 * state; an unsupported event is a `PrivkitError('UNSUPPORTED_EVENT')` naming the sub-event.
 */
import type { DpEvent } from './DpEvent.js';

/** One call of `compose(event, count)`, as recorded in the ledger. */
export interface LedgerEntry {
  readonly event: DpEvent;
  readonly count: number;
}

/** The accountants privkit ships. */
export type AccountantKind = 'rdp' | 'pld';

/** JSON form of an accountant: its kind, its options and its ledger; restoring replays the ledger. */
export interface AccountantState {
  readonly accountant: AccountantKind;
  readonly options: Readonly<Record<string, unknown>>;
  readonly ledger: readonly LedgerEntry[];
}

/** What every privkit accountant does. */
export interface PrivacyAccountant {
  /** Which accountant this is. */
  readonly kind: AccountantKind;
  /** Whether {@link compose} would accept `event` (every sub-event supported). */
  supports(event: DpEvent): boolean;
  /**
   * Adds `count` runs of `event` to the ledger.
   * @throws PrivkitError `UNSUPPORTED_EVENT` (state unchanged) or `INVALID_ARGUMENT`.
   */
  compose(event: DpEvent, count?: number): this;
  /** Smallest ε such that everything composed so far is (ε, δ)-DP; δ in (0, 1). */
  getEpsilon(delta: number): number;
  /** Smallest δ such that everything composed so far is (ε, δ)-DP; ε ≥ 0. */
  getDelta(epsilon: number): number;
  /** Every compose call so far, in order. */
  readonly ledger: readonly LedgerEntry[];
  /** JSON-serialisable state; `restoreAccountant(JSON.parse(JSON.stringify(state)))` gives an equal accountant. */
  toJSON(): AccountantState;
}
