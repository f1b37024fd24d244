import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationSeconds } from '../../src/core/duration.js';
import { UsageError } from '../../src/core/errors.js';

test('durations parse to whole seconds', () => {
  assert.equal(parseDurationSeconds('duration', '12h'), 43200);
  assert.equal(parseDurationSeconds('step', '30s'), 30);
  assert.equal(parseDurationSeconds('redraw', '1m'), 60);
  assert.equal(parseDurationSeconds('step', '45'), 45);
});

for (const [value, pattern] of [
  ['soon', /--duration "soon" is not a positive duration/],
  ['0s', /not a positive duration/],
  ['-5m', /not a positive duration/],
  ['1500ms', /1\.5 s; rescape works in whole seconds/],
] as const) {
  test(`"${value}" is a usage error naming the flag`, () => {
    assert.throws(
      () => parseDurationSeconds('duration', value),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, pattern);
        assert.equal(error.exitCode, 2);
        assert.ok(error.suggestion);
        return true;
      },
    );
  });
}
