import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, UsageError } from '../../src/core/errors.js';
import { graphFromRun, type GraphDirection, type GraphOptions } from '../../src/dataset/call-graph.js';
import { runData } from './run-data.js';

/** A chain a → b → c: a calls b 4 times, b calls c twice. */
function chain(extra: [number, number, number][] = []) {
  return runData({ services: 3, steps: 4, cpu: (t) => t, calls: [[0, 1, 4], [1, 2, 2], ...extra] });
}

/** The adjacency as rows: rows[i][j] = weight with which i aggregates from j. */
function rows(adjacency: Float32Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(adjacency.subarray(i * n, (i + 1) * n)));
}

describe('graphFromRun', () => {
  it('lists the distinct caller → callee pairs with their call counts', () => {
    const graph = graphFromRun(chain(), { direction: 'directed', selfLoops: false, weighting: 'binary' });
    assert.equal(graph.services, 3);
    assert.deepEqual(graph.edges, [
      { um: 0, dm: 1, calls: 4 },
      { um: 1, dm: 2, calls: 2 },
    ]);
  });

  it('lets a callee aggregate from its callers in a directed graph', () => {
    const graph = graphFromRun(chain(), { direction: 'directed', selfLoops: false, weighting: 'binary' });
    assert.deepEqual(rows(graph.adjacency, 3), [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('makes a symmetric graph the union of both directions, with self loops', () => {
    const graph = graphFromRun(chain(), { direction: 'symmetric', selfLoops: true, weighting: 'binary' });
    assert.deepEqual(rows(graph.adjacency, 3), [
      [1, 1, 0],
      [1, 1, 1],
      [0, 1, 1],
    ]);
  });

  it('weights edges by calls relative to the busiest edge', () => {
    const directed = graphFromRun(chain(), { direction: 'directed', selfLoops: true, weighting: 'calls' });
    assert.deepEqual(rows(directed.adjacency, 3), [
      [1, 0, 0],
      [1, 1, 0],
      [0, 0.5, 1],
    ]);
    // b also calls a 4 times: the pair a–b carries 8 calls in a symmetric graph, b–c 2.
    const symmetric = graphFromRun(chain([[1, 0, 4]]), {
      direction: 'symmetric',
      selfLoops: false,
      weighting: 'calls',
    });
    assert.deepEqual(rows(symmetric.adjacency, 3), [
      [0, 1, 0],
      [1, 0, 0.25],
      [0, 0.25, 0],
    ]);
  });

  it('takes the diagonal from selfLoops only, not from self calls', () => {
    for (const selfLoops of [false, true]) {
      const graph = graphFromRun(chain([[2, 2, 5]]), {
        direction: 'directed',
        selfLoops,
        weighting: 'calls',
      });
      assert.equal(graph.adjacency[2 * 3 + 2], selfLoops ? 1 : 0);
      assert.equal(graph.adjacency[1 * 3 + 0], 1); // 4 calls, the busiest edge apart from the self call
    }
  });

  it('gives an edgeless graph (self loops only) for a run read without calls', () => {
    const run = { ...chain(), calls: [] };
    const graph = graphFromRun(run, { direction: 'symmetric', selfLoops: true, weighting: 'calls' });
    assert.deepEqual(rows(graph.adjacency, 3), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(graph.edges, []);
  });

  it('rejects a call naming a service outside services.csv', () => {
    const run = chain();
    run.calls.push({ ...run.calls[0]!, dmId: 7 });
    assert.throws(
      () => graphFromRun(run, { direction: 'directed', selfLoops: true, weighting: 'binary' }),
      (error: unknown) =>
        error instanceof DataError &&
        /dm_id 7 at timestamp \d+ is not one of the 3 services/.test(error.message),
    );
  });

  it('rejects unknown options', () => {
    const options = {
      direction: 'inverse' as GraphDirection,
      selfLoops: true,
      weighting: 'binary',
    } satisfies GraphOptions;
    assert.throws(() => graphFromRun(chain(), options), UsageError);
  });
});
