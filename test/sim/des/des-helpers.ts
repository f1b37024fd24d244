// Scenarios and topologies for the discrete-event tests, and the queueing formulas they are checked against.
import { DesRun, type RunOutcome } from '../../../src/sim/des/des-run.js';
import type { OrchestrationPolicy } from '../../../src/sim/des/policies/policy-types.js';
import { StaticPolicy } from '../../../src/sim/des/policies/static-policy.js';
import { studyScenario, type Scenario } from '../../../src/sim/des/scenario.js';
import type { Topology } from '../../../src/sim/topology-types.js';

/** One service, one replica of `servers` servers, exponential service of mean `latencyMs`: an M/M/c station. */
export function station(servers: number, latencyMs: number): Topology {
  return {
    benchmark: 'ecommerce',
    description: `M/M/${servers} station`,
    services: [
      {
        name: 'station',
        kind: 'service',
        replicas: 1,
        coresPerReplica: servers,
        cpuMsPerCall: latencyMs,
        idleCores: 0,
        latencyMs,
        memoryBaseBytes: 0,
        memoryBytesPerRps: 0,
      },
    ],
    endpoints: [{ name: 'serve', weight: 1, entry: { service: 'station' } }],
  };
}

/** The e-commerce scenario of the study, 10 minutes, with no faults unless given. */
export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return studyScenario({ durationSeconds: 600, ...overrides });
}

export function runStatic(settings: Scenario, seed = 1, policy?: OrchestrationPolicy): Promise<RunOutcome> {
  return new DesRun({ scenario: settings, seed, policy: policy ?? new StaticPolicy('static') }).run();
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
export function erlangC(servers: number, offered: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < servers; k += 1) {
    term *= offered / k;
    sum += term;
  }
  const last = (term * offered) / servers;
  const rho = offered / servers;
  const waiting = last / (1 - rho);
  return waiting / (sum + waiting);
}

/** Mean wait in queue and mean response time (seconds) of an M/M/c queue. */
export function mmc(servers: number, lambda: number, mu: number): { wq: number; w: number } {
  const wq = erlangC(servers, lambda / mu) / (servers * mu - lambda);
  return { wq, w: wq + 1 / mu };
}
