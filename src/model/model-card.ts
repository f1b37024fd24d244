// card.json: what a model is, what it was trained on and how well it did (DESIGN.md, "The model directory").
import type { CallEdge, GraphOptions } from '../dataset/call-graph.js';
import type { NormaliserJSON } from '../dataset/normalisation.js';
import type { ExtraInput } from '../dataset/series.js';
import type { SplitFractions } from '../dataset/split.js';
import type { Evaluation } from './evaluate-forecasts.js';
import type { ModelConfig, ModelKind } from './model-types.js';
import type { EpochRecord, TrainingSettings } from './trainer.js';
import type { RunSummary } from './training-data.js';
import type { MemberSummary } from './train-forecaster.js';

export interface ModelCard {
  format: 'rescape.model/v1';
  kind: ModelKind;
  config: ModelConfig;
  targets: string[];
  features: string[];
  /** Service names in ms_id order; a run predicted on must have exactly these. */
  services: string[];
  edges: (Omit<CallEdge, 'um' | 'dm'> & { um: string; dm: string })[];
  graph: GraphOptions;
  normalisation: NormaliserJSON;
  stepSeconds: number;
  extraInputs: ExtraInput[];
  split: SplitFractions;
  trainedOn: RunSummary[];
  training: {
    settings: TrainingSettings;
    history: EpochRecord[];
    bestEpoch: number;
    stoppedEarly: boolean;
    members?: MemberSummary[];
  };
  metrics: Evaluation;
  backend: string;
  trainSeconds: number;
  toolVersion: string;
}
