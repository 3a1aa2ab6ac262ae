/** Text helpers shared by the report renderers. */

/** Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A table cell as text: integers as they are, other numbers to 4 significant digits, ±Infinity as
 * ±∞, `null` and `NaN` as an em dash.
 */
export function formatCell(value: string | number | null): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '—';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Rounds to `digits` significant digits so that inline chart data stays small. */
export function round(value: number, digits = 6): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}
