import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { cacheWrite, endpoint, lookup, rpc, thrift } from '../../src/sim/topologies/call-builders.js';
import { getTopology, TOPOLOGIES } from '../../src/sim/topologies/index.js';
import {
  BENCHMARKS,
  type BenchmarkName,
  type CallSpec,
  type EndpointSpec,
  type Topology,
} from '../../src/sim/topology-types.js';
import { validateTopology } from '../../src/sim/topology-validation.js';

const MiB = 1024 * 1024;

/** Every call of an endpoint with its caller (onMiss calls are made by the cache's caller). */
function callsOf(ep: EndpointSpec): Array<{ caller: string; call: CallSpec }> {
  const out: Array<{ caller: string; call: CallSpec }> = [];
  const walk = (caller: string, calls: readonly CallSpec[] | undefined): void => {
    for (const call of calls ?? []) {
      out.push({ caller, call });
      walk(call.service, call.calls);
      walk(caller, call.onMiss);
    }
  };
  walk(ep.entry.service, ep.entry.calls);
  return out;
}

const allCalls = (t: Topology) => t.endpoints.flatMap(callsOf);
const reached = (ep: EndpointSpec): Set<string> =>
  new Set([ep.entry.service, ...callsOf(ep).map(({ call }) => call.service)]);
const edges = (ep: EndpointSpec): Set<string> =>
  new Set(callsOf(ep).map(({ caller, call }) => `${caller} > ${call.service}`));

function endpointOf(t: Topology, name: string): EndpointSpec {
  const found = t.endpoints.find((e) => e.name === name);
  assert.ok(found, `${t.benchmark} has no endpoint ${name}`);
  return found;
}

function share(t: Topology, name: string): number {
  return endpointOf(t, name).weight / t.endpoints.reduce((sum, e) => sum + e.weight, 0);
}

function assertReaches(ep: EndpointSpec, services: readonly string[]): void {
  const set = reached(ep);
  for (const s of services) assert.ok(set.has(s), `${ep.name} does not reach ${s}`);
}

function assertEdges(ep: EndpointSpec, expected: readonly string[]): void {
  const set = edges(ep);
  for (const e of expected) assert.ok(set.has(e), `${ep.name} lacks the call ${e}`);
}

// The brief's rule of thumb for a closed loop without think time: throughput = concurrency / response time,
// with the response time at low load (each call's service time plus a network hop, calls in sequence).
const HOP_MS = 0.15;

function staticLoad(t: Topology, concurrency: number) {
  const totalWeight = t.endpoints.reduce((sum, e) => sum + e.weight, 0);
  const visits = new Map<string, number>();
  const add = (s: string, v: number) => visits.set(s, (visits.get(s) ?? 0) + v);
  const latency = new Map(t.services.map((s) => [s.name, s.latencyMs]));
  const responseMs = new Map<string, number>();
  let meanResponseMs = 0;
  for (const ep of t.endpoints) {
    const w = ep.weight / totalWeight;
    let response = 0;
    const walk = (calls: readonly CallSpec[] | undefined, rate: number): void => {
      for (const call of calls ?? []) {
        const made = rate * (call.probability ?? 1) * (call.count ?? 1);
        add(call.service, w * made);
        response += made * ((latency.get(call.service) ?? 0) + HOP_MS);
        walk(call.calls, made);
        walk(call.onMiss, made * (1 - (call.hitRate ?? 1)));
      }
    };
    add(ep.entry.service, w);
    response += latency.get(ep.entry.service) ?? 0;
    walk(ep.entry.calls, 1);
    responseMs.set(ep.name, response);
    meanResponseMs += w * response;
  }
  const rps = (concurrency / meanResponseMs) * 1000;
  const utilisation = new Map(
    t.services.map((s) => {
      const callsPerSecond = rps * (visits.get(s.name) ?? 0);
      const cpu =
        (s.idleCores * s.replicas + (callsPerSecond * s.cpuMsPerCall) / 1000) /
        (s.replicas * s.coresPerReplica);
      const gpu = s.gpus === undefined ? 0 : (callsPerSecond * (s.gpuMsPerCall ?? 0)) / 1000 / s.gpus;
      return [s.name, { cpu, gpu }];
    }),
  );
  return { rps, meanResponseMs, responseMs, utilisation };
}

