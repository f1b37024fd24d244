import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/model/tf.js';
import { GruCell } from '../../src/model/cells/gru-cell.js';
import { LstmCell } from '../../src/model/cells/lstm-cell.js';
import { GraphAttentionCell } from '../../src/model/cells/graph-attention-cell.js';
import { CallGraphCell, callGraphInputFeatures } from '../../src/model/cells/call-graph-cell.js';
import { callGraphMatrices } from '../../src/model/call-graph-messages.js';
import type { GraphInput } from '../../src/model/model-types.js';
import {
  stepOnInputs,
  type RecurrentCell,
  type RecurrentState,
} from '../../src/model/cells/recurrent-cell.js';
import { createGraphAttentionParams } from '../../src/model/graph-attention.js';
import { graphStructure } from '../../src/model/graph-structure.js';
import { WeightFactory } from '../../src/model/weights.js';
import {
  assertGradientMatches,
  chainGraph,
  fixtureTensor,
  fixtureValues,
  useTestBackend,
} from './model-test-helpers.js';

before(useTestBackend);

const BATCH = 2;
const SERVICES = 3;
const FEATURES = 2;
const HIDDEN = 3;
const HEADS = 2;
const ROWS = BATCH * SERVICES;
const structure = graphStructure(chainGraph(SERVICES));

type CellKind = 'gru' | 'lstm' | 'gat-gru' | 'gat-lstm' | 'call-gru';

/** Directed calls 0 → 1 (weight 1), 0 → 2 (0.5), 1 → 2 (1): adjacency[callee · n + caller]. */
const directedCalls: GraphInput = {
  services: SERVICES,
  adjacency: Float32Array.from([0, 0, 0, 1, 0, 0, 0.5, 1, 0]),
};

function buildCell(kind: CellKind, scope: string): { cell: RecurrentCell; weights: WeightFactory } {
  const weights = new WeightFactory(11, scope);
  if (kind === 'call-gru') {
    const inner = new GruCell(weights, 'cell', callGraphInputFeatures(FEATURES), HIDDEN);
    const cell = new CallGraphCell(inner, weights, 'cell', callGraphMatrices(directedCalls));
    // The message kernel starts at zero (an untrained cell is a plain GRU); give it values so the check
    // exercises the paths through the neighbours' hidden states too.
    for (const variable of weights.variables) {
      if (variable.name.endsWith('message_kernel')) variable.assign(fixtureTensor(variable.shape, 12, 0.7));
    }
    return { cell, weights };
  }
  const attention = kind.startsWith('gat-')
    ? createGraphAttentionParams(weights, 'attention', HIDDEN, HEADS)
    : undefined;
  const inner = kind.endsWith('lstm')
    ? new LstmCell(weights, 'cell', FEATURES, HIDDEN)
    : new GruCell(weights, 'cell', FEATURES, HIDDEN);
  return {
    cell: attention === undefined ? inner : new GraphAttentionCell(inner, attention, structure),
    weights,
  };
}

/** Two steps from a non-zero state (so attention over h(t−1) matters), loss Σ h₂ · r. */
function twoStepLoss(
  cell: RecurrentCell,
  inputs: tf.Tensor2D[],
  start: RecurrentState,
  upstream: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    let state = start;
    for (const x of inputs) state = stepOnInputs(cell, x, state);
    return tf.sum(tf.mul(state.h, upstream));
  });
}

for (const kind of ['gat-gru', 'gat-lstm', 'call-gru'] as const) {
  test(`${kind} cell gradients match central finite differences (previous state and every weight)`, () => {
    const { cell, weights } = buildCell(kind, `cell-check-${kind}`);
    const inputs = [
      fixtureTensor<tf.Rank.R2>([ROWS, FEATURES], 1),
      fixtureTensor<tf.Rank.R2>([ROWS, FEATURES], 2),
    ];
    const h0 = fixtureTensor<tf.Rank.R2>([ROWS, HIDDEN], 3, 0.8);
    const c0 = kind === 'gat-lstm' ? fixtureTensor<tf.Rank.R2>([ROWS, HIDDEN], 4, 0.8) : null;
    const upstream = tf.tensor2d(fixtureValues(ROWS * HIDDEN, 5), [ROWS, HIDDEN]);
    const lossAt = (h: tf.Tensor2D): number => {
      const loss = twoStepLoss(cell, inputs, { h, c: c0 }, upstream);
      const value = loss.dataSync()[0] ?? Number.NaN;
      loss.dispose();
      return value;
    };

    // Weights: tf's variable gradients against perturbing each variable in place.
    const { grads } = tf.variableGrads(
      () => twoStepLoss(cell, inputs, { h: h0, c: c0 }, upstream),
      weights.variables,
    );
    for (const variable of weights.variables) {
      const original = variable.dataSync().slice() as Float32Array;
      assertGradientMatches(
        variable.name,
        (values) => {
          variable.assign(tf.tensor(values, variable.shape));
          return lossAt(h0);
        },
        original,
        grads[variable.name]?.dataSync() as Float32Array,
      );
      variable.assign(tf.tensor(original, variable.shape));
    }

    // The previous hidden state, through the attention and the gates.
    const dh = tf.grad((h: tf.Tensor) => twoStepLoss(cell, inputs, { h: h as tf.Tensor2D, c: c0 }, upstream))(
      h0,
    );
    assertGradientMatches(
      'h(t-1)',
      (values) => {
        const h = tf.tensor2d(values, [ROWS, HIDDEN]);
        const result = lossAt(h);
        h.dispose();
        return result;
      },
      h0.dataSync() as Float32Array,
      dh.dataSync() as Float32Array,
    );
    tf.dispose([...inputs, h0, upstream, dh, ...Object.values(grads)]);
    if (c0 !== null) c0.dispose();
    for (const variable of weights.variables) variable.dispose();
  });
}

test('every cell maps [rows, F] inputs to [rows, H] states; LSTM carries a cell state, GRU does not', () => {
  for (const kind of ['gru', 'lstm', 'gat-gru', 'gat-lstm'] as const) {
    const { cell, weights } = buildCell(kind, `cell-shape-${kind}`);
    const x = fixtureTensor<tf.Rank.R2>([ROWS, FEATURES], 9);
    const start = cell.initialState(ROWS);
    const next = stepOnInputs(cell, x, start);
    assert.deepEqual(next.h.shape, [ROWS, HIDDEN], kind);
    assert.equal(next.c === null, !kind.endsWith('lstm'), kind);
    tf.dispose([x, start.h, next.h]);
    if (start.c !== null) start.c.dispose();
    if (next.c !== null) next.c.dispose();
    for (const variable of weights.variables) variable.dispose();
  }
});
