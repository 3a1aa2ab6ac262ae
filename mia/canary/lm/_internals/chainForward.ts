/**
 * The character model's forward pass, for non-private training and for scoring. It is the layers'
 * `apply` in order, except for two layers whose tfjs implementations are slow on the wasm backend
 * (the values are the same):
 * - LayerNormalization runs privkit's formula (the rule's forward, the one DP-SGD uses): tfjs-layers
 *   tiles γ, β and the moments to the input's shape (tfjs issue #2120) and the gradient of Tile is a
 *   loop of one Slice per tile, B·T of them on [B, T, F] activations (46 s of a 47 s step at B = 32,
 *   T = 64);
 * - Dense is x·W + b with a gradient that transposes explicitly: tfjs' MatMul gradient asks for
 *   transposeA / transposeB products, which wasm runs by a generic loop (15× and 5× slower than the
 *   untransposed XNNPACK product on 2048×512 by 512×128).
 */
import * as tf from '@tensorflow/tfjs';
import { registeredRule } from '../../../../src/index.js';

interface DenseInternals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

/** z = x·W + b on 2-D x, with a backward pass made of untransposed products. */
const linear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** The LayerNormalization rule DP-SGD uses (built in, so always registered). */
function layerNormRule(): NonNullable<ReturnType<typeof registeredRule>> {
  const rule = registeredRule('LayerNormalization');
  if (rule === undefined) throw new Error('privkit: the LayerNormalization rule is not registered');
  return rule;
}

function dense(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  const d = layer as unknown as DenseInternals;
  const w = d.kernel.read() as tf.Tensor2D;
  const units = w.shape[1];
  const b = (d.useBias && d.bias !== null ? d.bias.read() : tf.zeros([units])) as tf.Tensor1D;
  const z = linear(tf.reshape(x, [-1, w.shape[0]]) as tf.Tensor2D, w, b);
  return d.activation.apply(tf.reshape(z, [...x.shape.slice(0, -1), units]));
}

/**
 * Applies layers [0, end) of a chain model to `x`.
 * @param model - a chain of layers (a `tf.Sequential`).
 * @param x - the input batch.
 * @param end - stop before this layer. @defaultValue all layers
 * @returns the output; run it under `tf.tidy` (or an optimizer's `minimize`).
 */
export function chainForward(model: tf.LayersModel, x: tf.Tensor, end = model.layers.length): tf.Tensor {
  let h = x;
  for (const layer of model.layers.slice(0, end)) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    if (kind === 'LayerNormalization') h = layerNormRule().forward(layer, h, null);
    else if (kind === 'Dense') h = dense(layer, h);
    else h = layer.apply(h, { training: false }) as tf.Tensor;
  }
  return h;
}

/** The index of the model's last layer when it is a softmax Activation (logits come before it), else −1. */
export function finalSoftmaxIndex(model: tf.LayersModel): number {
  const last = model.layers[model.layers.length - 1];
  const config = last?.getConfig() as { activation?: string } | undefined;
  return last !== undefined && last.getClassName() === 'Activation' && config?.activation === 'softmax' ? model.layers.length - 1 : -1;
}
