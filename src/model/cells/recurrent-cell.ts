// What a recurrent layer needs from a cell. States are [rows, H] with rows = batch × services: every
// service runs the same cell (shared weights, as in the paper), so a whole batch of services is one
// 2-D matmul per step.
import { tf } from '../tf.js';

export interface RecurrentState {
  h: tf.Tensor2D;
  /** The LSTM's cell state; null for GRU cells. */
  c: tf.Tensor2D | null;
}

export interface RecurrentCell {
  readonly hidden: number;
  /**
   * The input side of every gate, bias included: x [rows, F] → [rows, gates·H]. Separate from `step` so
   * a layer can project all time steps of a window in one matmul.
   */
  projectInputs(x: tf.Tensor2D): tf.Tensor2D;
  initialState(rows: number): RecurrentState;
  /** One time step: this step's projected inputs [rows, gates·H] and the previous state → the next state. */
  step(projectedInputs: tf.Tensor2D, state: RecurrentState): RecurrentState;
  /** Frees tensors the cell holds besides its variables (constant graph matrices). */
  dispose?(): void;
}

/** Runs `cell` on raw inputs x [rows, F] for one step (convenience for tests and one-off use). */
export function stepOnInputs(cell: RecurrentCell, x: tf.Tensor2D, state: RecurrentState): RecurrentState {
  return cell.step(cell.projectInputs(x), state);
}

/** tf.tidy for a function returning a state: keeps h (and c) and disposes every other intermediate. */
export function tidyState(compute: () => RecurrentState): RecurrentState {
  const [h, c] = tf.tidy(() => {
    const state = compute();
    return state.c === null ? [state.h] : [state.h, state.c];
  });
  if (h === undefined) throw new Error('tidyState: the cell returned no hidden state');
  return { h, c: c ?? null };
}
