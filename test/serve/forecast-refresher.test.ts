// The background refresher: reads one at a time however slow the source, runs the model only for a new
// window, keeps the last good forecast marked stale while the source fails, and recovers by itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { selectBackend } from '../../src/model/tf.js';
import { ForecastRefresher, type RefreshEvent } from '../../src/serve/forecast-refresher.js';
import type { InputWindow } from '../../src/serve/input-window.js';
import type { WindowSource } from '../../src/serve/window-source.js';
import { waitFor } from './serve-process.js';
import { fakeForecaster, fakeModel, fakeWindow } from './fake-forecaster.js';

before(async () => {
  await selectBackend('cpu');
});

/** Every refresher started, stopped even when an assertion fails (a running loop keeps the process alive). */
const started: ForecastRefresher[] = [];
after(() => Promise.all(started.map((refresher) => refresher.stop())));
function startRefresher(options: ConstructorParameters<typeof ForecastRefresher>[0]): ForecastRefresher {
  const refresher = new ForecastRefresher(options);
  started.push(refresher);
  refresher.start();
  return refresher;
}

/** A source that answers with the results of `next` (a window, an error to throw, or a never-ending read). */
function scriptedSource(next: () => InputWindow | Error | 'hang' | 'unchanged', readMs = 0) {
  const stats = { reads: 0, inFlight: 0, maxInFlight: 0 };
  const source: WindowSource = {
    info: { kind: 'prometheus', location: 'http://127.0.0.1:9' },
    read: async (signal) => {
      stats.reads += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        const result = next();
        if (result === 'hang') {
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        }
        await delay(readMs);
        if (result instanceof Error) throw result;
        return result as InputWindow | 'unchanged';
      } finally {
        stats.inFlight -= 1;
      }
    },
  };
  return { source, stats };
}

const settle = (refresher: ForecastRefresher, what: string, done: (r: ForecastRefresher) => boolean) =>
  waitFor(what, async () => refresher, done, 5_000);

test('reads never overlap, even when one takes longer than the interval; the model runs only for a new window', async () => {
  let value = 1;
  const { source, stats } = scriptedSource(() => fakeWindow(value), 30);
  const forecaster = fakeForecaster();
  const refresher = startRefresher({
    source,
    ...fakeModel(forecaster),
    refreshMs: 5,
    timeoutMs: 1_000,
  });
  await settle(refresher, 'five refreshes', (r) => r.state.refreshes.ok + r.state.refreshes.unchanged >= 5);
  assert.equal(stats.maxInFlight, 1);
  assert.equal(forecaster.forwards, 1, 'the same window is not forecast twice');
  const first = refresher.state.snapshot!;
  assert.deepEqual(
    first.services.map((s) => s.targets[0]!.forecast.map((f) => f.value)),
    [
      [1, 1],
      [2, 2],
    ],
  );
  assert.deepEqual(
    first.horizons.map((h) => [h.horizonSeconds, h.time]),
    [
      [30, '2024-04-17T12:00:30.000Z'],
      [60, '2024-04-17T12:01:00.000Z'],
    ],
  );
  value = 4;
  await settle(refresher, 'the new window', (r) => r.state.snapshot?.services[0]!.targets[0]!.last === 4);
  assert.equal(forecaster.forwards, 2);
  await refresher.stop();
  assert.equal(stats.maxInFlight, 1);
});

test('failures keep the last good forecast marked stale, log once per distinct error, and recover', async () => {
  let next: () => InputWindow | Error = () =>
    new Error('Prometheus GET /api/v1/query_range no answer (ECONNREFUSED)');
  const { source } = scriptedSource(() => next());
  const events: RefreshEvent[] = [];
  let now = 1_000_000;
  const refresher = startRefresher({
    source,
    ...fakeModel(),
    refreshMs: 5,
    timeoutMs: 1_000,
    now: () => now,
    onEvent: (event) => events.push(event),
  });
  await settle(refresher, 'three failures', (r) => r.state.refreshes.failed >= 3);
  assert.equal(refresher.state.status, 'waiting', 'no forecast yet: waiting, not stale');
  assert.equal(refresher.state.snapshot, null);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['failed'],
  );

  next = () => fakeWindow(3);
  await settle(refresher, 'a forecast', (r) => r.state.status === 'fresh');
  assert.equal(refresher.state.updatedAtMs, now);
  next = () => new Error('Prometheus GET /api/v1/query_range no answer (ECONNREFUSED)');
  now += 60_000;
  await settle(refresher, 'stale', (r) => r.state.status === 'stale');
  // A refresh already in flight when the source started failing may still have succeeded (at the new clock),
  // so what is kept is whatever was last good when the failures began; it must not change while they last.
  // Read through a function: TypeScript still narrows refresher.state.snapshot to the null asserted above.
  const state = () => refresher.state;
  const kept = state().snapshot;
  const keptAt = state().updatedAtMs;
  assert.equal(kept?.services[0]?.targets[0]?.last, 3, 'the last good forecast stays');
  const failedSoFar = refresher.state.refreshes.failed;
  await settle(refresher, 'two more failures', (r) => r.state.refreshes.failed >= failedSoFar + 2);
  assert.equal(state().snapshot, kept);
  assert.equal(refresher.state.updatedAtMs, keptAt);
  assert.match(refresher.state.lastError!, /ECONNREFUSED/);

  next = () => fakeWindow(5);
  await settle(refresher, 'fresh again', (r) => r.state.status === 'fresh');
  assert.equal(refresher.state.lastError, null);
  assert.equal(state().snapshot?.services[0]?.targets[0]?.last, 5);
  await refresher.stop();
  assert.deepEqual(
    events.map((e) => e.kind),
    ['failed', 'recovered', 'updated', 'failed', 'recovered', 'updated'],
  );
});

test('a read that hangs fails at the deadline; stop() cancels a read in flight without counting a failure', async () => {
  const { source } = scriptedSource(() => 'hang');
  const refresher = startRefresher({
    source,
    ...fakeModel(),
    refreshMs: 5,
    timeoutMs: 50,
  });
  await settle(refresher, 'a timeout', (r) => r.state.refreshes.failed >= 1);
  assert.equal(refresher.state.lastError, 'the refresh did not finish within 0.05 s');
  await refresher.stop();

  const slow = startRefresher({
    source: scriptedSource(() => 'hang').source,
    ...fakeModel(),
    refreshMs: 5,
    timeoutMs: 60_000,
  });
  await delay(20);
  const started = performance.now();
  await slow.stop();
  assert.ok(performance.now() - started < 1_000, 'stop does not wait for the deadline');
  assert.equal(slow.state.refreshes.failed, 0);
});
