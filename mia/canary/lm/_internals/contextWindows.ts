/**
 * Context windows: the `context` ids before each target position, 0 (padding) before the start of
 * the sequence. The im2col of the character model's first layer, done on integer ids.
 */

/**
 * Writes the windows of targets start, start + 1, …, start + count − 1 of `ids` into `out` from
 * `offset`: out[offset + t·context + j] = ids[start + t − context + j], or 0 where that index is < 0.
 * @param ids - the sequence (a document, or preceding text + candidate).
 * @param start - first target position.
 * @param count - number of targets.
 * @param context - window length.
 * @param out - destination (row-major [count, context] from `offset`).
 * @param offset - where the first window starts in `out`.
 */
export function writeWindows(ids: ArrayLike<number>, start: number, count: number, context: number, out: Float32Array | Int32Array, offset: number): void {
  for (let t = 0; t < count; t++) {
    const base = start + t - context;
    const row = offset + t * context;
    for (let j = 0; j < context; j++) {
      const k = base + j;
      out[row + j] = k >= 0 ? ids[k] : 0;
    }
  }
}
