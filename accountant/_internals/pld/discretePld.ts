/**
 * Discrete privacy-loss distributions (PLDs) on the grid {iΔ}: P-masses of the privacy loss plus a
 * mass at +∞, their composition by FFT convolution, and conversion to (ε, δ).
 *
 * δ(ε) = m_∞ + Σ_i m_i·(1 − e^{ε − iΔ})₊ (Meiser & Mohammadi 2018, "Tight on budget?", Thm 1;
 * Sommer, Meiser & Mohammadi 2019, Lemma 5). Composition of mechanisms = convolution of their PLDs
 * (Koskela, Jälkö & Honkela 2020, arXiv 1906.03049, §4), computed by FFT; self-composition raises the
 * transform to the T-th power (dp_accounting `common.self_convolve`). Tail mass outside a Chernoff
 * window is counted pessimistically into m_∞.
 */
import FFT from 'fft.js';
import { PrivkitError } from '../../PrivkitError.js';
import { log1mExp, logAddExp, logSubExp } from '../../base/logMath.js';

import { profileDelta, type LossProfile } from './lossProfiles.js';

/** A PLD on the grid: `masses[k]` is the P-mass of loss (offset + k)·interval. */
export interface DiscretePld {
  readonly interval: number;
  readonly offset: number;
  readonly masses: Float64Array;
  readonly infinityMass: number;
}

/** The PLD of a mechanism that reveals nothing (loss 0 with probability 1). */
export function identityPld(interval: number): DiscretePld {
  return { interval, offset: 0, masses: Float64Array.of(1), infinityMass: 0 };
}

/**
 * Pessimistic "connect-the-dots" discretisation (Doroshenko, Ghazi, Kamath, Kumar & Manurangsi 2022,
 * "Connect the Dots: Tighter Discrete Approximations of Privacy Loss Distributions", arXiv 2207.04380,
 * Thm 3.2): the discrete PLD whose δ(ε) equals the true δ at every grid point and interpolates it
 * linearly in e^ε in between. Since δ is convex in e^ε, the interpolation lies above it: a dominating
 * pair, tighter than rounding losses up.
 *
 * Construction used here (equivalent, and free of second differences): on each grid interval
 * (ε_j, ε_{j+1}] the Q-mass q_j is split between the two end points so that both the Q-mass and the
 * P-mass p_j = ∫e^L dQ are preserved: r_j = (p_j − e^{ε_j}q_j)/(e^{ε_{j+1}} − e^{ε_j}) ∈ [0, q_j] goes
 * up, q_j − r_j stays down. P-mass below the grid is lumped at ε_0 (rounding up); above the last grid
 * point the Q-mass is put there and the excess P-mass, δ(ε_n), goes to +∞.
 */
