// Metrics profiles: the default file, validation errors that name the field, user profiles that add
// queries, pod → service rules, and query rendering (namespace checked before it enters PromQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';
import { podOfSeries, serviceOfPod } from '../../src/profiler/metrics-profile-pods.js';
import { renderQuery } from '../../src/profiler/metrics-profile-query.js';
import { loadMetricsProfile, parseMetricsProfile } from '../../src/profiler/metrics-profile.js';
import { tempDir } from '../cli.js';

const defaults = loadMetricsProfile();

test('the default profile: CPU, GPU and memory queries, three pod labels, two controller rules', () => {
  assert.deepEqual(
    defaults.metrics.map((metric) => metric.metricName),
    ['cpu_utilization', 'gpu_utilization', 'memory_bytes'],
  );
  assert.deepEqual(defaults.podLabels, ['exported_pod', 'pod_name', 'pod']);
  assert.equal(defaults.rateWindow, '1m');
  const cpu = renderQuery(defaults.metrics[0]!.query, defaults, {
    namespace: 'social-network',
    stepSeconds: 30,
  });
  assert.equal(
    cpu,
    'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="social-network",container!="",container!="POD"}[1m]))',
  );
  const gpu = renderQuery(defaults.metrics[1]!.query, defaults, { namespace: 'hpc', stepSeconds: 30 });
  assert.match(gpu, /exported_namespace="hpc"/);
  assert.match(gpu, /pod_namespace="hpc"/);
  assert.match(gpu, /\[30s\]\)/);
  assert.doesNotMatch(gpu, /\$/);
});

test('pods map to services by owner name; profile rules come first', () => {
  const cases: [string, string][] = [
    ['frontend-7d9f8b6c5d-x2k9q', 'frontend'], // Deployment, 10-character ReplicaSet hash
    ['search-5d8f7c9b4-abcde', 'search'], // 9-character hash
    ['memcached-rate-6d5c9c7b8f-wxyz1', 'memcached-rate'],
    ['mongodb-reservation-0', 'mongodb-reservation'], // StatefulSet ordinal
    ['redis-1-7d9f8b6c5d-x2k9q', 'redis-1'], // a Deployment whose name ends in a digit
    ['consul', 'consul'], // a bare pod
    ['jaeger-abcde', 'jaeger-abcde'], // a DaemonSet-like suffix alone is not stripped
  ];
  for (const [pod, service] of cases) assert.equal(serviceOfPod(pod, defaults.services), service, pod);
  const custom = parseMetricsProfile(
    `format: rescape.metrics-profile/v1
services:
  - match: '^user-timeline-(mongodb|redis)-.*'
    service: 'user-timeline-$1'
  - match: '^(.+)-[a-z0-9]{9,10}-[a-z0-9]{5}$'
    service: '$1'
metrics: []
includeDefaultMetrics: true
`,
    'custom.yaml',
    defaults,
  );
  assert.equal(serviceOfPod('user-timeline-mongodb-0', custom.services), 'user-timeline-mongodb');
  assert.equal(serviceOfPod('home-timeline-7d9f8b6c5d-x2k9q', custom.services), 'home-timeline');
  assert.equal(custom.rateWindow, '1m', 'left out: taken from the default');
  assert.equal(custom.metrics.length, 3);
});

test('pod label precedence: exported_pod, then pod_name, then pod; empty labels do not count', () => {
  const order = defaults.podLabels;
  assert.equal(podOfSeries({ pod: 'dcgm-exporter-zxgzh', exported_pod: 'trainer-0' }, order), 'trainer-0');
  assert.equal(podOfSeries({ pod: 'dcgm-exporter-zxgzh', pod_name: 'trainer-1' }, order), 'trainer-1');
  assert.equal(podOfSeries({ pod: 'trainer-2', exported_pod: '' }, order), 'trainer-2');
  assert.equal(podOfSeries({ gpu: '0' }, order), undefined);
});

