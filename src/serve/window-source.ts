// What the refresher reads each interval: the model's input window from a run directory or from Prometheus.
import type { InputWindow } from './input-window.js';

export interface WindowSourceInfo {
  kind: 'run' | 'prometheus';
  /** The run directory, or the Prometheus URL without credentials. */
  location: string;
}

export interface WindowSource {
  readonly info: WindowSourceInfo;
  /** The latest window, or 'unchanged' when the source cannot have changed since the last one it returned. */
  read(signal: AbortSignal): Promise<InputWindow | 'unchanged'>;
}

/** What a source needs to know of the model. */
export interface ModelInputs {
  services: readonly string[];
  features: readonly string[];
  window: number;
  stepSeconds: number;
}
