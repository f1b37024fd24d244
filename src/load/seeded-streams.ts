// Random streams of the load generator. The concurrency schedule draws from the stream the simulated cluster
// uses for its concurrency, so `rescape load --seed 7` and `rescape profile --seed 7` drive the same schedule.
// Arrivals and request contents get a stream per step, derived from (seed, purpose, step), so a run resumed at
// step k sends what the uninterrupted run would have sent from step k on, without replaying steps 0..k-1.
import { Random } from '../core/random.js';

/** Purposes of the per-step streams; numbered, so adding one never changes another's draws. */
export const STEP_STREAM = { arrivals: 1, requests: 2 } as const;

/** The stream behind the concurrency schedule: stream 0 of the seed, as in ClusterSimulator. */
export function concurrencyRandom(seed: number): Random {
  return Random.fromSeed(seed).stream(0);
}

/** MurmurHash3's 32-bit finaliser: spreads nearby inputs (step 7, step 8) over unrelated seeds. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** An independent stream for one purpose at one step. */
export function stepRandom(seed: number, purpose: number, step: number): Random {
  const mixed = fmix32(seed ^ fmix32(Math.imul(purpose, 0x9e3779b1) ^ fmix32(step + 1)));
  return Random.fromSeed(mixed | 0);
}
