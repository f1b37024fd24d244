// A hand-built `rescape simulate` result (the SimulationResult contract), standing in for the simulator's
// output in report tests: three policies over an hour with one fault, deterministic and readable.
import type { PolicyResult, SeedStatistic, SimulationResult } from '../../src/sim/des/simulation-result.js';

function statistic(values: number[]): SeedStatistic {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { mean, ciLow: mean * 0.9, ciHigh: mean * 1.1, values };
}

function policy(name: string, description: string, scale: number, index: number): PolicyResult {
  const t = Array.from({ length: 120 }, (_, i) => i * 30);
  const wave = (i: number) => 1 + 0.3 * Math.sin(i / 9 + index);
  const fault = (i: number) => (i >= 60 && i < 70 ? 2.5 : 1);
  return {
    policy: name,
    description,
    summary: {
      meanResponseMs: statistic([40 * scale, 42 * scale, 38 * scale]),
      p95ResponseMs: statistic([90 * scale, 95 * scale, 88 * scale]),
      p99ResponseMs: statistic([150 * scale, 160 * scale, 140 * scale]),
      loadBalanceCv: statistic([0.2 * scale, 0.22 * scale, 0.18 * scale]),
      utilisation: statistic([0.5 / scale, 0.52 / scale, 0.48 / scale]),
      replicaSeconds: statistic([36000 / scale, 36500 / scale, 35500 / scale]),
      recoverySeconds: statistic([120 * scale, 110 * scale, 130 * scale]),
      errorRate: statistic([0.01 * scale, 0.012 * scale, 0.008 * scale]),
    },
    timeline: {
      t,
      arrivalsPerSecond: t.map((_, i) => 150 * wave(i)),
      meanResponseMs: t.map((_, i) => 40 * scale * wave(i) * fault(i)),
      p99ResponseMs: t.map((_, i) => 150 * scale * wave(i) * fault(i)),
      utilisation: t.map((_, i) => Math.min(1, (0.5 / scale) * wave(i))),
      replicas: t.map((_, i) => Math.round((10 / scale) * wave(i))),
    },
  };
}

export function simulationFixture(): SimulationResult {
  return {
    kind: 'rescape.simulation',
    version: 1,
    topology: 'ecommerce',
    durationSeconds: 3600,
    bucketSeconds: 30,
    sloMs: 200,
    seeds: [1, 2, 3],
    load: 'closed loop 80–220 re-drawn every 60 s',
    faults: [{ kind: 'crash', service: 'payment', startSeconds: 1800, endSeconds: 2100 }],
    policies: [
      policy('static', 'fixed replicas: 10 per service', 1.3, 0),
      policy('hpa', 'HPA target 60 %, sync 15 s, tolerance 0.1, stabilisation 300 s', 1.1, 1),
      policy('predictive', 'GAT-GRU forecast 90 s ahead, target 60 %', 0.9, 2),
    ],
    events: 1_234_567,
    wallSeconds: 4.2,
  };
}
