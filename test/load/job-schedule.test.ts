import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import {
  hpcAi500JobKinds,
  JobSchedule,
  type JobLauncher,
  type JobPeriod,
} from '../../src/load/job-schedule.js';
import { ClosedLoopPlan } from '../../src/load/load-schedule.js';

const load = { min: 80, max: 220, redrawSeconds: 60 };

test('HPC-AI500 Jobs follow the concurrency schedule, scaled so the highest concurrency fills the GPUs', () => {
  const schedule = new JobSchedule({ load, gpus: 16, kinds: hpcAi500JobKinds(), seed: 7 });
  assert.equal(schedule.maxJobs, 16);
  assert.equal(schedule.jobsFor(220), 16);
  assert.equal(schedule.jobsFor(110), 8);
  assert.equal(schedule.jobsFor(80), 6);
  assert.equal(schedule.jobsFor(1), 1, 'never fewer than one Job');
  const plan = new ClosedLoopPlan(load, 7);
  const periods = schedule.periods(0, 3600);
  assert.equal(periods.length, 60);
  let previous: JobPeriod | undefined;
  for (const period of periods) {
    assert.equal(
      period.concurrency,
      plan.at(period.atSeconds),
      'the same draws as the HTTP load of this seed',
    );
    assert.equal(period.jobs, schedule.jobsFor(period.concurrency));
    assert.equal(
      Object.values(period.byKind).reduce((sum, count) => sum + count, 0),
      period.jobs,
    );
    assert.ok(period.gpus <= 16 && period.gpus === period.jobs);
    if (previous !== undefined && period.jobs >= previous.jobs) {
      for (const [kind, count] of Object.entries(previous.byKind))
        assert.ok((period.byKind[kind] ?? 0) >= count, 'more Jobs never means fewer of a kind');
    }
    previous = period;
  }
  assert.deepEqual(schedule.periodAt(61), periods[1]);
});

test("Jobs are shared out by the workloads' weights and GPUs per Job", () => {
  const kinds = [
    { name: 'train', weight: 3, gpusPerJob: 4 },
    { name: 'infer', weight: 1, gpusPerJob: 1 },
  ];
  const schedule = new JobSchedule({
    load: { min: 10, max: 10, redrawSeconds: 60 },
    gpus: 40,
    kinds,
    seed: 1,
  });
  const period = schedule.periodAt(0);
  assert.deepEqual(period.byKind, { train: 9, infer: 3 });
  assert.equal(period.gpus, 39);
  assert.equal(schedule.maxJobs, 12);
  // Topology weights: three training workloads at 20, image classification 25, inference 15.
  const full = new JobSchedule({
    load: { min: 220, max: 220, redrawSeconds: 60 },
    gpus: 100,
    kinds: hpcAi500JobKinds(),
    seed: 1,
  }).periodAt(0);
  assert.deepEqual(full.byKind, {
    'extreme-weather-train': 20,
    'cosmoflow-train': 20,
    'em-segmentation-train': 20,
    'image-classification-train': 25,
    inference: 15,
  });
});

test('a launcher applies each period; too few GPUs for one Job is a usage error', async () => {
  const schedule = new JobSchedule({ load, gpus: 8, kinds: hpcAi500JobKinds(2), seed: 3 });
  const applied: JobPeriod[] = [];
  const launcher: JobLauncher = {
    apply(period) {
      applied.push(period);
      return Promise.resolve({ running: period.byKind, started: period.jobs, stopped: 0 });
    },
  };
  for (const period of schedule.periods(0, 180)) await launcher.apply(period, new AbortController().signal);
  assert.deepEqual(
    applied.map((period) => period.atSeconds),
    [0, 60, 120],
  );
  assert.ok(applied.every((period) => period.gpus <= 8 && period.jobs <= 4));
  assert.throws(() => new JobSchedule({ load, gpus: 1, kinds: hpcAi500JobKinds(2), seed: 3 }), UsageError);
});
