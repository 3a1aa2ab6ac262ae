/**
 * The binary classifier behind the Shokri et al. attack: a one-hidden-layer tanh network with a
 * sigmoid output (or, with 0 hidden units, logistic regression), trained full-batch with Adam on the
 * mean binary cross-entropy plus an L2 penalty on the weights. Plain float64 TypeScript, no tfjs:
 * deterministic for a given seed on every platform.
 *
 * Inputs are standardised with the training rows' mean and standard deviation (a constant feature
 * keeps scale 1). Weights start Glorot-uniform (Glorot & Bengio 2010) from the seeded PRNG; biases 0.
 * Adam: Kingma & Ba 2015, Algorithm 1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
 */

/** Training settings. */
export interface AttackModelSettings {
  readonly hiddenUnits: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly rand: () => number;
}

/** A trained model: P(IN) for one feature row. */
export interface AttackModel {
  predict(features: Float64Array, offset: number): number;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Trains on `rows` rows of `dim` features (`x[r * dim + f]`) with labels `y[r]` ∈ {0, 1}.
 */
export function trainAttackModel(x: Float64Array, y: Uint8Array, rows: number, dim: number, settings: AttackModelSettings): AttackModel {
  const { hiddenUnits: H, epochs, learningRate, l2, rand } = settings;
  // Standardise.
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let f = 0; f < dim; f++) mean[f] += x[r * dim + f];
  for (let f = 0; f < dim; f++) mean[f] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < dim; f++) {
      const d = x[r * dim + f] - mean[f];
      scale[f] += d * d;
    }
  }
  for (let f = 0; f < dim; f++) {
    const sd = Math.sqrt(scale[f] / rows);
    scale[f] = sd > 1e-12 ? 1 / sd : 1;
  }
  const xs = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let f = 0; f < dim; f++) xs[r * dim + f] = (x[r * dim + f] - mean[f]) * scale[f];

  // Parameters, flat: [W1 (H×dim), b1 (H), w2 (H), b2] or, with H = 0, [w (dim), b].
  const numWeights1 = H > 0 ? H * dim : dim;
  const size = H > 0 ? H * dim + H + H + 1 : dim + 1;
  const theta = new Float64Array(size);
  const isWeight = new Uint8Array(size);
  if (H > 0) {
    const r1 = Math.sqrt(6 / (dim + H));
    for (let j = 0; j < H * dim; j++) theta[j] = (2 * rand() - 1) * r1;
    const r2 = Math.sqrt(6 / (H + 1));
    for (let j = 0; j < H; j++) theta[H * dim + H + j] = (2 * rand() - 1) * r2;
    isWeight.fill(1, 0, H * dim);
    isWeight.fill(1, H * dim + H, H * dim + 2 * H);
  } else {
    const r1 = Math.sqrt(6 / (dim + 1));
    for (let j = 0; j < dim; j++) theta[j] = (2 * rand() - 1) * r1;
    isWeight.fill(1, 0, numWeights1);
  }
  const b1 = H * dim;
  const w2 = H * dim + H;
  const b2 = H * dim + 2 * H;

  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const h = new Float64Array(H);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  for (let t = 1; t <= epochs; t++) {
    grad.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      let z: number;
      if (H > 0) {
        z = theta[b2];
        for (let j = 0; j < H; j++) {
          let a = theta[b1 + j];
          const wo = j * dim;
          for (let f = 0; f < dim; f++) a += theta[wo + f] * xs[o + f];
          h[j] = Math.tanh(a);
          z += theta[w2 + j] * h[j];
        }
      } else {
        z = theta[dim];
        for (let f = 0; f < dim; f++) z += theta[f] * xs[o + f];
      }
      const g = (sigmoid(z) - y[r]) / rows; // d(mean BCE)/dz
      if (H > 0) {
        grad[b2] += g;
        for (let j = 0; j < H; j++) {
          grad[w2 + j] += g * h[j];
          const da = g * theta[w2 + j] * (1 - h[j] * h[j]);
          grad[b1 + j] += da;
          const wo = j * dim;
          for (let f = 0; f < dim; f++) grad[wo + f] += da * xs[o + f];
        }
      } else {
        grad[dim] += g;
        for (let f = 0; f < dim; f++) grad[f] += g * xs[o + f];
      }
    }
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let j = 0; j < size; j++) {
      const gj = grad[j] + (isWeight[j] ? l2 * theta[j] : 0);
      m[j] = beta1 * m[j] + (1 - beta1) * gj;
      v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
      theta[j] -= (learningRate * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
    }
  }

  const row = new Float64Array(dim);
  return {
    predict(features: Float64Array, offset: number): number {
      for (let f = 0; f < dim; f++) row[f] = (features[offset + f] - mean[f]) * scale[f];
      if (H === 0) {
        let z = theta[dim];
        for (let f = 0; f < dim; f++) z += theta[f] * row[f];
        return sigmoid(z);
      }
      let z = theta[b2];
      for (let j = 0; j < H; j++) {
        let a = theta[b1 + j];
        for (let f = 0; f < dim; f++) a += theta[j * dim + f] * row[f];
        z += theta[w2 + j] * Math.tanh(a);
      }
      return sigmoid(z);
    },
  };
}
