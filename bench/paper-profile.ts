// The profile every benchmark script simulates: the RESCAPE paper's setup (30 s step, concurrency 80–220
// re-drawn every minute) with the CLI's defaults for traces and incidents.
import type { BenchmarkName } from '../src/sim/topology-types.js';
import type { SimulatedProfileOptions } from '../src/profiler/simulated-profile.js';

export function paperProfile(
  benchmark: BenchmarkName,
  hours: number,
  seed: number,
  out: string,
): SimulatedProfileOptions {
  return {
    benchmark,
    durationSeconds: hours * 3600,
    stepSeconds: 30,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    seed,
    tracesPerStep: 20,
    incidentsPerHour: 0.5,
    out,
  };
}