test('a user profile adds a query and reads it from a file', () => {
  using tmp = tempDir('profile');
  const file = join(tmp.path, 'extra.yaml');
  writeFileSync(
    file,
    `format: rescape.metrics-profile/v1
includeDefaultMetrics: true
metrics:
  - metricName: network_rx_bytes
    query: sum by (pod) (rate(container_network_receive_bytes_total{namespace="$NS"}[$RATE]))
`,
  );
  const profile = loadMetricsProfile(file);
  assert.deepEqual(
    profile.metrics.map((metric) => metric.metricName),
    ['cpu_utilization', 'gpu_utilization', 'memory_bytes', 'network_rx_bytes'],
  );
  assert.equal(profile.source, file);
  assert.throws(
    () => loadMetricsProfile(join(tmp.path, 'absent.yaml')),
    (error: unknown) => error instanceof UsageError && /cannot read metrics profile/.test(error.message),
  );
});

test('validation errors name the file and the field', () => {
  const head = 'format: rescape.metrics-profile/v1\n';
  const metric = (extra: string) => `${head}metrics:\n  - metricName: cpu\n    query: up\n${extra}`;
  const cases: [string, string, RegExp][] = [
    ['format: other/v2\nmetrics: []\n', 'format', /format must be "rescape.metrics-profile\/v1"/],
    [`${head}metrics: []\nrateWindw: 1m\n`, 'rateWindw', /unknown field "rateWindw"/],
    [`${head}rateWindow: 1 minute\nmetrics: []\n`, 'rateWindow', /PromQL duration/],
    [`${head}podLabels: []\nmetrics: []\n`, 'podLabels', /non-empty list/],
    [`${head}podLabels: [pod, "exported-pod"]\nmetrics: []\n`, 'podLabels[1]', /not a Prometheus label name/],
    [
      `${head}services:\n  - match: '^(.+'\n    service: x\nmetrics: []\n`,
      'services[0].match',
      /invalid regular expression/,
    ],
    [
      `${head}services:\n  - match: '^(.+)-0$'\n    service: '$2'\nmetrics: []\n`,
      'services[0].service',
      /\$2 refers to a group/,
    ],
    [`${head}metrics:\n  - query: up\n`, 'metrics[0].metricName', /metricName must be/],
    [`${head}metrics:\n  - metricName: cpu\n`, 'metrics[0].query', /non-empty PromQL/],
    [metric('    aggregate: median\n'), 'metrics[0].aggregate', /aggregate must be one of sum, max, avg/],
    [metric('    interval: 5m\n'), 'metrics[0].interval', /unknown field "interval"/],
    [
      `${head}metrics:\n  - metricName: cpu\n    query: up{namespace="$NAMESPACE"}\n`,
      'metrics[0].query',
      /unknown variable \$NAMESPACE/,
    ],
    [
      `${head}metrics:\n  - metricName: cpu\n    query: up\n  - metricName: cpu\n    query: up\n`,
      'metrics[1].metricName',
      /defined twice/,
    ],
    [`${head}rateWindow: 1m\n`, 'metrics', /metrics is missing/],
  ];
  for (const [text, field, message] of cases) {
    assert.throws(
      () => parseMetricsProfile(text, 'p.yaml', defaults),
      (error: unknown) => {
        assert.ok(error instanceof DataError, String(error));
        assert.equal(error.field, field, text);
        assert.equal(error.file, 'p.yaml');
        assert.match(error.message, message);
        assert.ok(error.suggestion);
        return true;
      },
    );
  }
  assert.throws(
    () => parseMetricsProfile('metrics: [\n', 'p.yaml'),
    (error: unknown) => error instanceof DataError && /not valid YAML/.test(error.message),
  );
  assert.throws(
    () => parseMetricsProfile(`${head}metrics: []\n`, 'p.yaml'),
    (error: unknown) => error instanceof DataError && error.field === 'rateWindow',
    'no defaults to inherit from',
  );
});

test('a namespace that is not a Kubernetes name never reaches PromQL', () => {
  for (const namespace of ['a"} or vector(1) or {x="', 'Upper', '', 'x'.repeat(64), '-lead']) {
    assert.throws(
      () => renderQuery('up{namespace="$NS"}', defaults, { namespace, stepSeconds: 30 }),
      UsageError,
      namespace,
    );
  }
  assert.equal(renderQuery('x[$STEP]', defaults, { namespace: 'a', stepSeconds: 0.5 }), 'x[500ms]');
});
