// The contract between forecasting models, the trainer and persistence.
import type { tf } from './tfjs.cjs';

const LEARNED = ['gat-gru', 'gat-lstm', 'gru', 'lstm', 'fc', 'gcn', 'call-gru', 'dense'] as const;
export const MODEL_KINDS = [...LEARNED, 'naive', 'seasonal'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const LEARNED_KINDS: readonly ModelKind[] = LEARNED;
/** Models that read the call graph in its directed, call-volume-weighted form whatever --graph says. */
export const CALL_DIRECTED_KINDS: readonly ModelKind[] = ['call-gru'];

export interface ModelConfig {
  kind: ModelKind;
  /** Input window length and forecast horizon, in steps (paper: 10 and 3). */
  window: number;
  horizon: number;
  /** Services (graph nodes), input features per service, and target features per service (first `targets` inputs). */
  services: number;
  features: number;
  targets: number;
  hidden: number;
  /** Graph attention heads (gat-*), averaged (paper: 4). */
  heads: number;
  /** Dropout rate used by gcn (paper: 0.3). */
  dropout: number;
  /**
   * Predict the change from the last observed value rather than the value itself, so an untrained
   * model is the last-value forecast. Off in --paper mode.
   */
  residual: boolean;
  /** Seasonal naive: the period in steps. */
  seasonSteps: number;
  seed: number;
  /**
   * Members of an ensemble (seeds seed, seed + 1, …), whose forecasts are averaged; 1 or unset: one model.
   * Learned kinds only.
   */
  members?: number;
}

/**
 * A forecasting model over normalised inputs. `forward` maps a batch of windows
 * [batch, window, services, features] to forecasts [batch, horizon, services, targets] (normalised).
 * It must be pure with respect to its variables so the trainer can differentiate it.
 */
export interface ForecastModel {
  readonly config: ModelConfig;
  /** Trainable variables in a stable order, with stable unique names (used as weight names on disk). */
  readonly variables: readonly tf.Variable[];
  forward(inputs: tf.Tensor4D, options: { training: boolean }): tf.Tensor4D;
  /**
   * Windows per forward pass that forecast fastest, where the model knows better than the caller's default
   * (the recurrent models' inference path handles a few hundred rows at a time best).
   */
  forecastBatch?(): number | undefined;
  dispose(): void;
}

/** The call graph the graph models use: a dense [services, services] adjacency with self loops. */
export interface GraphInput {
  /** adjacency[i * n + j] = weight of the edge j → i (i aggregates from j); 0 where no edge. */
  adjacency: Float32Array;
  services: number;
}
