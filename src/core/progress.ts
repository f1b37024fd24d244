/** Progress of a long operation, reported by the core through a callback; commands render it on stderr. */
export interface ProgressEvent {
  /** Short name of the phase, e.g. "simulate", "train". */
  phase: string;
  done: number;
  total: number;
  /** One-line detail for logs (plain output), e.g. "step 120/1440". */
  message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const ignoreProgress: ProgressListener = () => {};
