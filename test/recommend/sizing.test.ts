import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random.js';
import { sizeService, type ServiceDemand, type SizingOptions } from '../../src/recommend/sizing.js';

const OPTIONS: SizingOptions = { headroom: 0, minCores: 0, maxCores: Infinity, peakFactor: 2 };

function demand(target: number, overrides: Partial<ServiceDemand> = {}): ServiceDemand {
  return {
    cpu: { lower: target * 0.8, target, upper: target * 1.2 },
    gpu: null,
    peak: { cpu: 100, gpu: 0 },
    currentReplicas: 1,
    capacity: { cores: null, gpus: null },
    ...overrides,
  };
}

test('headroom is added and per-replica amounts are rounded up to whole millicores', () => {
  const sized = sizeService(demand(0.1234), { ...OPTIONS, headroom: 0.15 });
  // 0.1234 × 1.15 = 0.14191 → 142m; lower 0.09872 × 1.15 = 0.11353 → 114m; upper 0.14808 × 1.15 = 0.17029 → 171m
  assert.deepEqual(sized.cpu, { lower: 0.114, target: 0.142, upper: 0.171 });
  assert.deepEqual(sized.boundedBy, []);
  assert.equal(sizeService(demand(0.3), OPTIONS).cpu.target, 0.3, 'whole millicores stay as they are');
});

test('--min-cpu is a floor per replica', () => {
  const sized = sizeService(demand(0.01), { ...OPTIONS, minCores: 0.025 });
  assert.deepEqual(sized.cpu, { lower: 0.025, target: 0.025, upper: 0.025 });
  assert.deepEqual(sized.boundedBy, ['min-cpu']);
});

test('--max-cpu caps each replica: replicas grow to fit the target, the limit is clamped', () => {
  const sized = sizeService(demand(3), { ...OPTIONS, maxCores: 1 });
  assert.equal(sized.replicas, 3);
  assert.deepEqual(sized.cpu, { lower: 0.8, target: 1, upper: 1 });
  assert.deepEqual(sized.boundedBy, ['max-cpu'], 'the upper bound 3.6 / 3 = 1.2 was clamped');
});

test('never more than peak-factor × the peak, whatever the forecast says', () => {
  const sized = sizeService(demand(50, { peak: { cpu: 2, gpu: 0 } }), { ...OPTIONS, headroom: 0.15 });
  assert.deepEqual(sized.cpu, { lower: 4, target: 4, upper: 4 });
  assert.deepEqual(sized.boundedBy, ['peak']);
  const under = sizeService(demand(3, { peak: { cpu: 2, gpu: 0 } }), OPTIONS);
  assert.deepEqual(under.boundedBy, [], '3 cores is under 2 × 2');
});

test('replicas from the per-replica capacity; the run’s replicas where it is unknown', () => {
  const known = sizeService(demand(5, { capacity: { cores: 2, gpus: null }, currentReplicas: 7 }), OPTIONS);
  assert.equal(known.replicas, 3);
  assert.equal(known.cpu.target, 1.667, '5 / 3 = 1.6667 → 1667m');
  assert.equal(
    sizeService(demand(4.8, { capacity: { cores: 1.6, gpus: null } }), OPTIONS).replicas,
    3,
    'no float overshoot',
  );
  assert.equal(sizeService(demand(5, { currentReplicas: 4 }), OPTIONS).replicas, 4);
  assert.equal(sizeService(demand(0, { capacity: { cores: 2, gpus: null } }), OPTIONS).replicas, 1);
});

test('GPUs: at least one per replica of a GPU service, replicas enough for the GPUs', () => {
  const gpuService = (gpu: number) =>
    sizeService(demand(1, { gpu, peak: { cpu: 100, gpu: 20 }, capacity: { cores: 8, gpus: 8 } }), OPTIONS);
  assert.deepEqual([gpuService(13).replicas, gpuService(13).gpusPerReplica], [2, 7]);
  assert.deepEqual([gpuService(0).replicas, gpuService(0).gpusPerReplica], [1, 1]);
  assert.equal(sizeService(demand(1), OPTIONS).gpusPerReplica, null);
});

test('lower ≤ target ≤ upper and bounds hold for any demand (seeded random cases)', () => {
  const random = Random.fromSeed(9);
  for (let i = 0; i < 500; i += 1) {
    const lower = random.uniform() * 10;
    const target = lower + random.uniform() * 5;
    const upper = target + random.uniform() * 5;
    const options: SizingOptions = {
      headroom: random.uniform(),
      minCores: random.int(0, 200) / 1000,
      maxCores: random.uniform() < 0.5 ? Infinity : random.int(200, 4200) / 1000,
      peakFactor: 1 + random.uniform() * 2,
    };
    const sized = sizeService(
      {
        cpu: { lower, target, upper },
        gpu: null,
        peak: { cpu: random.uniform() * 12, gpu: 0 },
        currentReplicas: random.int(1, 5),
        capacity: { cores: random.uniform() < 0.5 ? null : 0.5 + random.uniform() * 4, gpus: null },
      },
      options,
    );
    const { cpu } = sized;
    const where = `case ${i}: ${JSON.stringify({ cpu, options, replicas: sized.replicas })}`;
    assert.ok(cpu.lower <= cpu.target && cpu.target <= cpu.upper, where);
    assert.ok(cpu.lower >= options.minCores && cpu.upper <= options.maxCores, where);
    for (const value of Object.values(cpu)) assert.equal(Math.round(value * 1000) / 1000, value, where);
    assert.ok(Number.isInteger(sized.replicas) && sized.replicas >= 1, where);
  }
});
