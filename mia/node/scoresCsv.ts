/**
 * The per-example scores of a membership audit as CSV (`scores.csv` of `privkit audit mia`).
 */
import { JSON_NEGATIVE_INFINITY, JSON_POSITIVE_INFINITY } from '../../accountant/index.js';
import type { MembershipAudit } from '../auditMembership.js';

/**
 * The audit's scores as CSV: a header `row,member,<attack>,…`, then one line per example: its row
 * index, 1 for a member and 0 for a non-member, and each attack's score (higher = more likely a
 * member). Numbers follow privkit's JSON convention: shortest round-trip decimals, +∞ as `1e999`, −∞
 * as `-1e999` (pandas, Python's `float` and JavaScript's `Number` read both back), NaN as an empty cell.
 * @param audit - what auditMembership or auditFromLogits returned.
 * @returns the CSV text, newline-terminated.
 * @example
 * ```ts
 * writeFileAtomic('audit/scores.csv', scoresCsv(audit));
 * ```
 */
export function scoresCsv(audit: Pick<MembershipAudit, 'attacks' | 'isMember'>): string {
  const head = ['row', 'member', ...audit.attacks.map((a) => a.name)].join(',');
  const lines = [head];
  for (let i = 0; i < audit.isMember.length; i++) lines.push([i, audit.isMember[i], ...audit.attacks.map((a) => csvNumber(a.scores[i]))].join(','));
  return `${lines.join('\n')}\n`;
}

function csvNumber(x: number): string {
  if (Number.isFinite(x)) return String(x);
  if (Number.isNaN(x)) return '';
  return x > 0 ? JSON_POSITIVE_INFINITY : JSON_NEGATIVE_INFINITY;
}