export function discretizeProfile(profile: LossProfile, interval: number): DiscretePld {
  // A loss range beyond ±LOSS_LIMIT (σ ≲ 1e-150: the loss 1/(2σ²) overflows) is cut there: P-mass
  // above the top goes to +∞ below, P-mass below the bottom is rounded up to it (both pessimistic).
  const lo = Math.max(profile.lo, -LOSS_LIMIT);
  const hi = Math.min(profile.hi, LOSS_LIMIT);
  if (!(lo <= hi)) {
    throw new PrivkitError('INTERNAL', `PLD loss range [${profile.lo}, ${profile.hi}] cannot be discretised with interval ${interval}.`);
  }
  if (!((hi - lo) / interval < 2 ** 1000)) {
    // Range/interval overflows (a tiny interval option and a huge range): coarsen by 2^k first, k
    // from the logs, in two factors since 2^k alone may overflow.
    const k = Math.ceil(Math.log2(hi - lo) - Math.log2(interval) - Math.log2(MAX_GRID_POINTS));
    return discretizeProfile(profile, interval * 2 ** Math.floor(k / 2) * 2 ** Math.ceil(k / 2));
  }
  const iLo = Math.floor(lo / interval);
  // At least two grid points, even when the whole range lies inside one cell (σ ≳ 1e100: every loss
  // is within 1e-100 of 0) or is a single point.
  const iHi = Math.max(Math.ceil(hi / interval), iLo + 1);
  const n = iHi - iLo + 1;
  if (n > MAX_GRID_POINTS) return discretizeProfile(profile, interval * nextPow2(Math.ceil(n / MAX_GRID_POINTS)));
  // Tails at every grid point; complements only where a tail exceeds 1/2, so that each interval
  // probability is a difference of two numbers ≤ 1/2 (no cancellation against 1).
  const tailP = new Float64Array(n);
  const tailQ = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const eps = (iLo + j) * interval;
    tailP[j] = profile.logTailP(eps);
    tailQ[j] = profile.logTailQ(eps);
  }
  const logHead = (logTail: Float64Array, head: (eps: number) => number, j: number): number =>
    logTail[j] < -Math.LN2 ? log1mExp(logTail[j]) : head((iLo + j) * interval);
  // log P(ε_j < L ≤ ε_{j+1}) from whichever side keeps both terms ≤ 1/2.
  const logIntervalProb = (logTail: Float64Array, head: (eps: number) => number, j: number): number => {
    if (logTail[j] <= -Math.LN2) return logSubExp(logTail[j], logTail[j + 1]);
    if (logTail[j + 1] >= -Math.LN2) return logSubExp(head((iLo + j + 1) * interval), head((iLo + j) * interval));
    const rest = Math.exp(logHead(logTail, head, j)) + Math.exp(logTail[j + 1]);
    return rest < 1 ? Math.log1p(-rest) : -Infinity;
  };
  const masses = new Float64Array(n);
  const expm1D = Math.expm1(interval);
  // Everything at or below ε_0 is rounded up to ε_0.
  masses[0] += Math.exp(logHead(tailP, profile.logHeadP, 0));
  for (let j = 0; j < n - 1; j++) {
    const eps = (iLo + j) * interval;
    const lp = logIntervalProb(tailP, profile.logHeadP, j);
    if (!connectable(eps, interval)) {
      // Rounded up to ε_{j+1}: the P-mass, taken as it is (pessimistic, like coarsen()).
      if (lp > -Infinity) masses[j + 1] += Math.exp(lp);
      continue;
    }
    const lq = logIntervalProb(tailQ, profile.logHeadQ, j);
    if (lp === -Infinity && lq === -Infinity) continue;
    if (lq === -Infinity) {
      masses[j + 1] += Math.exp(lp); // cannot happen for a true pair; rounding up is safe
      continue;
    }
    // Fraction f = r/q of the interval's Q-mass that goes up: f = (p/(e^{ε_j}q) − 1)/(e^Δ − 1) ∈ [0, 1].
    let f = Math.expm1(lp - eps - lq) / expm1D;
    if (!(f >= 0)) f = 0; // rounding only
    if (f > 1) f = 1;
    masses[j] += Math.exp(eps + lq) * (1 - f);
    masses[j + 1] += Math.exp(eps + interval + lq) * f;
  }
  const epsN = iHi * interval;
  if (!connectable(epsN, 0)) {
    // All P-mass above the last grid point goes to +∞.
    return { interval, offset: iLo, masses, infinityMass: Math.exp(tailP[n - 1]) };
  }
  masses[n - 1] += Math.exp(epsN + tailQ[n - 1]);
  const infinityMass = profileDelta(profile, epsN);
  return { interval, offset: iLo, masses, infinityMass };
}

/**
 * Losses are cut at ±LOSS_LIMIT, so that every grid point and every composed loss stays a finite
 * double (mass beyond it is counted pessimistically, see {@link discretizeProfile}).
 */
export const LOSS_LIMIT = 1e300;

/**
 * Largest |loss| at which connect-the-dots is used. It forms P-masses as e^{ε + log Q}, whose
 * exponent carries an absolute error of ~|ε|·1e-16 (a relative error of 1e-10 in the mass at 1e6);
 * beyond it, and where e^Δ overflows, each interval's P-mass is rounded up to its upper grid point
 * instead, which needs no Q-mass at all. Only mechanisms with σ ≲ 1e-3 (ε in the millions) get there.
 */
const CONNECT_LIMIT = 1e6;

function connectable(eps: number, interval: number): boolean {
  return Math.abs(eps) <= CONNECT_LIMIT && Math.abs(eps + interval) <= CONNECT_LIMIT && interval < 700;
}

/**
 * ε(δ) of a discrete PLD: the smallest ε with δ(ε) ≤ δ, solved exactly between grid points
 * (δ(ε) = S_P − e^ε·S_Q there). Clamped at 0.
 */
