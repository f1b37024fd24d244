// Step ↔ wall-clock mapping of a live run's segments: a resume starts a new segment at the step it continues
// from, export windows never cross one, and run.json's list is checked field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/core/errors.js';
import {
  exportWindows,
  parseSegments,
  segmentOrigin,
  stepEndMs,
  withSegment,
} from '../../src/profiler/live-segments.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const segments = [
  { fromStep: 0, startTime: new Date(T0).toISOString() },
  // Stopped after step 9, resumed an hour later.
  { fromStep: 10, startTime: new Date(T0 + 3600_000).toISOString() },
];

test('a step ends step seconds after its start within its own segment', () => {
  assert.equal(stepEndMs(segments, 30, 0), T0 + 30_000);
  assert.equal(stepEndMs(segments, 30, 9), T0 + 300_000);
  assert.equal(stepEndMs(segments, 30, 10), T0 + 3600_000 + 30_000);
  assert.equal(segmentOrigin(segments[1]!, 30).getTime(), T0 + 3600_000 - 300_000);
});

test('export windows are cut at segment starts and at the window size', () => {
  assert.deepEqual(exportWindows(segments, 4, 15, 100), [
    [4, 10],
    [10, 15],
  ]);
  assert.deepEqual(exportWindows(segments, 0, 7, 3), [
    [0, 3],
    [3, 6],
    [6, 7],
  ]);
  assert.deepEqual(exportWindows(segments, 5, 5, 3), []);
});

test('a new segment replaces those that started at or after its step (a resume that measured nothing)', () => {
  const again = withSegment(segments, 10, new Date(T0 + 7200_000));
  assert.deepEqual(
    again.map((segment) => [segment.fromStep, segment.startTime]),
    [
      [0, segments[0]!.startTime],
      [10, new Date(T0 + 7200_000).toISOString()],
    ],
  );
  assert.equal(withSegment([], 0, new Date(T0)).length, 1);
});

test('run.json segments are checked field by field', () => {
  assert.deepEqual(parseSegments(segments, 'run.json'), segments);
  const cases: [unknown, string][] = [
    [{}, 'cluster.segments'],
    [[{ fromStep: 1, startTime: segments[0]!.startTime }], 'cluster.segments[0].fromStep'],
    [[segments[0], { fromStep: 0, startTime: segments[0]!.startTime }], 'cluster.segments[1].fromStep'],
    [[{ fromStep: 0, startTime: 'yesterday' }], 'cluster.segments[0].startTime'],
  ];
  for (const [value, field] of cases) {
    assert.throws(
      () => parseSegments(value, 'run.json'),
      (error: unknown) => error instanceof DataError && error.field === field,
      field,
    );
  }
});
