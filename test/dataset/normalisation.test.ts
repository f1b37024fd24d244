import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import {
  NORMALISER_KINDS,
  Normaliser,
  fitNormaliser,
  type NormaliserKind,
} from '../../src/dataset/normalisation.js';
import { seriesFromRun, type ServiceSeries } from '../../src/dataset/series.js';
import { makeWindows } from '../../src/dataset/windows.js';
import { runData } from './run-data.js';

/** One service, cpu only, with the given values (null = missing). */
function cpuSeries(values: (number | null)[]): ServiceSeries {
  return seriesFromRun(runData({ services: 1, steps: values.length, cpu: (t) => values[t] ?? null }), {
    targets: ['cpu'],
  });
}

function params(normaliser: Normaliser, column = 0) {
  return { offset: normaliser.offset[column], scale: normaliser.scale[column] };
}

/** A 3-service series with cpu, memory and load features and values of very different sizes. */
function richSeries(): ServiceSeries {
  const run = runData({
    services: 3,
    steps: 40,
    cpu: (t, s) => (s + 1) * (0.05 + Math.abs(Math.sin(t * 0.7 + s))),
    memory: (t, s) => 1e6 * (s + 2) + 1000 * ((t * 7) % 11),
    load: (t) => ({ concurrency: 80 + ((t * 37) % 141), latencyP99Ms: 40 + (t % 5) }),
  });
  return seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory', 'load'] });
}