export function epsilonForDelta(pld: DiscretePld, delta: number): number {
  const { masses, offset, interval } = pld;
  if (pld.infinityMass > delta) return Infinity;
  let sP = pld.infinityMass;
  let logSQ = -Infinity; // log Σ m_i e^{−ε_i} over the masses above; in logs, ε can exceed 709
  for (let k = masses.length - 1; k >= 0; k--) {
    const eps = (offset + k) * interval;
    // δ on [ε_k, ε_{k+1}) is sP − e^{ε + logSQ} with the masses above k.
    if (sP - Math.exp(eps + logSQ) > delta) return Math.max(0, Math.log(sP - delta) - logSQ);
    const m = masses[k];
    if (m > 0) {
      sP += m;
      logSQ = logAddExp(logSQ, Math.log(m) - eps);
    }
  }
  if (sP <= delta || logSQ === -Infinity) return 0;
  return Math.max(0, Math.log(sP - delta) - logSQ);
}

/**
 * δ(ε) of a discrete PLD. Small δ is summed term by term, m_i·(1 − e^{ε − ε_i}), free of cancellation;
 * δ > 1/2 is formed as S_P − e^{ε + log S_Q} from the same top-down sums, in the same order, as
 * {@link epsilonForDelta}, so the two functions invert each other to ~1e-10 even as δ → 1.
 */
export function deltaForEpsilon(pld: DiscretePld, epsilon: number): number {
  const { masses, offset, interval } = pld;
  if (epsilon === Infinity) return pld.infinityMass;
  let sP = pld.infinityMass;
  let logSQ = -Infinity;
  let termwise = 0;
  for (let k = masses.length - 1; k >= 0; k--) {
    const eps = (offset + k) * interval;
    if (eps <= epsilon) break;
    const m = masses[k];
    if (m > 0) {
      sP += m;
      logSQ = logAddExp(logSQ, Math.log(m) - eps);
      termwise += m * -Math.expm1(epsilon - eps);
    }
  }
  const accumulated = sP - Math.exp(epsilon + logSQ);
  return Math.min(1, accumulated > 0.5 ? accumulated : pld.infinityMass + termwise);
}

/**
 * Largest grid (points) a composition may use. Beyond it the grid is coarsened by a power of two,
 * which rounds losses up and so keeps the PLD pessimistic (a valid upper bound, less tight).
 */
export const MAX_GRID_POINTS = 1 << 22;

/**
 * Coarsens a PLD to the grid of width `factor`·interval by moving each mass UP to the next coarse
 * point (rounding losses up is pessimistic: δ(ε) = E[(1 − e^{ε−L})₊] grows with L).
 */
export function coarsen(pld: DiscretePld, factor: number): DiscretePld {
  if (factor === 1) return pld;
  const firstCoarse = Math.ceil(pld.offset / factor);
  const lastCoarse = Math.ceil((pld.offset + pld.masses.length - 1) / factor);
  const masses = new Float64Array(lastCoarse - firstCoarse + 1);
  for (let k = 0; k < pld.masses.length; k++) masses[Math.ceil((pld.offset + k) / factor) - firstCoarse] += pld.masses[k];
  return { interval: pld.interval * factor, offset: firstCoarse, masses, infinityMass: pld.infinityMass };
}

const fftCache = new Map<number, FFT>();

/** fft.js precomputes twiddle tables per size; building them costs as much as a transform. */
function fftOfSize(size: number): FFT {
  let fft = fftCache.get(size);
  if (fft === undefined) {
    if (fftCache.size >= 8) fftCache.delete(fftCache.keys().next().value as number);
    fft = new FFT(size);
    fftCache.set(size, fft);
  }
  return fft;
}

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** Forward real FFT into a full complex spectrum (interleaved re, im). */
function spectrum(fft: FFT, input: Float64Array): Float64Array {
  const out = new Float64Array(2 * input.length);
  fft.realTransform(out, input);
  fft.completeSpectrum(out);
  return out;
}

function inverseReal(fft: FFT, spec: Float64Array): Float64Array {
  const out = new Float64Array(spec.length);
  fft.inverseTransform(out, spec);
  const real = new Float64Array(spec.length / 2);
  for (let i = 0; i < real.length; i++) {
    const v = out[2 * i];
    real[i] = v > 0 ? v : 0; // FFT round-off can leave tiny negatives
  }
  return real;
}

/** log Σ_k m_k e^{t·k} over the support (indices `ks`, log-masses `lms`), in one pass. */
function logMgf(ks: Float64Array, lms: Float64Array, t: number): number {
  let max = -Infinity;
  let s = 0;
  for (let i = 0; i < ks.length; i++) {
    const v = lms[i] + t * ks[i];
    if (v > max) {
      s = s * Math.exp(max - v) + 1;
      max = v;
    } else {
      s += Math.exp(v - max);
    }
  }
  return max + Math.log(s);
}

