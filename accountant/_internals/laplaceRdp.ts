/**
 * RDP of the Laplace mechanism with L1 sensitivity 1 and scale b (Mironov 2017, "Rényi Differential
 * Privacy", Prop. 6 / Table II):
 *
 *   RDP(α) = 1/(α − 1) · log( α/(2α − 1)·e^{(α−1)/b} + (α − 1)/(2α − 1)·e^{−α/b} ),  α > 1,
 *
 * evaluated as a log-sum-exp so that large α/b does not overflow.
 */
import { logAddExp } from './logMath.js';

/**
 * @param scale - b > 0.
 * @param order - α > 1.
 * @returns RDP(α) in nats.
 */
export function rdpLaplace(scale: number, order: number): number {
  const a = order;
  const twoAm1 = 2 * a - 1;
  const logSum = logAddExp(Math.log(a / twoAm1) + (a - 1) / scale, Math.log((a - 1) / twoAm1) - a / scale);
  return logSum / (a - 1);
}
