import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import type { ServiceKind } from '../../src/dataset/run-format.js';
import { cacheWrite, endpoint, lookup, rpc, thrift } from '../../src/sim/topologies/call-builders.js';
import { TOPOLOGIES } from '../../src/sim/topologies/index.js';
import type { CallSpec, EndpointSpec, ServiceSpec, Topology } from '../../src/sim/topology-types.js';
import { validateTopology } from '../../src/sim/topology-validation.js';

describe('validateTopology', () => {
  // A small sound topology to break one way at a time.
  const spec = (name: string, kind: ServiceKind, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
    name,
    kind,
    replicas: 1,
    coresPerReplica: 1,
    cpuMsPerCall: 0.1,
    idleCores: 0,
    latencyMs: 1,
    memoryBaseBytes: 1,
    memoryBytesPerRps: 1,
    ...extra,
  });
  const base = (): Topology => ({
    benchmark: 'ecommerce',
    description: 'test shop',
    services: [
      spec('gw', 'gateway', { idleCores: 0.01 }),
      spec('api', 'service', { replicas: 2 }),
      spec('cache', 'cache'),
      spec('db', 'database'),
      spec('gpu', 'gpu', { gpus: 1, gpuMsPerCall: 1 }),
    ],
    endpoints: [
      endpoint('read', 3, 'gw', [
        thrift('api', [
          lookup('memcached', 'cache', 0.9, [rpc('mongodb', 'db')]),
          cacheWrite('memcached', 'cache'),
        ]),
      ]),
      endpoint('infer', 1, 'gw', [rpc('http', 'gpu')]),
    ],
  });
  const svc = (t: Topology, name: string) => {
    const found = t.services.find((s) => s.name === name);
    assert.ok(found);
    return found as unknown as Record<string, unknown>;
  };
  const apiCall = (t: Topology): CallSpec => {
    const call = t.endpoints[0]?.entry.calls?.[0];
    assert.ok(call);
    return call;
  };
  const cacheCall = (t: Topology): CallSpec => {
    const call = apiCall(t).calls?.[0];
    assert.ok(call);
    return call;
  };

  it('accepts a sound topology', () => {
    assert.doesNotThrow(() => validateTopology(base()));
  });

  const cases: Array<[string, (t: Topology) => void, RegExp]> = [
    [
      'unknown callee',
      (t) => apiCall(t).calls?.push(rpc('mongodb', 'nosuch')),
      /gw → api → nosuch: call to unknown service "nosuch"/,
    ],
    [
      'unknown entry',
      (t) => ((t.endpoints[1] as EndpointSpec).entry.service = 'front'),
      /endpoint "infer": entry service "front" is unknown/,
    ],
    [
      'entry not a gateway',
      (t) => ((t.endpoints[1] as EndpointSpec).entry = { service: 'api', calls: [rpc('http', 'gpu')] }),
      /entry service "api" is of kind "service", not gateway/,
    ],
    [
      'duplicate service',
      (t) => t.services.push({ ...(t.services[1] as Topology['services'][number]) }),
      /service name "api" is not unique/,
    ],
    [
      'duplicate endpoint',
      (t) => t.endpoints.push(endpoint('read', 1, 'gw')),
      /endpoint name "read" is not unique/,
    ],
    ['empty service name', (t) => (svc(t, 'db').name = ''), /empty name/],
    ['unknown kind', (t) => (svc(t, 'api').kind = 'queue'), /service "api": unknown kind "queue"/],
    [
      'zero replicas',
      (t) => (svc(t, 'api').replicas = 0),
      /service "api": replicas must be a positive integer, got 0/,
    ],
    [
      'fractional replicas',
      (t) => (svc(t, 'api').replicas = 1.5),
      /service "api": replicas must be a positive integer, got 1.5/,
    ],
    [
      'negative cpu',
      (t) => (svc(t, 'db').cpuMsPerCall = -1),
      /service "db": cpuMsPerCall must be positive, got -1/,
    ],
    [
      'NaN latency',
      (t) => (svc(t, 'cache').latencyMs = Number.NaN),
      /service "cache": latencyMs must be positive, got NaN/,
    ],
    [
      'infinite cores',
      (t) => (svc(t, 'api').coresPerReplica = Infinity),
      /service "api": coresPerReplica must be positive, got Infinity/,
    ],
    [
      'zero memory',
      (t) => (svc(t, 'api').memoryBaseBytes = 0),
      /service "api": memoryBaseBytes must be positive/,
    ],
    [
      'negative idle',
      (t) => (svc(t, 'api').idleCores = -0.1),
      /service "api": idleCores must be zero or more/,
    ],
    [
      'idle above the limit',
      (t) => (svc(t, 'gw').idleCores = 1),
      /service "gw": idleCores 1 is not below coresPerReplica 1/,
    ],
    ['gpu without gpus', (t) => delete svc(t, 'gpu').gpus, /service "gpu": a gpu service needs gpus/],
    [
      'gpu without gpu time',
      (t) => (svc(t, 'gpu').gpuMsPerCall = 0),
      /service "gpu": a gpu service needs gpuMsPerCall/,
    ],
    ['gpus on a cpu service', (t) => (svc(t, 'api').gpus = 2), /service "api": only gpu services hold GPUs/],
    [
      'zero weight',
      (t) => ((t.endpoints[1] as EndpointSpec).weight = 0),
      /endpoint "infer": weight must be positive, got 0/,
    ],
    [
      'probability above 1',
      (t) => (apiCall(t).probability = 1.5),
      /gw → api: probability must lie in \[0, 1\], got 1.5/,
    ],
    ['zero count', (t) => (apiCall(t).count = 0), /gw → api: count must be a positive integer, got 0/],
    [
      'hit rate below 0',
      (t) => (cacheCall(t).hitRate = -0.1),
      /api → cache: hitRate must lie in \[0, 1\], got -0.1/,
    ],
    [
      'hit rate above 1',
      (t) => (cacheCall(t).hitRate = 2),
      /api → cache: hitRate must lie in \[0, 1\], got 2/,
    ],
    [
      'cache call without hit rate',
      (t) => delete cacheCall(t).hitRate,
      /call to cache "cache" has no hitRate/,
    ],
    [
      'hit rate on a database',
      (t) => apiCall(t).calls?.push({ service: 'db', rpcType: 'mongodb', hitRate: 0.5 }),
      /hitRate given for "db", of kind "database"/,
    ],
    [
      'onMiss on a plain call',
      (t) => (apiCall(t).onMiss = [rpc('mongodb', 'db')]),
      /gw → api: onMiss given without a hitRate/,
    ],
    [
      'cache making calls',
      (t) => (cacheCall(t).calls = [rpc('mongodb', 'db')]),
      /cache "cache" makes downstream calls/,
    ],
    [
      'unknown service in a miss path',
      (t) => cacheCall(t).onMiss?.push(rpc('mongodb', 'db2')),
      /api \(miss on cache\) → db2: call to unknown service "db2"/,
    ],
    ['self call', (t) => apiCall(t).calls?.push(thrift('api')), /service "api" calls itself/],
    ['call into a gateway', (t) => apiCall(t).calls?.push(rpc('http', 'gw')), /calls gateway "gw"/],
    ['empty rpc type', (t) => (apiCall(t).rpcType = ' '), /gw → api: rpcType is empty/],
    [
      'unreachable service',
      (t) => t.endpoints.splice(1, 1),
      /service "gpu" is unreachable from every endpoint/,
    ],
    ['no endpoints', (t) => t.endpoints.splice(0), /no endpoints/],
    [
      'unknown benchmark',
      (t) => ((t as { benchmark: string }).benchmark = 'sock-shop'),
      /unknown benchmark "sock-shop"/,
    ],
    ['empty description', (t) => (t.description = ''), /description is empty/],
  ];
  for (const [label, breakIt, message] of cases) {
    it(`rejects ${label}`, () => {
      const t = base();
      breakIt(t);
      assert.throws(
        () => validateTopology(t),
        (error: unknown) => {
          assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('lists every problem in one error', () => {
    const t = base();
    svc(t, 'api').replicas = 0;
    svc(t, 'db').latencyMs = -2;
    assert.throws(
      () => validateTopology(t),
      /topology "ecommerce" is invalid: .*"api": replicas.*"db": latencyMs/,
    );
  });

  it('names the offending call inside a real topology', () => {
    const t = structuredClone(TOPOLOGIES['social-network']) as Topology;
    const compose = t.endpoints.find((e) => e.name === 'compose-post')?.entry.calls?.[0];
    assert.ok(compose);
    compose.calls?.push(thrift('timeline-service'));
    assert.throws(
      () => validateTopology(t),
      /endpoint "compose-post": nginx-thrift → compose-post-service → timeline-service: call to unknown service/,
    );
  });
});
