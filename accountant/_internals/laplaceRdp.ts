/**
 * RDP of the Laplace mechanism with L1 sensitivity 1 and scale b (Mironov 2017, "Rényi Differential
 * Privacy", Prop. 6 / Table II):
 *
 *   RDP(α) = 1/(α − 1) · log( α/(2α − 1)·e^{(α−1)/b} + (α − 1)/(2α − 1)·e^{−α/b} ),  α > 1,
 *
 * evaluated as a log-sum-exp so that large α/b does not overflow. For small α/b the two terms are
 * 1 ± O(α/b) and their sum 1 + α(α−1)/(2b²) + …: there the bracket minus 1 is summed as a series
 * (below), free of the cancellation that made large b give a negative RDP.
 */
import { logAddExp } from '../base/logMath.js';

/** Below this α/b the series is used (its terms shrink at least tenfold each). */
const SERIES_LIMIT = 0.1;

/**
 * @param scale - b > 0.
 * @param order - α > 1.
 * @returns RDP(α) in nats, ≥ 0 (0 only where it underflows).
 */
export function rdpLaplace(scale: number, order: number): number {
  const a = order;
  const twoAm1 = 2 * a - 1;
  const x = 1 / scale;
  if (a * x < SERIES_LIMIT) {
    // a·e^{(a−1)x} + (a−1)·e^{−ax} − (2a − 1) = Σ_{n≥2} a(a−1)x·[((a−1)x)^{n−1} + (−1)^n (ax)^{n−1}] / n!,
    // the n = 1 terms cancelling exactly; each bracket is ≤ 2·(ax)^{n−1}, so 25 terms reach 1e-25.
    const lead = a * (a - 1) * x;
    let up = 1; // ((a−1)x)^{n−1}
    let down = 1; // (−ax)^{n−1}·(−1)… kept as (ax)^{n−1} with the sign applied below
    let factorial = 1;
    let sum = 0;
    for (let n = 2; n <= 26; n++) {
      up *= (a - 1) * x;
      down *= a * x;
      factorial *= n;
      sum += (lead * (up + (n % 2 === 0 ? down : -down))) / factorial;
    }
    return Math.log1p(sum / twoAm1) / (a - 1);
  }
  const logSum = logAddExp(Math.log(a / twoAm1) + (a - 1) / scale, Math.log((a - 1) / twoAm1) - a / scale);
  return logSum / (a - 1);
}
