// A three-service topology small enough to reason about by hand: gateway → api → (cache, miss → db).
import type { Topology } from '../../src/sim/topology-types.js';

export const tinyTopology: Topology = {
  benchmark: 'ecommerce',
  description: 'test topology',
  services: [
    {
      name: 'gw',
      kind: 'gateway',
      replicas: 1,
      coresPerReplica: 4,
      cpuMsPerCall: 0.2,
      idleCores: 0.01,
      latencyMs: 0.5,
      memoryBaseBytes: 5e7,
      memoryBytesPerRps: 1e4,
    },
    {
      name: 'api',
      kind: 'service',
      replicas: 4,
      coresPerReplica: 2,
      cpuMsPerCall: 0.5,
      idleCores: 0.01,
      latencyMs: 10,
      memoryBaseBytes: 3e7,
      memoryBytesPerRps: 1e4,
    },
    {
      name: 'cache',
      kind: 'cache',
      replicas: 1,
      coresPerReplica: 1,
      cpuMsPerCall: 0.05,
      idleCores: 0.005,
      latencyMs: 0.2,
      memoryBaseBytes: 1e8,
      memoryBytesPerRps: 0,
    },
    {
      name: 'db',
      kind: 'database',
      replicas: 2,
      coresPerReplica: 4,
      cpuMsPerCall: 0.8,
      idleCores: 0.02,
      latencyMs: 8,
      memoryBaseBytes: 3e8,
      memoryBytesPerRps: 0,
    },
  ],
  endpoints: [
    {
      name: 'read',
      weight: 9,
      entry: {
        service: 'gw',
        calls: [
          {
            service: 'api',
            rpcType: 'grpc',
            calls: [
              {
                service: 'cache',
                rpcType: 'memcached',
                hitRate: 0.8,
                onMiss: [{ service: 'db', rpcType: 'mongodb' }],
              },
            ],
          },
        ],
      },
    },
    {
      name: 'write',
      weight: 1,
      entry: {
        service: 'gw',
        calls: [
          { service: 'api', rpcType: 'grpc', calls: [{ service: 'db', rpcType: 'mongodb', count: 2 }] },
        ],
      },
    },
  ],
};