describe('simulated benchmark topologies', () => {
  it('has one topology per benchmark, each valid and named after its key', () => {
    assert.deepEqual(Object.keys(TOPOLOGIES).sort(), [...BENCHMARKS].sort());
    for (const name of BENCHMARKS) {
      const t = getTopology(name);
      assert.equal(t, TOPOLOGIES[name]);
      assert.equal(t.benchmark, name);
      assert.doesNotThrow(() => validateTopology(t), name);
    }
  });

  it('has the service counts of the benchmarks', () => {
    const counts = Object.fromEntries(BENCHMARKS.map((name) => [name, TOPOLOGIES[name].services.length]));
    assert.deepEqual(counts, {
      'social-network': 28,
      'hotel-reservation': 17,
      'media-microservices': 32,
      'hpc-ai500': 11,
      ecommerce: 6,
    });
  });

  it('is frozen, so no caller can change a shared topology', () => {
    const t = TOPOLOGIES['social-network'];
    assert.ok(
      Object.isFrozen(t) && Object.isFrozen(t.services[0]) && Object.isFrozen(t.endpoints[0]?.entry.calls),
    );
    assert.throws(() => {
      (t.services[0] as { replicas: number }).replicas = 99;
    }, TypeError);
  });

  it('rejects an unknown benchmark name with a UsageError', () => {
    assert.throws(
      () => getTopology('sock-shop' as BenchmarkName),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /sock-shop/);
        return true;
      },
    );
  });

  describe('kinds and protocols', () => {
    for (const name of BENCHMARKS) {
      const t = TOPOLOGIES[name];
      const kindOf = new Map(t.services.map((s) => [s.name, s.kind]));

      it(`${name}: stores, caches and GPUs have the right kinds`, () => {
        for (const s of t.services) {
          if (/mongodb|-db$/.test(s.name)) assert.equal(s.kind, 'database', s.name);
          if (/memcached|redis/.test(s.name)) assert.equal(s.kind, 'cache', s.name);
          assert.equal(s.kind === 'gpu', s.gpus !== undefined, `${s.name}: gpus iff kind gpu`);
        }
        for (const ep of t.endpoints) assert.equal(kindOf.get(ep.entry.service), 'gateway', ep.name);
      });

      it(`${name}: every call with a hit rate goes to a cache, and every cache call has one`, () => {
        for (const { call } of allCalls(t)) {
          assert.equal(call.hitRate !== undefined, kindOf.get(call.service) === 'cache', call.service);
          if (call.onMiss !== undefined)
            assert.ok(call.hitRate !== undefined && call.hitRate < 1, call.service);
        }
      });

      it(`${name}: calls into stores use the store's protocol`, () => {
        for (const { call } of allCalls(t)) {
          if (call.service.includes('mongodb')) assert.equal(call.rpcType, 'mongodb', call.service);
          if (call.service.includes('memcached')) assert.equal(call.rpcType, 'memcached', call.service);
          if (call.service.includes('redis')) assert.equal(call.rpcType, 'redis', call.service);
        }
      });
    }

    it('uses Thrift between social-network and media services and gRPC between hotel services', () => {
      const serviceToService = (t: Topology) =>
        allCalls(t).filter(({ caller, call }) => {
          const kinds = [caller, call.service].map((n) => t.services.find((s) => s.name === n)?.kind);
          return (
            kinds.every((k) => k === 'service' || k === 'gateway') &&
            !/rabbitmq|frontend/.test(call.service + caller)
          );
        });
      for (const { call } of serviceToService(TOPOLOGIES['social-network']))
        assert.equal(call.rpcType, 'thrift', call.service);
      for (const { call } of serviceToService(TOPOLOGIES['media-microservices']))
        assert.equal(call.rpcType, 'thrift');
      for (const { call } of serviceToService(TOPOLOGIES['hotel-reservation']))
        assert.equal(call.rpcType, 'grpc');
      const broker = allCalls(TOPOLOGIES['social-network']).filter(({ call }) =>
        call.service.includes('write-home'),
      );
      assert.ok(broker.length === 2 && broker.every(({ call }) => call.rpcType === 'amqp'));
    });

    it('gives GPUs only to the HPC-AI500 workers', () => {
      for (const name of BENCHMARKS) {
        const gpus = TOPOLOGIES[name].services.filter((s) => s.kind === 'gpu');
        if (name === 'hpc-ai500') assert.equal(gpus.length, 5);
        else assert.equal(gpus.length, 0, name);
      }
    });
  });

  describe('social-network', () => {
    const t = TOPOLOGIES['social-network'];

    it('follows the mixed-workload.lua mix', () => {
      const ratio = (a: string, b: string) => endpointOf(t, a).weight / endpointOf(t, b).weight;
      assert.equal(ratio('read-home-timeline', 'compose-post'), 6);
      assert.equal(ratio('read-user-timeline', 'compose-post'), 3);
      const mixed =
        share(t, 'compose-post') + share(t, 'read-home-timeline') + share(t, 'read-user-timeline');
      assert.ok(mixed >= 0.99, `the mixed workload is ${mixed} of requests`);
    });

    it('composes a post through the services of ComposePostHandler', () => {
      const compose = endpointOf(t, 'compose-post');
      assert.equal(compose.entry.service, 'nginx-thrift');
      assertEdges(compose, [
        'nginx-thrift > compose-post-service',
        'compose-post-service > unique-id-service',
        'compose-post-service > text-service',
        'text-service > url-shorten-service',
        'url-shorten-service > url-shorten-mongodb',
        'text-service > user-mention-service',
        'user-mention-service > user-memcached',
        'user-mention-service > user-mongodb',
        'compose-post-service > media-service',
        'compose-post-service > user-service',
        'compose-post-service > post-storage-service',
        'post-storage-service > post-storage-mongodb',
        'compose-post-service > user-timeline-service',
        'user-timeline-service > user-timeline-mongodb',
        'user-timeline-service > user-timeline-redis',
        'compose-post-service > write-home-timeline-rabbitmq',
        'write-home-timeline-rabbitmq > write-home-timeline-service',
        'write-home-timeline-service > social-graph-service',
        'social-graph-service > social-graph-redis',
        'social-graph-service > social-graph-mongodb',
        'write-home-timeline-service > home-timeline-redis',
      ]);
      const set = reached(compose);
      for (const s of ['home-timeline-service', 'post-storage-memcached', 'media-frontend'])
        assert.ok(!set.has(s), s);
    });

    it('reads timelines from redis and posts from post-storage', () => {
      assert.deepEqual([...reached(endpointOf(t, 'read-home-timeline'))].sort(), [
        'home-timeline-redis',
        'home-timeline-service',
        'nginx-thrift',
        'post-storage-memcached',
        'post-storage-mongodb',
        'post-storage-service',
      ]);
      const userTimeline = endpointOf(t, 'read-user-timeline');
      assertEdges(userTimeline, [
        'nginx-thrift > user-timeline-service',
        'user-timeline-service > user-timeline-redis',
        'user-timeline-service > user-timeline-mongodb',
        'user-timeline-service > post-storage-service',
        'post-storage-service > post-storage-memcached',
        'post-storage-service > post-storage-mongodb',
      ]);
    });

    it('has the DeathStarBench service set', () => {
      const names = new Set(t.services.map((s) => s.name));
      for (const s of [
        'nginx-thrift',
        'media-frontend',
        'compose-post-service',
        'home-timeline-service',
        'user-timeline-service',
        'write-home-timeline-service',
        'write-home-timeline-rabbitmq',
        'post-storage-memcached',
        'post-storage-mongodb',
        'user-memcached',
        'user-mongodb',
        'url-shorten-memcached',
        'url-shorten-mongodb',
        'media-memcached',
        'media-mongodb',
        'social-graph-redis',
        'social-graph-mongodb',
        'user-timeline-redis',
        'user-timeline-mongodb',
        'home-timeline-redis',
      ]) {
        assert.ok(names.has(s), s);
      }
    });
  });

  describe('hotel-reservation', () => {
    const t = TOPOLOGIES['hotel-reservation'];

    it('follows the mixed-workload_type_1.lua mix', () => {
      const shares = Object.fromEntries(t.endpoints.map((e) => [e.name, share(t, e.name)]));
      assert.deepEqual(shares, { search: 0.6, recommend: 0.39, user: 0.005, reserve: 0.005 });
    });

    it('follows the frontend handlers', () => {
      assertEdges(endpointOf(t, 'search'), [
        'frontend > search',
        'search > geo',
        'geo > mongodb-geo',
        'search > rate',
        'rate > memcached-rate',
        'rate > mongodb-rate',
        'frontend > reservation',
        'reservation > memcached-reserve',
        'reservation > mongodb-reservation',
        'frontend > profile',
        'profile > memcached-profile',
        'profile > mongodb-profile',
      ]);
      assert.deepEqual([...reached(endpointOf(t, 'recommend'))].sort(), [
        'frontend',
        'memcached-profile',
        'mongodb-profile',
        'mongodb-recommendation',
        'profile',
        'recommendation',
      ]);
      assert.deepEqual([...reached(endpointOf(t, 'user'))].sort(), ['frontend', 'mongodb-user', 'user']);
      assertEdges(endpointOf(t, 'reserve'), [
        'frontend > user',
        'frontend > reservation',
        'reservation > memcached-reserve',
        'reservation > mongodb-reservation',
      ]);
    });
  });

  describe('media-microservices', () => {
    const t = TOPOLOGIES['media-microservices'];

    it('is dominated by compose-review', () => {
      assert.ok(share(t, 'compose-review') >= 0.7);
      assert.equal(endpointOf(t, 'compose-review').entry.service, 'nginx-web-server');
    });

    it('uploads the five review components to compose-review, which stores the review', () => {
      const compose = endpointOf(t, 'compose-review');
      const uploaders = callsOf(compose).filter(({ call }) => call.service === 'compose-review-service');
      assert.deepEqual(uploaders.map(({ caller }) => caller).sort(), [
        'movie-id-service',
        'rating-service',
        'text-service',
        'unique-id-service',
        'user-service',
      ]);
      assertEdges(compose, [
        'nginx-web-server > unique-id-service',
        'nginx-web-server > user-service',
        'nginx-web-server > movie-id-service',
        'nginx-web-server > text-service',
        'movie-id-service > rating-service',
        'rating-service > rating-redis',
        'compose-review-service > compose-review-memcached',
        'compose-review-service > review-storage-service',
        'compose-review-service > user-review-service',
        'compose-review-service > movie-review-service',
        'review-storage-service > review-storage-mongodb',
        'user-review-service > user-review-redis',
        'movie-review-service > movie-review-mongodb',
      ]);
    });

    it('reads a page through page-service', () => {
      assertEdges(endpointOf(t, 'read-page'), [
        'nginx-web-server > page-service',
        'page-service > movie-info-service',
        'page-service > cast-info-service',
        'page-service > plot-service',
        'page-service > movie-review-service',
        'movie-review-service > review-storage-service',
        'movie-info-service > movie-info-memcached',
        'movie-info-service > movie-info-mongodb',
      ]);
    });
  });

  describe('hpc-ai500', () => {
    const t = TOPOLOGIES['hpc-ai500'];

    it('runs each training job on its GPU trainer with data loading and all-reduce', () => {
      const trainers = t.endpoints.filter((e) => e.name.endsWith('-train'));
      assert.equal(trainers.length, 4);
      for (const ep of trainers) {
        const [first] = ep.entry.calls ?? [];
        assert.equal(t.services.find((s) => s.name === first?.service)?.kind, 'gpu', ep.name);
        assertReaches(ep, [
          'job-gateway',
          'data-loader',
          'staging-cache',
          'dataset-store',
          'allreduce-coordinator',
        ]);
      }
      assertReaches(endpointOf(t, 'inference'), ['inference-server', 'data-loader', 'model-registry']);
    });
  });

  describe('ecommerce', () => {
    const t = TOPOLOGIES.ecommerce;

    it('has the four services of the paper, a gateway and one database', () => {
      assert.deepEqual(t.services.map((s) => `${s.name}:${s.kind}`).sort(), [
        'api-gateway:gateway',
        'inventory-management:service',
        'order-fulfilment:service',
        'orders-db:database',
        'payment-processing:service',
        'user-authentication:service',
      ]);
    });

    it('checks out through authentication, inventory, payment and fulfilment, in order', () => {
      const checkout = endpointOf(t, 'checkout');
      assert.deepEqual(
        (checkout.entry.calls ?? []).map((c) => c.service),
        ['user-authentication', 'inventory-management', 'payment-processing', 'order-fulfilment'],
      );
      assert.deepEqual(
        (endpointOf(t, 'login').entry.calls ?? []).map((c) => c.service),
        ['user-authentication'],
      );
      assertReaches(endpointOf(t, 'browse'), ['user-authentication', 'inventory-management']);
      assertReaches(endpointOf(t, 'track-order'), ['user-authentication', 'order-fulfilment', 'orders-db']);
    });
  });

  describe('costs', () => {
    it('has realistic memory for stores and workers', () => {
      for (const name of BENCHMARKS) {
        for (const s of TOPOLOGIES[name].services) {
          const mib = s.memoryBaseBytes / MiB;
          if (s.name.includes('memcached')) assert.ok(mib >= 100 && mib <= 500, `${s.name}: ${mib} MiB`);
          if (s.name.includes('mongodb')) assert.ok(mib >= 200 && mib <= 1024, `${s.name}: ${mib} MiB`);
          if (s.kind === 'gpu') assert.ok(mib >= 4096, `${s.name}: ${mib} MiB`);
          if (s.kind === 'service' && name !== 'hpc-ai500' && !s.name.includes('rabbitmq')) {
            assert.ok(mib >= 16 && mib <= 80, `${s.name}: ${mib} MiB`);
          }
        }
      }
    });

    it('gives response times in the benchmarks’ ranges at low load', () => {
      const ranges: Record<BenchmarkName, [number, number]> = {
        'social-network': [5, 30],
        'hotel-reservation': [3, 10],
        'media-microservices': [5, 40],
        'hpc-ai500': [50, 500],
        ecommerce: [3, 30],
      };
      for (const name of BENCHMARKS) {
        const { meanResponseMs } = staticLoad(TOPOLOGIES[name], 150);
        const [low, high] = ranges[name];
        assert.ok(meanResponseMs >= low && meanResponseMs <= high, `${name}: ${meanResponseMs} ms`);
      }
      const social = staticLoad(TOPOLOGIES['social-network'], 150).responseMs;
      for (const ep of ['compose-post', 'read-home-timeline', 'read-user-timeline']) {
        const ms = social.get(ep) ?? 0;
        assert.ok(ms >= 5 && ms <= 30, `${ep}: ${ms} ms`);
      }
    });

    it('keeps services below saturation at 150 clients and the front end busy', () => {
      for (const name of BENCHMARKS) {
        const t = TOPOLOGIES[name];
        const low = staticLoad(t, 80).utilisation;
        const mid = staticLoad(t, 150).utilisation;
        for (const s of t.services) {
          const u = mid.get(s.name);
          assert.ok(
            u !== undefined && u.cpu < 0.95 && u.gpu < 0.95,
            `${name}/${s.name} at 150: ${JSON.stringify(u)}`,
          );
          const l = low.get(s.name);
          assert.ok(
            l !== undefined && l.cpu < 0.6 && l.gpu < 0.6,
            `${name}/${s.name} at 80: ${JSON.stringify(l)}`,
          );
          if (
            s.kind === 'gateway' &&
            t.endpoints.some((e) => e.entry.service === s.name && share(t, e.name) > 0.1)
          ) {
            assert.ok(u.cpu >= 0.4, `${name}/${s.name} is only ${u.cpu} busy at 150`);
          }
          if (s.kind === 'gpu') assert.ok(u.gpu >= 0.3, `${name}/${s.name} GPUs only ${u.gpu} busy at 150`);
        }
      }
    });
  });
});

describe('call builders', () => {
  it('omit absent optional fields', () => {
    assert.deepEqual(rpc('thrift', 'a'), { service: 'a', rpcType: 'thrift' });
    assert.deepEqual(thrift('a', [], { probability: 0.5 }), {
      service: 'a',
      rpcType: 'thrift',
      probability: 0.5,
    });
    assert.deepEqual(lookup('redis', 'r', 0.8), { service: 'r', rpcType: 'redis', hitRate: 0.8 });
    assert.deepEqual(cacheWrite('redis', 'r', { count: 2 }), {
      service: 'r',
      rpcType: 'redis',
      hitRate: 1,
      count: 2,
    });
    assert.deepEqual(endpoint('e', 1, 'gw'), { name: 'e', weight: 1, entry: { service: 'gw' } });
  });
});
