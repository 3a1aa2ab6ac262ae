/**
 * Accountant benchmark: `npm run bench` prints one JSON object.
 *
 * - rdpQuery1e6Steps: ε of 1e6 Poisson-sampled Gaussian steps, cold (per-order RDP computed from
 *   scratch: a new σ each repetition) and warm (the per-order vector cached). Goals: < 5 ms, < 1 ms.
 * - pld1e4Steps: PLD ε of 1e4 steps at q = 0.01, σ = 1.0. Goal ≤ 0.5 s (dp_accounting's time here).
 * - pldOverRdpEpsilon: ratio of the two accountants' ε in the classic MNIST setting and that one.
 * - calibration: σ for ε = 3 in the MNIST setting with each accountant, and its time.
 * Times are medians of several runs in this process after a warm-up; ratios compare figures measured
 * in the same run.
 */
import { PldAccountant, RdpAccountant, calibrateNoiseMultiplier, gaussian, poissonSampled } from '../accountant/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Runs the accountant figures. */
export function accountantBench() {
const delta = 1e-5;
const rdpCold: number[] = [];
const rdpWarm: number[] = [];
// Warm-up lets the JIT compile the quadrature before timing; every timed "cold" query still computes
// its per-order RDP from scratch (a σ not seen before, so the cache misses).
for (let i = 0; i < 20; i++) new RdpAccountant().compose(poissonSampled(0.02, gaussian(2 + i * 1e-6)), 10).getEpsilon(delta);
for (let i = 0; i < 15; i++) {
  const event = poissonSampled(0.01, gaussian(1 + i * 1e-6));
  rdpCold.push(time(() => new RdpAccountant().compose(event, 1_000_000).getEpsilon(delta)));
  rdpWarm.push(time(() => new RdpAccountant().compose(event, 1_000_000).getEpsilon(delta)));
}

const pldTimes: number[] = [];
let pldEps = 0;
for (let i = 0; i < 3; i++) {
  pldTimes.push(time(() => (pldEps = new PldAccountant().compose(poissonSampled(0.01, gaussian(1.0)), 10_000).getEpsilon(delta))));
}
const rdpEps = new RdpAccountant().compose(poissonSampled(0.01, gaussian(1.0)), 10_000).getEpsilon(delta);
const mnist = poissonSampled(256 / 60000, gaussian(1.1));
const mnistRdp = new RdpAccountant().compose(mnist, 14063).getEpsilon(delta);
const mnistPld = new PldAccountant().compose(mnist, 14063).getEpsilon(delta);

const calibration = (['rdp', 'pld'] as const).map((accountant) => {
  let sigma = 0;
  const ms = time(() => (sigma = calibrateNoiseMultiplier({ targetEpsilon: 3, delta, sampleRate: 256 / 60000, steps: 14063, accountant })));
  return { accountant, noiseMultiplier: sigma, ms };
});

const out = {
  rdpQuery1e6Steps: {
    coldMs: median(rdpCold),
    warmMs: median(rdpWarm),
    goalColdMs: 5,
    goalWarmMs: 1,
    coldOverGoal: median(rdpCold) / 5,
    warmOverGoal: median(rdpWarm) / 1,
  },
  pld1e4Steps: { q: 0.01, sigma: 1.0, ms: median(pldTimes), goalMs: 500, overGoal: median(pldTimes) / 500, epsilon: pldEps },
  pldOverRdpEpsilon: {
    'q=0.01,σ=1,T=1e4': { pld: pldEps, rdp: rdpEps, ratio: pldEps / rdpEps },
    'MNIST q=256/60000,σ=1.1,T=14063': { pld: mnistPld, rdp: mnistRdp, ratio: mnistPld / mnistRdp },
  },
  calibrationMnistEpsilon3: calibration,
};
return out;
}
