/**
 * The RDP orders dp_accounting uses by default (`rdp_privacy_accountant.py`, `DEFAULT_RDP_ORDERS`):
 * 1 + x/10 for x = 1…99, then 11…63, 128, 256, 512, 1024 — 156 orders. Computed as `1 + x / 10`
 * exactly as there, so that each order is the same double.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 53 }, (_, i) => 11 + i),
  128,
  256,
  512,
  1024,
]);
