// Reading a small computed tensor back to JavaScript, for the inference path (recurrent-inference.ts).
import { tf } from './tf.js';

/**
 * Runs `compute` and reads its result back, disposing every tensor it made. (Not `tf.tidy(() => ….dataSync())`:
 * tidy walks a returned typed array element by element looking for tensors.)
 */
export function readBack(compute: () => tf.Tensor): Float32Array {
  let values: Float32Array | undefined;
  tf.tidy(() => {
    values = compute().dataSync() as Float32Array;
  });
  if (values === undefined) throw new Error('readBack: nothing computed');
  return values;
}
