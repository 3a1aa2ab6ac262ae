/**
 * SimpleRNN: h_t = act(z_t), z_t = x_t·W + h_{t−1}·U + b, h_{−1} = 0, over the T steps of each example
 * (in reverse order with `goBackwards`). The cell's kernels are one linear map applied at T positions:
 * z_t = [x_t, h_{t−1}]·[W; U] + b, so per example ∇W_i = Σ_t x_itᵀg_it, ∇U_i = Σ_t h_i,t−1ᵀg_it,
 * ∇b_i = Σ_t g_it with g_it = ∂L/∂z_it — the position-wise algebra of `positionwiseLinear.ts` with
 * u_it = [x_it, h_i,t−1] (its ghost norm ⟨U_iU_iᵀ, G_iG_iᵀ⟩ or the materialised U_iᵀG_i, whichever is
 * cheaper; ‖∇[W; U]‖² = ‖∇W‖² + ‖∇U‖², so the concatenation is exact).
 *
 * Sources: Goodfellow 2015, "Efficient per-example gradient computations" (a weight's per-example
 * gradient from its layer input and the gradient at its output); Opacus' `DPRNN`/`DPLSTM`
 * (`opacus/layers/dp_rnn.py`), which trains an RNN cell privately by writing its kernels as Linear
 * layers applied at every step, their per-example gradients summed over time; Lee & Kifer 2021,
 * "Scaling up differentially private deep learning with fast per-example gradient clipping" (PoPETs),
 * per-example norms of weights shared over time without materialising per-example gradients.
 *
 * The forward pass is unrolled here with a probe on every z_t (probe shape [B, T, units], indexed by
 * processing step), so one backward pass gives every g_it. The norms and sums need h_{t−1}: the layer
 * rule receives only the layer input x, so h is recomputed from x by the same unrolled forward without
 * probe (deterministic, exact).
 *
 * Refused with `UNSUPPORTED_LAYER` at plan time (`check`; with `allowSlowLayers` the layer then takes
 * the exact per-example loop): `dropout`/`recurrentDropout` > 0, `returnState`, and an input that
 * carries a mask (an Embedding with `maskZero` or a Masking layer upstream — tfjs-layers' executor passes
 * the last mask on even past layers that drop it): the clipping pass does not hand masks to a rule, and
 * tfjs' SimpleRNN keeps h_{t−1} at masked steps.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { BiasActivationInternals, LayerWeight } from './layerInternals.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface SimpleRnnCellInternals extends BiasActivationInternals {
  kernel: LayerWeight;
  recurrentKernel: LayerWeight;
  units: number;
  dropout: number;
  recurrentDropout: number;
}

interface SimpleRnnInternals {
  cell: SimpleRnnCellInternals;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
}

const internals = (layer: AnyLayer): SimpleRnnInternals => layer as unknown as SimpleRnnInternals;

/** The first layer upstream of `layer` that produces a mask (Masking, Embedding with maskZero), if any. */
function maskSource(layer: AnyLayer): AnyLayer | null {
  const seen = new Set<AnyLayer>();
  const stack: AnyLayer[] = [layer];
  while (stack.length > 0) {
    const l = stack.pop() as AnyLayer;
    for (const node of l.inboundNodes) {
      for (const up of node.inboundLayers) {
        if (seen.has(up)) continue;
        seen.add(up);
        const c = up.getClassName();
        if (c === 'Masking' || (c === 'Embedding' && (up as unknown as { maskZero?: boolean }).maskZero === true)) return up;
        stack.push(up);
      }
    }
  }
  return null;
}

/** @throws PrivkitError `UNSUPPORTED_LAYER` for what this rule cannot compute exactly. */
function checkSupported(layer: AnyLayer): SimpleRnnInternals {
  const r = internals(layer);
  const refuse = (why: string, details: Record<string, unknown>): never => {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" (SimpleRNN) ${why}`, { layer: layer.name, className: 'SimpleRNN', ...details });
  };
  if (r.cell.dropout > 0 || r.cell.recurrentDropout > 0) {
    refuse(
      `has dropout ${r.cell.dropout} and recurrentDropout ${r.cell.recurrentDropout}; its per-example rule supports dropout = recurrentDropout = 0 only (each example would need its own dropout masks). Set both to 0, or use a Dropout layer before it.`,
      { dropout: r.cell.dropout, recurrentDropout: r.cell.recurrentDropout },
    );
  }
  if (r.returnState) refuse('has returnState: true; per-example clipping supports returnState: false only.', { returnState: true });
  const source = maskSource(layer);
  if (source !== null) {
    refuse(
      `receives a mask from "${source.name}" (${source.getClassName()}); its per-example rule does not carry masks yet. Remove maskZero / the Masking layer (or pad without masking).`,
      { maskFrom: source.name },
    );
  }
  return r;
}

