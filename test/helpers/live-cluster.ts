// The cluster a live profile test runs against, all on 127.0.0.1: the fake Kubernetes API (reached by the CLI
// through a real kubeconfig) acting also as the Service controller that allocates NodePorts — the benchmark's
// entry Service gets the port where the simulated front end listens, and a Ready node has the address
// 127.0.0.1 — so that `rescape profile` finds the front end by endpoint discovery as on a real cluster; and a
// fake Jaeger holding one sampled compose-post trace per second over the test's time span.
import type { BenchmarkName } from '../../src/sim/topology-types.js';
import { FakeKubeApi } from './fake-kube-api.js';
import { findKind } from './fake-kube-resources.js';
import { metadataOf, type Json } from './fake-kube-store.js';
import { startFakeJaeger, v1TraceOf, type FakeJaeger } from '../trace/fake-jaeger.js';

const SERVICE = findKind('v1', 'Service')!;
const NODE = findKind('v1', 'Node')!;

export interface LiveKube {
  fake: FakeKubeApi;
  kubeconfig: string;
  close(): Promise<void>;
}

/** The fake API server, with `entryService`'s NodePort (whenever it is applied) set to `nodePort`. */
export async function startLiveKube(entryService: string, nodePort: number): Promise<LiveKube> {
  const fake = await FakeKubeApi.start();
  fake.store.put(NODE, undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1' },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    },
  });
  const unsubscribe = fake.store.subscribe((event) => {
    if (event.resource !== SERVICE || metadataOf(event.object).name !== entryService) return;
    if (event.type === 'DELETED') return;
    const ports = ((event.object.spec as Json | undefined)?.ports ?? []) as Json[];
    if (ports.every((port) => port.nodePort === nodePort)) return;
    // After the apply that emitted the event has finished, as the real allocator acts on the stored object.
    setImmediate(() =>
      fake.store.update(SERVICE, event.namespace, entryService, (service) => {
        const spec = service.spec as { type?: string; ports: Json[] };
        spec.type = 'NodePort';
        spec.ports = spec.ports.map((port) => ({ ...port, nodePort }));
      }),
    );
  });
  return {
    fake,
    kubeconfig: fake.writeKubeconfig(),
    close: async () => {
      unsubscribe();
      await fake.close();
    },
  };
}

/** A fake Jaeger with one compose-post trace starting every second in [fromMs, toMs] (wall clock). */
export async function startLiveJaeger(
  benchmark: BenchmarkName,
  fromMs: number,
  toMs: number,
): Promise<FakeJaeger> {
  if (benchmark !== 'social-network') throw new Error('the live Jaeger serves social-network traces');
  const calls = [
    { um: 'nginx-thrift', dm: 'compose-post-service', rpcType: 'thrift', rtUs: 4000 },
    { um: 'compose-post-service', dm: 'unique-id-service', rpcType: 'thrift', rtUs: 300 },
    { um: 'compose-post-service', dm: 'text-service', rpcType: 'thrift', rtUs: 1500 },
    { um: 'compose-post-service', dm: 'post-storage-service', rpcType: 'thrift', rtUs: 900 },
  ];
  const traces = [];
  for (let at = Math.floor(fromMs / 1000) * 1000 + 500, i = 0; at <= toMs; at += 1000, i += 1) {
    const traceId = `${(0xa0000000 + i).toString(16)}${'0'.repeat(16)}${i.toString(16).padStart(8, '0')}`;
    traces.push(v1TraceOf(traceId, at * 1000, calls));
  }
  return startFakeJaeger({ traces, apis: ['v1'] });
}
