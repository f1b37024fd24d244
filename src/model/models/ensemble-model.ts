// An ensemble of independently trained members of one kind (different seeds), forecasting their mean. Seeds
// matter on real traces — one seed's GRU can land well and another's poorly — and the mean of a few is
// steadier than any one of them. Members are trained one after another by the trainer, never jointly (a
// jointly trained mean would let members co-adapt, which is not an ensemble).
import { tf } from '../tf.js';
import type { ForecastModel, ModelConfig } from '../model-types.js';

export class EnsembleModel implements ForecastModel {
  readonly variables: readonly tf.Variable[];

  constructor(
    readonly config: ModelConfig,
    readonly members: readonly ForecastModel[],
  ) {
    this.variables = members.flatMap((member) => member.variables);
  }

  forward(inputs: tf.Tensor4D, options: { training: boolean }): tf.Tensor4D {
    return tf.tidy(() => {
      const forecasts = this.members.map((member) => member.forward(inputs, options));
      return tf.div(tf.addN(forecasts), forecasts.length) as tf.Tensor4D;
    });
  }

  /** The members' smallest preferred batch, so that every member runs at its best or better. */
  forecastBatch(): number | undefined {
    const batches = this.members
      .map((member) => member.forecastBatch?.())
      .filter((batch) => batch !== undefined);
    return batches.length === 0 ? undefined : Math.min(...batches);
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
  }
}