/** Step t of a [B, T, P] tensor as [B, P] (a slice, not `unstack`: tfjs' Unpack gradient fails when
 * only some of its outputs are used). */
function step(t: tf.Tensor, s: number): tf.Tensor2D {
  return tf.reshape(tf.slice(t, [0, s, 0], [-1, 1, -1]), [t.shape[0], t.shape[2] as number]) as tf.Tensor2D;
}

/**
 * The unrolled forward pass over processing steps (the input reversed along time with `goBackwards`).
 * @returns the input in processing order and the states h_0 … h_{T−1} (each [B, units]).
 */
function unroll(r: SimpleRnnInternals, input: tf.Tensor, probe: tf.Tensor | null): { x: tf.Tensor3D; hs: tf.Tensor2D[] } {
  const { cell } = r;
  const x = (r.goBackwards ? tf.reverse(input, 1) : input) as tf.Tensor3D;
  const [batch, steps, features] = x.shape;
  const u = cell.recurrentKernel.read() as tf.Tensor2D;
  // x_t·W (+ b) for all steps in one matmul.
  let xw: tf.Tensor = tf.reshape(tf.matMul(tf.reshape(x, [-1, features]) as tf.Tensor2D, cell.kernel.read() as tf.Tensor2D), [batch, steps, cell.units]);
  if (cell.useBias && cell.bias !== null) xw = tf.add(xw, cell.bias.read());
  if (probe !== null) xw = tf.add(xw, probe);
  const hs: tf.Tensor2D[] = [];
  let h: tf.Tensor2D | null = null;
  for (let t = 0; t < steps; t++) {
    const z: tf.Tensor2D = h === null ? step(xw, t) : tf.add(step(xw, t), tf.matMul(h, u));
    h = cell.activation.apply(z) as tf.Tensor2D;
    hs.push(h);
  }
  return { x, hs };
}

/** u_t = [x_t, h_{t−1}] for every processing step: [B, T, features + units]. */
function cellInputs(layer: AnyLayer, a: tf.Tensor): tf.Tensor3D {
  const r = internals(layer);
  const { x, hs } = unroll(r, a, null);
  const zero = tf.zeros([a.shape[0], 1, r.cell.units]);
  const prev = hs.length > 1 ? tf.concat([zero, tf.stack(hs.slice(0, -1), 1)], 1) : zero;
  return tf.concat([x, prev], 2) as tf.Tensor3D;
}

export const simpleRnnRule: LayerRule = {
  check(layer) {
    checkSupported(layer);
  },

  forward(layer, input, probe) {
    const r = internals(layer);
    const { hs } = unroll(r, input, probe);
    if (hs.length === 0) return tf.zeros(r.returnSequences ? [input.shape[0], 0, r.cell.units] : [input.shape[0], r.cell.units]);
    return r.returnSequences ? tf.stack(hs, 1) : hs[hs.length - 1];
  },

  preActivationShape(layer, inputShape) {
    const r = checkSupported(layer);
    return [inputShape[0], inputShape[1], r.cell.units];
  },

  outputShape(layer, inputShape) {
    const r = internals(layer);
    return r.returnSequences ? [inputShape[0], inputShape[1], r.cell.units] : [inputShape[0], r.cell.units];
  },

  normsSquared(layer, a, g) {
    return positionwiseNormsSquared(cellInputs(layer, a), g as tf.Tensor3D, internals(layer).cell.useBias);
  },

  clippedSum(layer, a, g, c) {
    const features = a.shape[2] as number;
    const [wu, ...bias] = positionwiseClippedSum(cellInputs(layer, a), g as tf.Tensor3D, c, internals(layer).cell.useBias);
    const [w, u] = tf.split(wu, [features, internals(layer).cell.units], 0);
    return [w, u, ...bias];
  },
};
