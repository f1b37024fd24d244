// Choosing how Services are reached from outside: Ingress > LoadBalancer > NodePort > port-forward, table-driven
// over Service/Ingress/Node shapes; and the pod a port-forward goes to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Ingress, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import { chooseEndpoints, nodeAddressOf, type Endpoint } from '../../src/cluster/endpoint-choice.js';
import { choosePodTarget } from '../../src/cluster/port-forward.js';

function svc(
  name: string,
  spec: NonNullable<V1Service['spec']>,
  status?: NonNullable<V1Service['status']>,
): V1Service {
  return { metadata: { name }, spec, ...(status === undefined ? {} : { status }) };
}

const HTTP = [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }];
const ingress = (name: string, rule: object, tls?: string[]): V1Ingress =>
  ({
    metadata: { name },
    spec: { rules: [rule], ...(tls === undefined ? {} : { tls: [{ hosts: tls }] }) },
  }) as V1Ingress;

const CASES: {
  name: string;
  services: V1Service[];
  ingresses?: V1Ingress[];
  node?: string | null;
  expect: Partial<Endpoint>[];
}[] = [
  {
    name: 'an Ingress rule to the entry Service wins, https when its host has TLS',
    services: [svc('nginx-thrift', { type: 'NodePort', ports: [{ ...HTTP[0]!, nodePort: 30080 }] })],
    ingresses: [
      ingress(
        'sn',
        {
          host: 'sn.example.com',
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx-thrift', port: { number: 8080 } } },
              },
            ],
          },
        },
        ['sn.example.com'],
      ),
    ],
    expect: [{ service: 'nginx-thrift', entry: true, via: 'ingress', url: 'https://sn.example.com/api' }],
  },
  {
    name: 'an Ingress backend named by port name, without a host: the ingress address',
    services: [svc('nginx-thrift', { ports: HTTP })],
    ingresses: [
      {
        ...ingress('sn', {
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx-thrift', port: { name: 'http' } } },
              },
            ],
          },
        }),
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
      } as V1Ingress,
    ],
    expect: [{ via: 'ingress', url: 'http://203.0.113.7/' }],
  },
  {
    name: 'a LoadBalancer with an address',
    services: [
      svc(
        'frontend',
        { type: 'LoadBalancer', ports: [{ name: 'http', port: 5000, nodePort: 31500 }] },
        { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } },
      ),
    ],
    expect: [{ service: 'frontend', via: 'load-balancer', url: 'http://lb.example.com:5000' }],
  },
  {
    name: 'a LoadBalancer still pending falls back to its NodePort',
    services: [
      svc('frontend', { type: 'LoadBalancer', ports: [{ name: 'http', port: 5000, nodePort: 31500 }] }),
    ],
    node: '10.0.0.4',
    expect: [{ via: 'node-port', url: 'http://10.0.0.4:31500' }],
  },
  {
    name: 'a NodePort without a known node address',
    services: [svc('nginx-thrift', { type: 'NodePort', ports: [{ ...HTTP[0]!, nodePort: 30080 }] })],
    node: null,
    expect: [
      {
        via: 'node-port',
        url: null,
        detail: 'NodePort 30080 on any node (nodes could not be listed to pick an address)',
      },
    ],
  },
  {
    name: 'an entry Service with only a ClusterIP needs a port-forward; an internal one is not listed',
    services: [svc('nginx-thrift', { ports: HTTP }), svc('user-service', { ports: [{ port: 9090 }] })],
    expect: [
      {
        service: 'nginx-thrift',
        via: 'port-forward',
        url: null,
        detail:
          'only a ClusterIP: rescape endpoints --port-forward, or kubectl -n sn port-forward svc/nginx-thrift 8080:8080',
      },
    ],
  },
  {
    name: 'an exposed non-entry Service (Jaeger UI) is listed after the entry points',
    services: [
      svc('jaeger', { type: 'NodePort', ports: [{ name: 'ui', port: 16686, nodePort: 30686 }] }),
      svc('nginx-thrift', { type: 'NodePort', ports: [{ ...HTTP[0]!, nodePort: 30080 }] }),
    ],
    node: '10.0.0.4',
    expect: [
      { service: 'nginx-thrift', entry: true, url: 'http://10.0.0.4:30080' },
      { service: 'jaeger', entry: false, portName: 'ui', url: 'http://10.0.0.4:30686' },
    ],
  },
  {
    name: 'UDP ports are left out',
    services: [
      svc('nginx-thrift', { type: 'NodePort', ports: [{ port: 6831, protocol: 'UDP', nodePort: 30831 }] }),
    ],
    node: '10.0.0.4',
    expect: [],
  },
];

for (const testCase of CASES) {
  test(`endpoints: ${testCase.name}`, () => {
    const endpoints = chooseEndpoints({
      namespace: 'sn',
      services: testCase.services,
      ingresses: testCase.ingresses ?? [],
      nodeAddress: testCase.node ?? null,
      entryServices: ['nginx-thrift', 'frontend'],
    });
    assert.equal(endpoints.length, testCase.expect.length, JSON.stringify(endpoints));
    testCase.expect.forEach((expected, index) => {
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(endpoints[index]![key as keyof Endpoint], value, key);
    });
  });
}

const node = (name: string, ready: boolean, addresses: [string, string][]): V1Node => ({
  metadata: { name },
  status: {
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    addresses: addresses.map(([type, address]) => ({ type, address })),
  },
});

test('node address: a Ready node, ExternalIP before InternalIP', () => {
  assert.equal(
    nodeAddressOf([
      node('a', false, [['ExternalIP', '198.51.100.1']]),
      node('b', true, [['InternalIP', '10.0.0.2']]),
      node('c', true, [
        ['InternalIP', '10.0.0.3'],
        ['ExternalIP', '198.51.100.3'],
      ]),
    ]),
    '198.51.100.3',
  );
  assert.equal(nodeAddressOf([node('b', true, [['InternalIP', '10.0.0.2']])]), '10.0.0.2');
  assert.equal(nodeAddressOf([node('a', false, [['InternalIP', '10.0.0.1']])]), null);
});

const pod = (name: string, ready: boolean, ports: { name: string; containerPort: number }[] = []): V1Pod => ({
  metadata: { name },
  spec: { containers: [{ name: 'main', ports }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('port-forward target: the first Ready pod, with a named targetPort resolved', () => {
  const pods = [
    pod('web-b', true, [{ name: 'http', containerPort: 8081 }]),
    pod('web-a', false, [{ name: 'http', containerPort: 8081 }]),
  ];
  assert.deepEqual(choosePodTarget({ port: 80, targetPort: 'http' }, pods), { pod: 'web-b', port: 8081 });
  assert.deepEqual(choosePodTarget({ port: 80, targetPort: 9000 }, pods), { pod: 'web-b', port: 9000 });
  assert.deepEqual(choosePodTarget({ port: 80 }, pods), { pod: 'web-b', port: 80 });
  assert.equal(choosePodTarget({ port: 80 }, [pod('web-a', false)]), undefined);
});