describe('fitNormaliser', () => {
  it('fits min-max on the training steps only, so later data may leave [0, 1]', () => {
    const series = cpuSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const normaliser = fitNormaliser(series, { start: 0, end: 7 }, 'minmax');
    assert.deepEqual(params(normaliser), { offset: 1, scale: 6 });
    const normalised = normaliser.normalise(series.values);
    assert.equal(normalised[0], 0);
    assert.equal(normalised[6], 1);
    assert.equal(normalised[9], 1.5); // test value 10 is above the training max 7
  });

  it('fits z-score on mean and population standard deviation', () => {
    const normaliser = fitNormaliser(
      cpuSeries([2, 4, 4, 4, 5, 5, 7, 9, 1000]),
      { start: 0, end: 8 },
      'zscore',
    );
    assert.deepEqual(params(normaliser), { offset: 5, scale: 2 });
  });

  it('fits robust scaling on median and interquartile range, unmoved by a spike', () => {
    const normaliser = fitNormaliser(cpuSeries([1, 2, 3, 4, 100]), { start: 0, end: 5 }, 'robust');
    assert.deepEqual(params(normaliser), { offset: 3, scale: 2 });
    assert.equal(normaliser.normalise(Float32Array.of(100))[0], 48.5);
  });

  it('falls back to the range when over half the robust values are equal', () => {
    const normaliser = fitNormaliser(cpuSeries([0, 0, 0, 0, 0, 0, 5]), { start: 0, end: 7 }, 'robust');
    assert.deepEqual(params(normaliser), { offset: 0, scale: 5 });
  });

  for (const kind of NORMALISER_KINDS) {
    it(`gives a constant series scale 1 (${kind})`, () => {
      const normaliser = fitNormaliser(cpuSeries([0.3, 0.3, 0.3, 0.3, 0.3, 0.7]), { start: 0, end: 5 }, kind);
      assert.equal(normaliser.scale[0], 1);
      assert.ok(Math.abs((normaliser.offset[0] ?? 0) - Math.fround(0.3)) < 1e-12);
      const normalised = normaliser.normalise(cpuSeries([0.3, 0.7]).values);
      assert.ok(normalised.every(Number.isFinite));
      assert.ok(Math.abs((normalised[1] ?? 0) - 0.4) < 1e-6);
    });
  }

  it('ignores missing samples when fitting and keeps them NaN', () => {
    const series = cpuSeries([2, null, 4, 6, null, 8]);
    const normaliser = fitNormaliser(series, { start: 0, end: 6 }, 'minmax');
    assert.deepEqual(params(normaliser), { offset: 2, scale: 6 });
    const normalised = normaliser.normalise(series.values);
    assert.ok(Number.isNaN(normalised[1]));
    assert.equal(normalised[3], Math.fround(4 / 6));
  });

  it('keeps parameters per service and per feature', () => {
    const series = richSeries();
    const normaliser = fitNormaliser(series, { start: 0, end: 28 }, 'minmax');
    const features = series.featureNames.length;
    const memory = (s: number) => params(normaliser, s * features + 1);
    assert.notEqual(memory(0).offset, memory(2).offset);
    const concurrency = (s: number) => params(normaliser, s * features + 2);
    assert.deepEqual(concurrency(0), concurrency(2)); // load columns are the same for every service
    const trained = normaliser.normalise(series.values).subarray(0, 28 * 3 * features);
    assert.ok(trained.every((value) => value >= 0 && value <= 1 + 1e-6));
  });

  for (const kind of NORMALISER_KINDS) {
    it(`round-trips normalise then denormalise within 1e-6 (${kind}), targets included`, () => {
      const series = richSeries();
      const normaliser = fitNormaliser(series, { start: 0, end: 28 }, kind);
      const back = normaliser.denormalise(normaliser.normalise(series.values));
      series.values.forEach((value, index) => {
        assert.ok(
          Math.abs((back[index] ?? NaN) - value) <= 1e-6 * Math.max(1, Math.abs(value)),
          `index ${index}`,
        );
      });
      const raw = makeWindows(series, { window: 4, horizon: 3 });
      const normalised = makeWindows(normaliser.normaliseSeries(series), { window: 4, horizon: 3 });
      const targets = normaliser.denormaliseTargets(normalised.targets);
      raw.targets.forEach((value, index) => {
        assert.ok(Math.abs((targets[index] ?? NaN) - value) <= 1e-6 * Math.max(1, Math.abs(value)));
      });
    });
  }

  for (const kind of NORMALISER_KINDS) {
    it(`survives a JSON round trip exactly (${kind})`, () => {
      const series = richSeries();
      const normaliser = fitNormaliser(series, { start: 0, end: 28 }, kind);
      const restored = Normaliser.fromJSON(JSON.parse(JSON.stringify(normaliser)));
      assert.deepEqual(restored.toJSON(), normaliser.toJSON());
      assert.deepEqual(restored.normalise(series.values), normaliser.normalise(series.values));
    });
  }

  const damaged: [string, (json: Record<string, unknown>) => void, RegExp][] = [
    [
      'kind',
      (json) => (json.kind = 'log'),
      /normalisation\.kind.*unknown kind "log"|unknown kind "log".*normalisation\.kind/,
    ],
    ['offset', (json) => (json.offset = [1, 2]), /not a list of 21 finite numbers/],
    ['scale', (json) => ((json.scale as number[])[0] = 0), /scale that is not positive/],
    ['targets', (json) => (json.targets = 9), /9 is not a count in 1\.\.7/],
    ['fittedOn', (json) => delete json.fittedOn, /not a step range/],
  ];
  for (const [field, damage, message] of damaged) {
    it(`rejects a card whose ${field} is damaged`, () => {
      const json = fitNormaliser(richSeries(), { start: 0, end: 28 }, 'minmax').toJSON() as unknown as Record<
        string,
        unknown
      >;
      damage(json);
      assert.throws(
        () => Normaliser.fromJSON(json, 'card.json'),
        (error: unknown) =>
          error instanceof DataError &&
          error.file === 'card.json' &&
          error.field === `normalisation.${field}` &&
          message.test(error.message),
      );
    });
  }

  it('refuses to normalise a series with other features', () => {
    const normaliser = fitNormaliser(richSeries(), { start: 0, end: 28 }, 'zscore');
    assert.throws(() => normaliser.normaliseSeries(cpuSeries([1, 2, 3])), DataError);
  });

  it('rejects an unknown kind', () => {
    assert.throws(
      () => fitNormaliser(cpuSeries([1, 2]), { start: 0, end: 2 }, 'log' as NormaliserKind),
      /--normalise: unknown "log"/,
    );
  });
});