/**
 * Minimises a unimodal function of log t by golden-section search over t ∈ [lo, hi].
 * @returns the least value seen and the t where it was seen.
 */
function goldenMin(f: (t: number) => number, lo: number, hi: number, iterations: number): [value: number, at: number] {
  let a = Math.log(lo);
  let b = Math.log(hi);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(Math.exp(c));
  let fd = f(Math.exp(d));
  let best = Math.min(fc, fd);
  let at = fc <= fd ? c : d;
  for (let i = 0; i < iterations; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(Math.exp(d));
    }
    if (fc < best) [best, at] = [fc, c];
    if (fd < best) [best, at] = [fd, d];
  }
  return [best, Math.exp(at)];
}

/**
 * Support size above which the Chernoff parameter t is searched on a binned copy of the masses
 * (PROXY_BINS bins) and only the bound at the t found is evaluated on the full support: any t > 0
 * gives a valid bound, the search only makes it tight, and 40 passes over millions of points (σ ≲ 0.1)
 * took seconds.
 */
const PROXY_SUPPORT = 1 << 16;
const PROXY_BINS = 1 << 12;

/**
 * Chernoff window [lo, hi] (relative indices of the T-fold sum) outside which the sum has at most
 * `tailMass`/2 on each side: P(S ≥ a) ≤ e^{T·K(t) − t·a}, P(S ≤ a) ≤ e^{T·K(−t) + t·a} for t > 0, K the
 * log-MGF (dp_accounting `common.compute_self_convolve_bounds`). (T·K(t) − log(τ/2))/t is the slope of
 * a chord of a convex function from a point below it, hence unimodal in t.
 */
function chernoffWindow(masses: Float64Array, count: number, tailMass: number): [number, number] {
  const n = masses.length;
  let support = 0;
  let total = 0;
  let mean = 0;
  for (let k = 0; k < n; k++) {
    if (masses[k] > 0) {
      support++;
      total += masses[k];
      mean += k * masses[k];
    }
  }
  mean /= total;
  let variance = 0;
  for (let k = 0; k < n; k++) if (masses[k] > 0) variance += masses[k] * (k - mean) ** 2;
  variance = Math.max(variance / total, 1e-12);
  const ks = new Float64Array(support);
  const lms = new Float64Array(support);
  const ksMirror = new Float64Array(support);
  for (let k = 0, i = 0; k < n; k++) {
    if (masses[k] > 0) {
      ks[i] = k;
      ksMirror[i] = n - 1 - k; // the lower tail is the upper tail of the mirrored distribution
      lms[i] = Math.log(masses[k]);
      i++;
    }
  }
  const logTail = Math.log(tailMass / 2);
  // The optimal t is near √(2·log(2/τ)/(T·Var)) for a sum close to Gaussian; search 6 decades around it.
  const t0 = Math.sqrt((2 * -logTail) / (count * variance));
  const bound = (k: Float64Array, l: Float64Array) => (t: number) => (count * logMgf(k, l, t) - logTail) / t;
  let upper: number;
  let lowerFromTop: number;
  if (support <= PROXY_SUPPORT) {
    [upper] = goldenMin(bound(ks, lms), t0 * 1e-3, t0 * 1e3, 20);
    [lowerFromTop] = goldenMin(bound(ksMirror, lms), t0 * 1e-3, t0 * 1e3, 20);
  } else {
    const up = binned(masses, false);
    const down = binned(masses, true);
    upper = bound(ks, lms)(goldenMin(bound(up.ks, up.lms), t0 * 1e-3, t0 * 1e3, 20)[1]);
    lowerFromTop = bound(ksMirror, lms)(goldenMin(bound(down.ks, down.lms), t0 * 1e-3, t0 * 1e3, 20)[1]);
  }
  const maxSum = count * (n - 1);
  const hi = Math.min(maxSum, Math.ceil(upper));
  const lo = Math.max(0, Math.floor(maxSum - lowerFromTop));
  return lo <= hi ? [lo, hi] : [0, maxSum];
}

