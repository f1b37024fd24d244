// The event core against queueing theory: a single replica with c servers under Poisson arrivals and
// exponential service is an M/M/c queue, whose mean wait is Erlang C's.
//
// Tolerances: each case simulates ≈ 400 000 customers. Over 8 seeds the relative error of the mean response
// time W had a standard deviation of at most 0.8 % (M/M/1 at ρ = 0.7) and that of the mean queue wait Wq at
// most 1.6 % (M/M/4 at ρ = 0.75; Wq is the noisier, being a smaller number that carries all the queueing
// variance), so 3 % on W and 6 % on Wq are ≥ 3.75 standard deviations. The seed is fixed, so the test is
// deterministic. A wrong service-time mean (5 % off), a server count off by one or a queue that is not FIFO
// and work-conserving miss these by far more (c = 3 instead of 4 at ρ = 0.75 multiplies Wq by ≈ 10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mmc, runStatic, scenario, station } from './des-helpers.js';

const TOLERANCE_W = 0.03;
const TOLERANCE_WQ = 0.06;

const cases = [
  { name: 'M/M/1 at ρ = 0.5', servers: 1, lambda: 500, seconds: 800 },
  { name: 'M/M/1 at ρ = 0.7', servers: 1, lambda: 700, seconds: 600 },
  { name: 'M/M/4 at ρ = 0.5', servers: 4, lambda: 2000, seconds: 200 },
  { name: 'M/M/4 at ρ = 0.75', servers: 4, lambda: 3000, seconds: 140 },
];

for (const { name, servers, lambda, seconds } of cases) {
  test(`${name}: mean response within ${TOLERANCE_W * 100} % and mean queue wait within ${TOLERANCE_WQ * 100} % of the formulas`, async () => {
    const mu = 1000; // latencyMs 1
    const outcome = await runStatic(
      scenario({
        topology: station(servers, 1),
        durationSeconds: seconds,
        load: { kind: 'open', min: lambda, max: lambda, redrawSeconds: 60 },
        sloMs: 1000,
      }),
      11,
    );
    const expected = mmc(servers, lambda, mu);
    const customers = outcome.responses.completed;
    assert.ok(customers >= 390_000, `${customers} customers`);
    const w = outcome.responses.meanMs / 1000;
    const wq = (outcome.services[0]?.meanWaitMs ?? NaN) / 1000;
    const relative = (actual: number, formula: number) => Math.abs(actual - formula) / formula;
    assert.ok(
      relative(w, expected.w) < TOLERANCE_W,
      `W ${(w * 1000).toFixed(4)} ms vs ${(expected.w * 1000).toFixed(4)} ms (${(relative(w, expected.w) * 100).toFixed(2)} %)`,
    );
    assert.ok(
      relative(wq, expected.wq) < TOLERANCE_WQ,
      `Wq ${(wq * 1000).toFixed(4)} ms vs ${(expected.wq * 1000).toFixed(4)} ms (${(relative(wq, expected.wq) * 100).toFixed(2)} %)`,
    );
    // Little's law on the arrival rate, and utilisation ρ = λ/(cμ).
    assert.ok(Math.abs(customers / seconds - lambda) / lambda < 0.01, `throughput ${customers / seconds}/s`);
    assert.ok(
      Math.abs(outcome.utilisation - lambda / (servers * mu)) < 0.01,
      `utilisation ${outcome.utilisation}`,
    );
  });
}

// Other service-time distributions through the Pollaczek–Khinchine formula for M/G/1:
// Wq = λ·E[S²] / (2(1 − ρ)), with E[S²] = S²(1 + CV²): CV 0 (deterministic) and 0.53 (lognormal, σ = 0.5).
// Their waits vary less than the exponential's, so the M/M/1 tolerances hold with room to spare.
for (const { serviceTime, cv2 } of [
  { serviceTime: 'deterministic', cv2: 0 },
  { serviceTime: 'lognormal', cv2: Math.exp(0.25) - 1 },
] as const) {
  test(`M/G/1 (${serviceTime} service) at ρ = 0.7: mean queue wait within ${TOLERANCE_WQ * 100} % of Pollaczek–Khinchine`, async () => {
    const lambda = 700;
    const s = 0.001;
    const outcome = await runStatic(
      scenario({
        topology: station(1, 1),
        serviceTime,
        durationSeconds: 600,
        load: { kind: 'open', min: lambda, max: lambda, redrawSeconds: 60 },
        sloMs: 1000,
      }),
      11,
    );
    const rho = lambda * s;
    const wq = (lambda * s * s * (1 + cv2)) / (2 * (1 - rho));
    const measured = (outcome.services[0]?.meanWaitMs ?? NaN) / 1000;
    assert.ok(
      Math.abs(measured / wq - 1) < TOLERANCE_WQ,
      `Wq ${(measured * 1000).toFixed(4)} ms vs ${(wq * 1000).toFixed(4)} ms`,
    );
    assert.ok(Math.abs((outcome.services[0]?.meanServiceMs ?? NaN) - 1) < 0.01, 'mean service time 1 ms');
  });
}
