/**
 * The fields privkit's rules read off tfjs-layers objects (tfjs keeps them public at run time but
 * untyped): one declaration per field family, shared by the rules.
 */
import type * as tf from '@tensorflow/tfjs';

/** A weight as tfjs-layers holds it. */
export interface LayerWeight {
  read(): tf.Tensor;
}

/** An optional bias, then an activation applied after the pre-activation z. */
export interface BiasActivationInternals {
  bias: LayerWeight | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

/** The geometry every tfjs convolution layer carries. */
export interface ConvolutionGeometryInternals extends BiasActivationInternals {
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
}