/** The masses summed into PROXY_BINS bins of consecutive indices, at each bin's top index (of the mirror if `mirrored`). */
function binned(masses: Float64Array, mirrored: boolean): { ks: Float64Array; lms: Float64Array } {
  const n = masses.length;
  const width = Math.ceil(n / PROXY_BINS);
  const bins = Math.ceil(n / width);
  const ks = new Float64Array(bins);
  const sums = new Float64Array(bins);
  for (let k = 0; k < n; k++) {
    const index = mirrored ? n - 1 - k : k;
    const b = Math.floor(index / width);
    sums[b] += masses[k];
    ks[b] = Math.max(ks[b], index);
  }
  let used = 0;
  for (let b = 0; b < bins; b++) if (sums[b] > 0) used++;
  const out = { ks: new Float64Array(used), lms: new Float64Array(used) };
  for (let b = 0, i = 0; b < bins; b++) {
    if (sums[b] > 0) {
      out.ks[i] = ks[b];
      out.lms[i++] = Math.log(sums[b]);
    }
  }
  return out;
}

/**
 * T-fold self-composition. Where the sum's Chernoff window fits in {@link MAX_GRID_POINTS}: FFT,
 * elementwise T-th power, inverse FFT over that window, the remaining ≤ `tailMass` added to m_∞
 * (pessimistic). Beyond that (T ≳ 10^7 at the default grid), by repeated squaring,
 * pld^T = (pld^⌊T/2⌋)²·pld^(T mod 2), from the largest power one transform holds, on a grid of at most
 * {@link SQUARING_GRID_POINTS} points per factor that is coarsened by powers of two (rounding losses
 * up, see {@link coarsen}) as the sum spreads: at most 2·log2(T) convolutions, each adding ≤
 * `tailMass` to m_∞, so T up to 2^53 takes seconds, in a loop (no recursion). (The
 * truncated tails add up: with T/10^7 factors, δ below ~T·1e-22 cannot be certified at the default
 * truncation, and ε is then +∞, an upper bound.)
 */
export function selfCompose(pld: DiscretePld, count: number, tailMass: number): DiscretePld {
  if (count === 0) return identityPld(pld.interval);
  if (count === 1) return pld;
  const [lo, hi] = chernoffWindow(pld.masses, count, tailMass);
  if (hi - lo + 1 <= MAX_GRID_POINTS) return fftPower(pld, count, tailMass, lo, hi);
  return powerBySquaring(pld, count, tailMass);
}

/** Grid points of each factor on the squaring path of {@link selfCompose}; a product has twice as many. */
export const SQUARING_GRID_POINTS = 1 << 17;

/**
 * pld^count by repeated squaring, iteratively, for a count whose window (`width` points) is too wide
 * for one transform. The base is pld^⌊count/2^k⌋ for the least k whose window fits in
 * MAX_GRID_POINTS: the fewer copies of it are multiplied, the less the truncated tails (≤ `tailMass`
 * per product, doubled by every later squaring) and the roundings-up add up. A window is at least
 * the Gaussian one, 2·√(2·c·Var·log(2/τ)) points, which skips, without computing their windows (each
 * costs passes over the support), the counts c that clearly do not fit.
 */
function powerBySquaring(pld: DiscretePld, count: number, tailMass: number): DiscretePld {
  const variance = varianceOf(pld.masses);
  let k = 1;
  let base: DiscretePld;
  for (;; k++) {
    const c = Math.floor(count / 2 ** k);
    if (c <= 1) {
      base = pld;
      break;
    }
    if (2 * Math.sqrt(2 * c * variance * Math.log(2 / tailMass)) > 1.2 * MAX_GRID_POINTS) continue;
    const [lo, hi] = chernoffWindow(pld.masses, c, tailMass);
    if (hi - lo + 1 <= MAX_GRID_POINTS) {
      base = fftPower(pld, c, tailMass, lo, hi);
      break;
    }
  }
  // Invariant: result = pld^⌊count/2^j⌋, from j = k down to 0.
  let result = base;
  for (let j = k - 1; j >= 0; j--) {
    const half = fitGrid(result, SQUARING_GRID_POINTS);
    result = compose(half, half, tailMass);
    if (Math.floor(count / 2 ** j) % 2 === 1) {
      result = compose(fitGrid(result, SQUARING_GRID_POINTS), fitGrid(pld, SQUARING_GRID_POINTS), tailMass);
    }
  }
  return result;
}

/** Variance of the grid index under `masses` (normalised). */
function varianceOf(masses: Float64Array): number {
  let total = 0;
  let mean = 0;
  for (let k = 0; k < masses.length; k++) {
    total += masses[k];
    mean += k * masses[k];
  }
  mean /= total;
  let variance = 0;
  for (let k = 0; k < masses.length; k++) variance += masses[k] * (k - mean) ** 2;
  return variance / total;
}

