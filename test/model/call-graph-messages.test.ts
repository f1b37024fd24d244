import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/model/tf.js';
import { aggregateCallNeighbours, callGraphMatrices } from '../../src/model/call-graph-messages.js';
import { useTestBackend } from './model-test-helpers.js';

before(useTestBackend);

// Calls 0 → 1 (weight 1), 0 → 2 (0.5), 1 → 2 (1); adjacency[callee · n + caller], a self loop on 0 that
// must be ignored.
const graph = { services: 3, adjacency: Float32Array.from([1, 0, 0, 1, 0, 0, 0.5, 1, 0]) };

test('caller and callee averaging matrices are call-volume weighted, row-normalised, without the diagonal', () => {
  const { stacked } = callGraphMatrices(graph);
  const rows = (start: number) =>
    [0, 1, 2].map((i) => Array.from(stacked.subarray((start + i) * 3, (start + i + 1) * 3)));
  const close = (actual: number[][], expected: number[][]) =>
    actual.forEach((row, i) =>
      row.forEach((value, j) =>
        assert.ok(Math.abs(value - (expected[i]?.[j] ?? NaN)) < 1e-6, `[${i}][${j}] = ${value}`),
      ),
    );
  // Callers: 0 has none; 1 is called by 0 only; 2 by 0 (0.5) and 1 (1) → 1/3, 2/3.
  close(rows(0), [
    [0, 0, 0],
    [1, 0, 0],
    [1 / 3, 2 / 3, 0],
  ]);
  // Callees: 0 calls 1 (1) and 2 (0.5) → 2/3, 1/3; 1 calls 2; 2 calls nobody.
  close(rows(3), [
    [0, 2 / 3, 1 / 3],
    [0, 0, 1],
    [0, 0, 0],
  ]);
});

test('aggregation gives each row its callers’ then its callees’ mean, per group of services', () => {
  const matrices = tf.tensor2d(callGraphMatrices(graph).stacked, [6, 3]);
  // Two groups (e.g. two windows) of three services, two features each.
  const x = tf.tensor2d([
    [1, 10],
    [2, 20],
    [4, 40],
    [-1, 0],
    [3, 6],
    [9, 3],
  ]);
  const out = aggregateCallNeighbours(x, matrices, 3);
  assert.deepEqual(out.shape, [6, 4]);
  const expected = [
    [0, 0, 2 * (2 / 3) + 4 / 3, 20 * (2 / 3) + 40 / 3],
    [1, 10, 4, 40],
    [1 / 3 + 4 / 3, 10 / 3 + 40 / 3, 0, 0],
    [0, 0, 3 * (2 / 3) + 9 / 3, 6 * (2 / 3) + 3 / 3],
    [-1, 0, 9, 3],
    [-1 / 3 + 2, 0 + 4, 0, 0],
  ];
  const values = out.arraySync();
  values.forEach((row, i) =>
    row.forEach((value, j) =>
      assert.ok(Math.abs(value - (expected[i]?.[j] ?? NaN)) < 1e-5, `row ${i} col ${j}: ${value}`),
    ),
  );
  tf.dispose([matrices, x, out]);
});
