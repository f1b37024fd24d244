// 2-D matrix products whose gradients stay fast on the wasm backend. tfjs's own matMul gradient calls
// matMul with transpose flags, and the wasm kernel only takes XNNPACK's fast path for untransposed,
// unbatched operands; anything else runs a scalar loop (~10× slower). Transposing explicitly first keeps
// all three products (forward and both gradients) on the fast path. Every layer's matmul goes through here.
import { tf } from './tf.js';

const fastMatMul = tf.customGrad((...args) => {
  const [a, b, save] = args;
  if (!(a instanceof tf.Tensor) || !(b instanceof tf.Tensor) || typeof save !== 'function') {
    throw new TypeError('matMul2d expects two tensors');
  }
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dyMatrix = dy as tf.Tensor2D;
      return [tf.matMul(dyMatrix, tf.transpose(savedB)), tf.matMul(tf.transpose(savedA), dyMatrix)];
    },
  };
});

/** a [m, k] × b [k, n] → [m, n], with a gradient that uses the fast kernel too. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.shape[1] !== b.shape[0]) {
    throw new RangeError(`matMul2d: inner sizes differ, [${a.shape.join(', ')}] × [${b.shape.join(', ')}]`);
  }
  return fastMatMul(a, b) as tf.Tensor2D;
}

/** x [rows, in] × kernel [in, out] + bias [out] (bias optional). */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const product = matMul2d(x, kernel);
    return bias === undefined ? product : tf.add(product, bias);
  });
}
