import * as tf from '@tensorflow/tfjs';

/**
 * Silences tfjs' own console warnings for the rest of the process (its `PROD` flag): the CLI's
 * stderr carries progress and exactly one line per failure, and tfjs would add, for example, a
 * five-line banner about tfjs-node the first time the cpu backend holds a tensor. Call before the
 * backend starts.
 * @example
 * ```ts
 * quietTfjs();
 * await useBackend(settings.backend);
 * ```
 */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}
