// A tensor computed from variables, kept between calls and rebuilt only once one of them has changed. A tfjs
// variable changes only through assign(), which hands it a new dataId, so the dataIds the variables had when
// the tensor was built identify that version of them (the optimizer's updates and loading weights both
// assign). For constants of the inference path that would otherwise be rebuilt, and re-packed by XNNPACK,
// on every forecast.
import { tf } from './tf.js';

export class DerivedTensor<R extends tf.Rank> {
  private tensor: tf.Tensor<R> | undefined;
  private versions: readonly object[] = [];

  constructor(
    private readonly sources: readonly tf.Tensor[],
    private readonly build: () => tf.Tensor<R>,
  ) {}

  /** The tensor for the variables' current values. Owned here: callers must not dispose it. */
  get(): tf.Tensor<R> {
    const current = this.tensor;
    if (
      current !== undefined &&
      this.sources.every((source, index) => source.dataId === this.versions[index])
    ) {
      return current;
    }
    this.dispose();
    const tensor = tf.keep(tf.tidy(this.build));
    this.versions = this.sources.map((source) => source.dataId);
    this.tensor = tensor;
    return tensor;
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
    this.versions = [];
  }
}
