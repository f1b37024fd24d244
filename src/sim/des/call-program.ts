// A topology's call trees compiled into flat instruction arrays, so that walking a request through its calls
// in the event loop touches only typed arrays (no CallSpec objects, no recursion over specs, no allocation).
//
// Each service that serves a call runs a *program*: the downstream calls it makes, in order, one at a time
// (the calls of a CallSpec are sequential, as the topologies describe them). One instruction is one call:
// - `probability` (< 1 only on the first instruction of a call) is drawn once; when the call is not made,
//   `groupLength` instructions are skipped: the call with all its repetitions (`count` is unrolled) and their
//   miss paths;
// - a cache lookup with an `onMiss` path is followed by that path's instructions (`missLength` of them),
//   which the caller runs only when the lookup missed (drawn with `hitRate` after the lookup returns);
// - `programStart..programEnd` is the callee's own program.
import { UsageError } from '../../core/errors.js';
import type { CallSpec, Topology } from '../topology-types.js';

export interface CompiledTopology {
  /** Service names in ms_id order (sorted), as in run directories. */
  services: string[];
  /** Per instruction. */
  service: Int32Array;
  programStart: Int32Array;
  programEnd: Int32Array;
  probability: Float64Array;
  groupLength: Int32Array;
  hitRate: Float64Array;
  missLength: Int32Array;
  /** Index into rpcTypes. */
  rpcType: Int32Array;
  rpcTypes: string[];
  /** Per endpoint: the entry service, its program and the endpoint's share of the mix. */
  endpoints: { name: string; service: number; programStart: number; programEnd: number; weight: number }[];
}

const NO_CALLS: readonly CallSpec[] = [];

interface Instruction {
  service: number;
  program: number;
  probability: number;
  groupLength: number;
  hitRate: number;
  missLength: number;
  rpcType: number;
}

export function compileTopology(topology: Topology): CompiledTopology {
  const services = topology.services.map((spec) => spec.name).sort();
  const indexOf = new Map(services.map((name, index) => [name, index]));
  const rpcTypes: string[] = [];
  const programs: Instruction[][] = [];
  const programOf = new Map<readonly CallSpec[], number>();

  const serviceIndex = (name: string): number => {
    const index = indexOf.get(name);
    if (index === undefined) {
      throw new UsageError(`topology ${topology.benchmark} calls unknown service "${name}"`, {
        suggestion: 'Every call must name one of the topology’s services.',
      });
    }
    return index;
  };
  const rpcIndex = (rpcType: string): number => {
    const found = rpcTypes.indexOf(rpcType);
    if (found >= 0) return found;
    rpcTypes.push(rpcType);
    return rpcTypes.length - 1;
  };

  // Appends the instructions for `calls`, made by one caller, to `out`.
  const emit = (calls: readonly CallSpec[], out: Instruction[]): void => {
    for (const spec of calls) {
      const head = out.length;
      const count = Math.max(0, Math.round(spec.count ?? 1));
      const withMiss = spec.onMiss !== undefined && spec.onMiss.length > 0;
      for (let repeat = 0; repeat < count; repeat += 1) {
        const instruction: Instruction = {
          service: serviceIndex(spec.service),
          program: program(spec.calls ?? NO_CALLS),
          probability: repeat === 0 ? (spec.probability ?? 1) : 1,
          groupLength: 0,
          hitRate: withMiss ? (spec.hitRate ?? 1) : 1,
          missLength: 0,
          rpcType: rpcIndex(spec.rpcType),
        };
        out.push(instruction);
        const at = out.length - 1;
        if (withMiss) {
          emit(spec.onMiss ?? [], out);
          instruction.missLength = out.length - at - 1;
        }
      }
      const first = out[head];
      if (first !== undefined) first.groupLength = out.length - head;
    }
  };
  // The program of a service whose calls are `calls` (shared specs compile once).
  const program = (calls: readonly CallSpec[]): number => {
    const known = programOf.get(calls);
    if (known !== undefined) return known;
    const id = programs.length;
    const instructions: Instruction[] = [];
    programs.push(instructions);
    programOf.set(calls, id);
    emit(calls, instructions);
    return id;
  };

  const entries = topology.endpoints.map((endpoint) => ({
    name: endpoint.name,
    service: serviceIndex(endpoint.entry.service),
    program: program(endpoint.entry.calls ?? NO_CALLS),
    weight: endpoint.weight,
  }));

  // Lay the programs out one after another; each instruction names its callee's program by range.
  const starts: number[] = [];
  let total = 0;
  for (const instructions of programs) {
    starts.push(total);
    total += instructions.length;
  }
  const compiled: CompiledTopology = {
    services,
    service: new Int32Array(total),
    programStart: new Int32Array(total),
    programEnd: new Int32Array(total),
    probability: new Float64Array(total),
    groupLength: new Int32Array(total),
    hitRate: new Float64Array(total),
    missLength: new Int32Array(total),
    rpcType: new Int32Array(total),
    rpcTypes,
    endpoints: entries.map((entry) => ({
      name: entry.name,
      service: entry.service,
      programStart: starts[entry.program] ?? 0,
      programEnd: (starts[entry.program] ?? 0) + (programs[entry.program]?.length ?? 0),
      weight: entry.weight,
    })),
  };
  programs.forEach((instructions, id) => {
    instructions.forEach((instruction, offset) => {
      const at = (starts[id] ?? 0) + offset;
      compiled.service[at] = instruction.service;
      compiled.programStart[at] = starts[instruction.program] ?? 0;
      compiled.programEnd[at] =
        (starts[instruction.program] ?? 0) + (programs[instruction.program]?.length ?? 0);
      compiled.probability[at] = instruction.probability;
      compiled.groupLength[at] = instruction.groupLength;
      compiled.hitRate[at] = instruction.hitRate;
      compiled.missLength[at] = instruction.missLength;
      compiled.rpcType[at] = instruction.rpcType;
    });
  });
  return compiled;
}
