// Benchmark: events per second of the discrete-event simulation (goal ≥ 1 M events/s). Rates are given per
// wall-clock second and per CPU second of the process: on a shared machine other processes stretch the wall
// time, while the CPU time is what the simulation itself costs (it is single-threaded).
// - engine: the e-commerce app under the study's load (closed loop 80–220 clients, 500 ms think time) for
//   1 h of simulated time, static replicas and the HPA; events / wall second and / CPU second of the process.
// - event-list floor, measured in the same run: the same number of events through the EventQueue alone, in
//   the classic "hold" pattern (pop the earliest, push one at now + an exponential time, ~1 000 pending) —
//   what a model with no work per event would reach;
// - reference: the same hold loop on a binary heap of event objects with a comparator (the textbook way),
//   to show what the typed-array heap buys.
// node --import tsx bench/des-speed.ts
import { Random } from '../src/core/random.js';
import { DesRun } from '../src/sim/des/des-run.js';
import { EventQueue } from '../src/sim/des/event-queue.js';
import { HPA_DEFAULTS, HpaPolicy } from '../src/sim/des/policies/hpa-policy.js';
import type { OrchestrationPolicy } from '../src/sim/des/policies/policy-types.js';
import { StaticPolicy } from '../src/sim/des/policies/static-policy.js';
import { studyScenario } from '../src/sim/des/scenario.js';

const GOAL = 1e6;
const PENDING = 1000;

const scenario = studyScenario({ durationSeconds: 3600 });

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function engine(policy: OrchestrationPolicy): Promise<{ events: number; wall: number; cpu: number }> {
  const cpu = cpuSeconds();
  const outcome = await new DesRun({ scenario, seed: 1, policy }).run();
  return { events: outcome.events, wall: outcome.wallSeconds, cpu: cpuSeconds() - cpu };
}

/** What the hold loop needs of an event list: EventQueue's interface. */
interface EventList {
  time: number;
  kind: number;
  a: number;
  b: number;
  push(time: number, kind: number, a: number, b: number): void;
  pop(): boolean;
}

/** CPU seconds of `events` hold operations (pop the earliest, push one a random time later) on `list`. */
function hold(list: EventList, events: number): number {
  const random = Random.fromSeed(1);
  for (let i = 0; i < PENDING; i += 1) list.push(random.exponential(1), 0, i, 0);
  const started = cpuSeconds();
  for (let i = 0; i < events; i += 1) {
    list.pop();
    list.push(list.time + random.exponential(1), list.kind, list.a, list.b);
  }
  return cpuSeconds() - started;
}

interface ObjectEvent {
  time: number;
  sequence: number;
  kind: number;
  a: number;
  b: number;
}

/** A textbook binary heap of event objects, behind EventQueue's interface. */
class ObjectHeap implements EventList {
  private readonly items: ObjectEvent[] = [];
  private sequence = 0;
  time = 0;
  kind = 0;
  a = 0;
  b = 0;
  private static before(x: ObjectEvent, y: ObjectEvent): boolean {
    return x.time < y.time || (x.time === y.time && x.sequence < y.sequence);
  }
  push(time: number, kind: number, a: number, b: number): void {
    const items = this.items;
    items.push({ time, sequence: this.sequence++, kind, a, b });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!ObjectHeap.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): boolean {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return false;
    ({ time: this.time, kind: this.kind, a: this.a, b: this.b } = top);
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && ObjectHeap.before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && ObjectHeap.before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return true;
  }
}

const rate = (events: number, seconds: number): string => `${(events / seconds / 1e6).toFixed(2)} M/s`;

await engine(new StaticPolicy('warm-up'));
const runs = [
  { name: 'static', ...(await engine(new StaticPolicy('static'))) },
  {
    name: 'hpa',
    ...(await engine(
      new HpaPolicy({ targetUtilisation: 0.6, minReplicas: 1, maxReplicas: 10, ...HPA_DEFAULTS }),
    )),
  },
];
console.log(
  `DES speed: ${scenario.topology.benchmark}, ${scenario.durationSeconds / 3600} h simulated, closed loop 80–220 clients, think 500 ms`,
);
for (const run of runs) {
  const floorSeconds = hold(new EventQueue(), run.events);
  const referenceSeconds = hold(new ObjectHeap(), run.events);
  console.log(
    `${run.name.padEnd(7)} ${run.events.toLocaleString('en-US').padStart(11)} events  ${run.wall.toFixed(2)} s wall (${rate(run.events, run.wall)}), ` +
      `${run.cpu.toFixed(2)} s CPU (${rate(run.events, run.cpu)})  |  CPU rates: event-list floor ${rate(run.events, floorSeconds)}, ` +
      `object heap ${rate(run.events, referenceSeconds)}; engine costs ${(run.cpu / floorSeconds).toFixed(1)}× the floor, ` +
      `the object heap ${(referenceSeconds / floorSeconds).toFixed(2)}× the typed one`,
  );
}
const verdict = (label: string, perSecond: number): string =>
  `${label} ${(perSecond / 1e6).toFixed(2)} M events/s = ${(perSecond / GOAL).toFixed(2)}× the 1 M events/s goal${perSecond >= GOAL ? ' (met)' : ' (NOT met)'}`;
const load = (await import('node:os')).loadavg()[0]?.toFixed(1);
console.log(
  `slowest run: ${verdict('per wall second', Math.min(...runs.map((run) => run.events / run.wall)))}; ` +
    `${verdict('per CPU second', Math.min(...runs.map((run) => run.events / run.cpu)))} (load average ${load})`,
);