/** `pld` coarsened by the least power of two that leaves it at most `points` points long. */
function fitGrid(pld: DiscretePld, points: number): DiscretePld {
  let factor = 1;
  while (Math.ceil(pld.masses.length / factor) + 1 > points) factor *= 2;
  return coarsen(pld, factor);
}

function fftPower(pld: DiscretePld, count: number, tailMass: number, lo: number, hi: number): DiscretePld {
  const infinityMass = Math.min(1, -Math.expm1(count * Math.log1p(-pld.infinityMass)));
  const size = nextPow2(hi - lo + 1);
  const input = new Float64Array(size);
  for (let k = 0; k < pld.masses.length; k++) input[k % size] += pld.masses[k];
  const fft = fftOfSize(size);
  const spec = spectrum(fft, input);
  // The input is real, so the spectrum is Hermitian: raise bins 0…size/2 and mirror the rest.
  for (let i = 0; i <= size; i += 2) {
    const re = spec[i];
    const im = spec[i + 1];
    const r = Math.hypot(re, im);
    if (r === 0) continue;
    const mag = Math.exp(count * Math.log(r));
    const ang = count * Math.atan2(im, re);
    spec[i] = mag * Math.cos(ang);
    spec[i + 1] = mag * Math.sin(ang);
  }
  for (let i = size + 2; i < spec.length; i += 2) {
    spec[i] = spec[2 * size - i];
    spec[i + 1] = -spec[2 * size - i + 1];
  }
  const circular = inverseReal(fft, spec);
  const width = hi - lo + 1;
  const masses = new Float64Array(width);
  for (let s = lo; s <= hi; s++) masses[s - lo] = circular[s % size];
  return {
    interval: pld.interval,
    offset: count * pld.offset + lo,
    masses,
    infinityMass: Math.min(1, infinityMass + tailMass),
  };
}

/**
 * Composition of two PLDs by FFT convolution; afterwards, at most `tailMass`/2 is trimmed from each
 * end: the lower end's mass is moved up to the first kept point, the upper end's goes to m_∞.
 */
export function compose(a: DiscretePld, b: DiscretePld, tailMass: number): DiscretePld {
  if (a.masses.length === 1 && a.offset === 0 && a.infinityMass === 0 && a.masses[0] === 1) return b;
  if (b.masses.length === 1 && b.offset === 0 && b.infinityMass === 0 && b.masses[0] === 1) return a;
  // Grids are Δ·2^j: bring both to the coarser one, then keep the result within MAX_GRID_POINTS.
  if (a.interval !== b.interval) {
    return a.interval < b.interval
      ? compose(coarsen(a, Math.round(b.interval / a.interval)), b, tailMass)
      : compose(a, coarsen(b, Math.round(a.interval / b.interval)), tailMass);
  }
  if (a.masses.length + b.masses.length - 1 > MAX_GRID_POINTS) return compose(coarsen(a, 2), coarsen(b, 2), tailMass);
  const n = a.masses.length + b.masses.length - 1;
  const size = nextPow2(n);
  const fft = fftOfSize(size);
  const ia = new Float64Array(size);
  ia.set(a.masses);
  const ib = new Float64Array(size);
  ib.set(b.masses);
  const sa = spectrum(fft, ia);
  const sb = spectrum(fft, ib);
  for (let i = 0; i < sa.length; i += 2) {
    const re = sa[i] * sb[i] - sa[i + 1] * sb[i + 1];
    const im = sa[i] * sb[i + 1] + sa[i + 1] * sb[i];
    sa[i] = re;
    sa[i + 1] = im;
  }
  const full = inverseReal(fft, sa).subarray(0, n);
  let lo = 0;
  let lowMass = 0;
  while (lo < n - 1 && lowMass + full[lo] <= tailMass / 2) lowMass += full[lo++];
  let hi = n - 1;
  let highMass = 0;
  while (hi > lo && highMass + full[hi] <= tailMass / 2) highMass += full[hi--];
  const masses = full.slice(lo, hi + 1);
  masses[0] += lowMass;
  const infinityMass = Math.min(1, 1 - (1 - a.infinityMass) * (1 - b.infinityMass) + highMass);
  return { interval: a.interval, offset: a.offset + b.offset + lo, masses, infinityMass };
}

