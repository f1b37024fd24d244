// How the predictive policy's default forecaster is trained, in a module light enough for the command to
// validate flags without loading TensorFlow.js (which only the predictive policy needs).

export const FORECASTER_KINDS = ['gcn', 'gat-gru'] as const;
export type ForecasterKind = (typeof FORECASTER_KINDS)[number];

/** The paper's window: 10 steps in, 3 out (30/60/90 s at a 30 s step). */
export const TRAINING_WINDOW = { window: 10, horizon: 3 } as const;
/** Chronological split of the training history. */
export const TRAINING_SPLIT = { train: 0.7, validation: 0.15, test: 0.15 } as const;
