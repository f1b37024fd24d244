// Checks a Topology before the simulator uses it: every problem found is listed in one DataError whose message
// names the benchmark and the offending service, endpoint or call path.
import { DataError } from '../core/errors.js';
import { SERVICE_KINDS } from '../dataset/run-format.js';
import { BENCHMARKS, type CallSpec, type ServiceSpec, type Topology } from './topology-types.js';

/** Kinds whose pods answer from their own state and call nothing downstream. */
const LEAF_KINDS = new Set(['cache', 'database']);

const isPositive = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;
const isNonNegative = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isPositiveInteger = (value: unknown): boolean => isPositive(value) && Number.isInteger(value);
const isProbability = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;

function checkService(spec: ServiceSpec, problems: string[]): void {
  const where = `service "${spec.name}"`;
  if (!(SERVICE_KINDS as readonly string[]).includes(spec.kind)) {
    problems.push(
      `${where}: unknown kind "${String(spec.kind)}" (expected one of ${SERVICE_KINDS.join(', ')})`,
    );
  }
  if (!isPositiveInteger(spec.replicas))
    problems.push(`${where}: replicas must be a positive integer, got ${spec.replicas}`);
  for (const field of ['coresPerReplica', 'cpuMsPerCall', 'latencyMs', 'memoryBaseBytes'] as const) {
    if (!isPositive(spec[field])) problems.push(`${where}: ${field} must be positive, got ${spec[field]}`);
  }
  for (const field of ['idleCores', 'memoryBytesPerRps'] as const) {
    if (!isNonNegative(spec[field]))
      problems.push(`${where}: ${field} must be zero or more, got ${spec[field]}`);
  }
  // Both per pod: a pod's idle use must leave room under its CPU limit.
  if (
    isNonNegative(spec.idleCores) &&
    isPositive(spec.coresPerReplica) &&
    spec.idleCores >= spec.coresPerReplica
  ) {
    problems.push(
      `${where}: idleCores ${spec.idleCores} is not below coresPerReplica ${spec.coresPerReplica}`,
    );
  }
  if (spec.kind === 'gpu') {
    if (!isPositiveInteger(spec.gpus))
      problems.push(`${where}: a gpu service needs gpus, a positive integer, got ${spec.gpus}`);
    if (!isPositive(spec.gpuMsPerCall)) {
      problems.push(
        `${where}: a gpu service needs gpuMsPerCall, a positive number, got ${spec.gpuMsPerCall}`,
      );
    }
  } else if (spec.gpus !== undefined || spec.gpuMsPerCall !== undefined) {
    problems.push(`${where}: only gpu services hold GPUs, but kind "${spec.kind}" has gpus/gpuMsPerCall`);
  }
}

interface CallContext {
  services: ReadonlyMap<string, ServiceSpec>;
  reached: Set<string>;
  problems: string[];
}

