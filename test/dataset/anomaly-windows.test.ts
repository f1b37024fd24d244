import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import {
  dropExcludedWindows,
  excludedRangesFromFaults,
  excludedRangesFromIncidents,
  mergeExcludedRanges,
  targetsOverlapExcluded,
} from '../../src/dataset/anomaly-windows.js';
import { seriesFromRun } from '../../src/dataset/series.js';
import { splitWindows } from '../../src/dataset/split.js';
import { makeWindows } from '../../src/dataset/windows.js';
import { runData } from './run-data.js';

const SPAN = { window: 3, horizon: 2 };

describe('anomaly windows', () => {
  it('reads simulated incidents from run.json', () => {
    const cluster = {
      incidents: [
        { service: 'cart', kind: 'slow-replica', startStep: 10, endStep: 14, severity: 4 },
        { service: 'payment', kind: 'failing-replica', startStep: 30, endStep: 31, severity: 0.5 },
      ],
    };
    assert.deepEqual(excludedRangesFromIncidents({ cluster: { kind: 'sim', ...cluster } }), [
      { start: 10, end: 14, reason: 'slow-replica of cart' },
      { start: 30, end: 31, reason: 'failing-replica of payment' },
    ]);
    assert.deepEqual(excludedRangesFromIncidents({ cluster: { kind: 'kubernetes' } }), []);
  });

  for (const [name, incidents, field] of [
    ['a non-list', 'soon', 'cluster.incidents'],
    ['an empty range', [{ startStep: 5, endStep: 5 }], 'cluster.incidents[0]'],
    ['a non-object', [{ startStep: 1, endStep: 2 }, 3], 'cluster.incidents[1]'],
  ] as const) {
    it(`rejects incidents with ${name}`, () => {
      assert.throws(
        () => excludedRangesFromIncidents({ cluster: { kind: 'sim', incidents } }),
        (error: unknown) => error instanceof DataError && error.field === field && error.file === 'run.json',
      );
    });
  }

  it('reads a fault list and rejects a backwards fault', () => {
    assert.deepEqual(
      excludedRangesFromFaults([
        { startStep: 3, endStep: 9, label: 'cpu hog' },
        { startStep: 0, endStep: 1 },
      ]),
      [
        { start: 3, end: 9, reason: 'cpu hog' },
        { start: 0, end: 1, reason: 'fault 1' },
      ],
    );
    assert.throws(
      () => excludedRangesFromFaults([{ startStep: 9, endStep: 3 }], 'faults.csv'),
      /faults.csv: fault 0 spans steps 9..3/,
    );
  });

  it('merges overlapping and touching ranges', () => {
    const merged = mergeExcludedRanges([
      { start: 20, end: 25, reason: 'c' },
      { start: 0, end: 5, reason: 'a' },
      { start: 5, end: 8, reason: 'b' },
      { start: 3, end: 4, reason: 'a' },
    ]);
    assert.deepEqual(merged, [
      { start: 0, end: 8, reason: 'a; b' },
      { start: 20, end: 25, reason: 'c' },
    ]);
  });

  it('looks at target steps only, with exclusive range ends', () => {
    // The window at 0 reads steps 0..2 and forecasts steps 3 and 4.
    assert.equal(targetsOverlapExcluded(0, SPAN, [{ start: 0, end: 3 }]), false);
    assert.equal(targetsOverlapExcluded(0, SPAN, [{ start: 2, end: 4 }]), true);
    assert.equal(targetsOverlapExcluded(0, SPAN, [{ start: 4, end: 5 }]), true);
    assert.equal(targetsOverlapExcluded(0, SPAN, [{ start: 5, end: 9 }]), false);
  });

  it('drops test windows whose targets fall in an excluded range', () => {
    const run = runData({ services: 1, steps: 100, cpu: (t) => t });
    const windows = makeWindows(seriesFromRun(run, { targets: ['cpu'] }), SPAN);
    const { test } = splitWindows(windows).windows;
    assert.equal(test.length, 16); // starts 80..95
    const { kept, excluded } = dropExcludedWindows(test, windows, [{ start: 90, end: 92 }]);
    // Targets are steps start+3 and start+4: starts 86..88 forecast step 90 or 91.
    assert.equal(excluded, 3);
    const starts = Array.from(kept, (index) => windows.starts[index]);
    assert.deepEqual(starts, [80, 81, 82, 83, 84, 85, 89, 90, 91, 92, 93, 94, 95]);
  });
});
