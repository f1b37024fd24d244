// Seeded weight creation. Initial values are drawn in JavaScript from the project's own seeded streams
// (not tf's random ops), so the same seed gives bit-identical weights on every backend; each variable
// draws from its own stream, numbered in creation order, so adding a variable at the end changes no other.
import { Random } from '../core/random.js';
import { UsageError } from '../core/errors.js';
import { tf } from './tf.js';

export class WeightFactory {
  private readonly root: Random;
  private nextIndex = 0;
  readonly variables: tf.Variable[] = [];

  /** `scope` prefixes every variable name, so two live models need different scopes. */
  constructor(
    seed: number,
    private readonly scope: string,
  ) {
    this.root = Random.fromSeed(seed);
  }

  /** Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))), for input and attention kernels. */
  glorot(name: string, shape: [number, number]): tf.Variable<tf.Rank.R2> {
    const random = this.nextStream();
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    const values = new Float32Array(shape[0] * shape[1]);
    for (let i = 0; i < values.length; i += 1) values[i] = (2 * random.uniform() - 1) * limit;
    return this.register(name, tf.tensor2d(values, shape));
  }

  /**
   * Orthogonal columns blocks, for recurrent kernels: a [rows, cols] matrix made of cols/rows square
   * orthogonal blocks side by side (one per gate), as Keras does for recurrent kernels, so each gate's
   * recurrence neither shrinks nor blows up the hidden state at the start of training.
   */
  orthogonalBlocks(name: string, shape: [number, number]): tf.Variable<tf.Rank.R2> {
    const random = this.nextStream();
    const [rows, cols] = shape;
    const values = new Float32Array(rows * cols);
    for (let start = 0; start < cols; start += rows) {
      const width = Math.min(rows, cols - start);
      const block = orthonormalColumns(rows, width, random);
      for (let r = 0; r < rows; r += 1) {
        for (let c = 0; c < width; c += 1) values[r * cols + start + c] = block[c * rows + r] ?? 0;
      }
    }
    return this.register(name, tf.tensor2d(values, shape));
  }

  /** A constant-filled variable: zeros for biases and for the residual models' output layer. */
  constant(name: string, shape: number[], value = 0): tf.Variable {
    this.nextStream();
    return this.register(name, tf.fill(shape, value));
  }

  /** A variable with given values (e.g. a bias with per-gate initial values). */
  values(name: string, values: Float32Array, shape: number[]): tf.Variable {
    this.nextStream();
    return this.register(name, tf.tensor(values, shape));
  }

  private nextStream(): Random {
    const random = this.root.stream(this.nextIndex);
    this.nextIndex += 1;
    return random;
  }

  private register<R extends tf.Rank>(name: string, initial: tf.Tensor<R>): tf.Variable<R> {
    const fullName = `${this.scope}/${name}`;
    if (fullName in tf.engine().registeredVariables) {
      initial.dispose();
      throw new UsageError(`a model variable named ${fullName} already exists in this process`, {
        suggestion: 'dispose the other model first, or create this one with a different scope',
      });
    }
    const variable = tf.variable(initial, true, fullName);
    initial.dispose();
    this.variables.push(variable as tf.Variable);
    return variable;
  }
}

/** `count` orthonormal columns of length `length` (column-major), by Gram–Schmidt on Gaussian draws. */
function orthonormalColumns(length: number, count: number, random: Random): Float64Array {
  const columns = new Float64Array(length * count);
  for (let c = 0; c < count; c += 1) {
    const offset = c * length;
    // Redraw in the (practically impossible) case of a column dependent on the previous ones.
    for (let attempt = 0; ; attempt += 1) {
      for (let i = 0; i < length; i += 1) columns[offset + i] = random.normal();
      for (let previous = 0; previous < c; previous += 1) {
        let dot = 0;
        for (let i = 0; i < length; i += 1)
          dot += (columns[offset + i] ?? 0) * (columns[previous * length + i] ?? 0);
        for (let i = 0; i < length; i += 1) {
          columns[offset + i] = (columns[offset + i] ?? 0) - dot * (columns[previous * length + i] ?? 0);
        }
      }
      let norm = 0;
      for (let i = 0; i < length; i += 1) norm += (columns[offset + i] ?? 0) ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-6 || attempt > 10) {
        for (let i = 0; i < length; i += 1) columns[offset + i] = (columns[offset + i] ?? 0) / norm;
        break;
      }
    }
  }
  return columns;
}