/** Checks one call made by `caller`; `path` names the services from the entry down to the caller. */
function checkCall(call: CallSpec, caller: ServiceSpec, path: string, context: CallContext): void {
  const { services, reached, problems } = context;
  const where = `${path} → ${call.service}`;
  const callee = services.get(call.service);
  if (callee === undefined) {
    problems.push(`${where}: call to unknown service "${call.service}"`);
  } else {
    reached.add(callee.name);
    if (callee.name === caller.name) problems.push(`${where}: service "${caller.name}" calls itself`);
    if (callee.kind === 'gateway')
      problems.push(`${where}: calls gateway "${callee.name}", which only takes entries`);
  }
  if (typeof call.rpcType !== 'string' || call.rpcType.trim() === '')
    problems.push(`${where}: rpcType is empty`);
  if (call.probability !== undefined && !isProbability(call.probability)) {
    problems.push(`${where}: probability must lie in [0, 1], got ${call.probability}`);
  }
  if (call.count !== undefined && !isPositiveInteger(call.count)) {
    problems.push(`${where}: count must be a positive integer, got ${call.count}`);
  }
  if (call.hitRate !== undefined && !isProbability(call.hitRate)) {
    problems.push(`${where}: hitRate must lie in [0, 1], got ${call.hitRate}`);
  }
  if (callee?.kind === 'cache' && call.hitRate === undefined) {
    problems.push(
      `${where}: call to cache "${callee.name}" has no hitRate (a write that cannot miss has hitRate 1)`,
    );
  }
  if (callee !== undefined && callee.kind !== 'cache' && call.hitRate !== undefined) {
    problems.push(
      `${where}: hitRate given for "${callee.name}", of kind "${callee.kind}"; only caches have one`,
    );
  }
  if (call.onMiss !== undefined && call.hitRate === undefined)
    problems.push(`${where}: onMiss given without a hitRate`);
  if (callee !== undefined && LEAF_KINDS.has(callee.kind) && (call.calls?.length ?? 0) > 0) {
    problems.push(
      `${where}: ${callee.kind} "${callee.name}" makes downstream calls; a cache miss is handled by its caller (onMiss)`,
    );
  }
  // The caller makes the miss calls; the callee makes its own calls.
  for (const missCall of call.onMiss ?? [])
    checkCall(missCall, caller, `${path} (miss on ${call.service})`, context);
  if (callee !== undefined) for (const child of call.calls ?? []) checkCall(child, callee, where, context);
}

/** Throws a DataError listing every problem of `topology`; returns when it is sound. */
export function validateTopology(topology: Topology): void {
  const name = String(topology.benchmark);
  const problems: string[] = [];
  if (!(BENCHMARKS as readonly string[]).includes(name)) {
    problems.push(`unknown benchmark "${name}" (expected one of ${BENCHMARKS.join(', ')})`);
  }
  if (typeof topology.description !== 'string' || topology.description.trim() === '') {
    problems.push('description is empty');
  }

  const services = new Map<string, ServiceSpec>();
  if (topology.services.length === 0) problems.push('no services');
  for (const spec of topology.services) {
    if (typeof spec.name !== 'string' || spec.name.trim() === '') {
      problems.push(`a service of kind "${spec.kind}" has an empty name`);
      continue;
    }
    if (services.has(spec.name)) problems.push(`service name "${spec.name}" is not unique`);
    services.set(spec.name, spec);
    checkService(spec, problems);
  }

  const reached = new Set<string>();
  const context: CallContext = { services, reached, problems };
  const endpointNames = new Set<string>();
  if (topology.endpoints.length === 0) problems.push('no endpoints');
  for (const endpoint of topology.endpoints) {
    const where = `endpoint "${endpoint.name}"`;
    if (typeof endpoint.name !== 'string' || endpoint.name.trim() === '')
      problems.push('an endpoint has an empty name');
    if (endpointNames.has(endpoint.name)) problems.push(`endpoint name "${endpoint.name}" is not unique`);
    endpointNames.add(endpoint.name);
    if (!isPositive(endpoint.weight))
      problems.push(`${where}: weight must be positive, got ${endpoint.weight}`);
    const entry = services.get(endpoint.entry.service);
    if (entry === undefined) {
      problems.push(`${where}: entry service "${endpoint.entry.service}" is unknown`);
      continue;
    }
    reached.add(entry.name);
    if (entry.kind !== 'gateway') {
      problems.push(`${where}: entry service "${entry.name}" is of kind "${entry.kind}", not gateway`);
    }
    for (const call of endpoint.entry.calls ?? []) checkCall(call, entry, `${where}: ${entry.name}`, context);
  }

  for (const serviceName of services.keys()) {
    if (!reached.has(serviceName))
      problems.push(`service "${serviceName}" is unreachable from every endpoint`);
  }

  if (problems.length > 0) {
    throw new DataError(
      `topology "${name}" is invalid: ${problems.join('; ')}`,
      {},
      {
        suggestion: 'Fix the listed services, endpoints and calls in the topology definition.',
      },
    );
  }
}
