// The response parser on real captured /api/v1/query and /api/v1/query_range bodies (test/fixtures/prometheus,
// see PROVENANCE.md), and on the value spellings and malformed shapes Prometheus and proxies produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { podOfSeries, serviceOfPod } from '../../src/profiler/metrics-profile-pods.js';
import { loadMetricsProfile } from '../../src/profiler/metrics-profile.js';
import {
  MalformedBodyError,
  parseApiBody,
  parseSampleValue,
  type InstantSample,
} from '../../src/profiler/prometheus-response.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/prometheus/${name}`, import.meta.url), 'utf8'));
const profile = loadMetricsProfile();

function vector(name: string): InstantSample[] {
  const body = parseApiBody(fixture(name));
  assert.equal(body.status, 'success');
  assert.equal(body.data.resultType, 'vector');
  return body.data.resultType === 'vector' ? body.data.samples : [];
}

/** Where the default profile would attribute each sample: pod label → service. */
function services(samples: InstantSample[]): (string | undefined)[] {
  return samples.map(({ labels }) => {
    const pod = podOfSeries(labels, profile.podLabels);
    return pod === undefined ? undefined : serviceOfPod(pod, profile.services);
  });
}

test('kops: two series differing only in method; exported_endpoint is an ordinary label; a Deployment pod', () => {
  const samples = vector('prom-api-query-vector-kops-exported_endpoint-collision.json');
  assert.deepEqual(
    samples.map((s) => [s.labels.method, s.sample.value, s.sample.time]),
    [
      ['GET', 1027, 1774009575.241],
      ['POST', 2563, 1774009575.241],
    ],
  );
  assert.equal(samples[0]?.labels.exported_endpoint, '/predict');
  assert.equal(samples[0]?.labels.__name__, 'aiconformancetest_requests_total');
  assert.deepEqual(services(samples), ['metrics-fake-workload', 'metrics-fake-workload']);
});

test('kops vLLM: a metric name with a colon and a zero value', () => {
  const samples = vector('prom-api-query-vector-kops-vllm-num_requests_waiting.json');
  assert.equal(samples.length, 1);
  assert.equal(samples[0]?.labels.__name__, 'vllm:num_requests_waiting');
  assert.equal(samples[0]?.sample.value, 0);
  assert.deepEqual(services(samples), ['vllm-qwen25-500m']);
});

test('rafay (pretty-printed): a DCGM series of an unallocated GPU has no pod label at all', () => {
  const samples = vector('prom-api-query-vector-rafay-dcgm-pcie-replay.json');
  assert.equal(samples[0]?.labels.modelName, 'Tesla T4');
  assert.equal(samples[0]?.sample.value, 0);
  assert.deepEqual(services(samples), [undefined]);
});

test('upcloud: a DCGM gauge whose only pod label is the exporter’s own DaemonSet pod', () => {
  const samples = vector('prom-api-query-vector-upcloud-dcgm-gpu-temp.json');
  assert.equal(samples[0]?.labels.__name__, 'DCGM_FI_DEV_GPU_TEMP');
  assert.equal(samples[0]?.sample.value, 32);
  // DaemonSet pods end in 5 random characters only; stripping that by default would also cut real names
  // such as redis-cache, so the pod stays its own service unless a profile rule says otherwise.
  assert.deepEqual(services(samples), ['dcgm-exporter-zxgzh']);
});

test('Prometheus docs range-query example: a matrix of two series with three samples each', () => {
  const body = parseApiBody(fixture('prom-api-query_range-matrix-docs-example.json'));
  assert.ok(body.status === 'success' && body.data.resultType === 'matrix');
  assert.deepEqual(
    body.data.series.map((series) => [series.labels.instance, series.samples.map((s) => s.value)]),
    [
      ['localhost:9090', [1, 1, 1]],
      ['localhost:9091', [0, 0, 1]],
    ],
  );
  assert.deepEqual(body.data.series[0]?.samples[0], { time: 1435781430.781, value: 1 });
});

test('sample values as Prometheus spells them', () => {
  const cases: [string, number][] = [
    ['1.5', 1.5],
    ['0', 0],
    ['-2', -2],
    ['1e+06', 1e6],
    ['3.0517578125e-05', 3.0517578125e-5],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ];
  for (const [text, value] of cases) assert.equal(parseSampleValue(text), value, text);
  assert.ok(Number.isNaN(parseSampleValue('NaN')));
  for (const bad of ['', ' ', 'abc', '0x10'])
    assert.throws(() => parseSampleValue(bad), MalformedBodyError, JSON.stringify(bad));
});

test('error bodies, warnings, scalars; malformed bodies name the bad path', () => {
  assert.deepEqual(
    parseApiBody({ status: 'error', errorType: 'bad_data', error: 'parse error', warnings: ['w'] }),
    {
      status: 'error',
      errorType: 'bad_data',
      error: 'parse error',
      warnings: ['w'],
    },
  );
  assert.deepEqual(parseApiBody({ status: 'success', data: { resultType: 'scalar', result: [1, '+Inf'] } }), {
    status: 'success',
    data: { resultType: 'scalar', sample: { time: 1, value: '+Inf' } },
    warnings: [],
  });
  const nan = parseApiBody({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] },
  });
  assert.ok(
    nan.status === 'success' &&
      nan.data.resultType === 'vector' &&
      Number.isNaN(nan.data.samples[0]?.sample.value),
  );
  const cases: [unknown, string][] = [
    [[], '$'],
    [{ status: 'ok' }, '$.status'],
    [{ status: 'success', data: { resultType: 'table', result: [] } }, '$.data.resultType'],
    [{ status: 'success', data: { resultType: 'matrix', result: {} } }, '$.data.result'],
    [
      { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, 2]] }] } },
      '$.data.result[0].values[0]',
    ],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '2'] }] } },
      '$.data.result[0].metric.a',
    ],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'x'] }] } },
      '$.data.result[0].value[1]',
    ],
    [{ status: 'success', warnings: [3], data: { resultType: 'vector', result: [] } }, '$.warnings[0]'],
  ];
  for (const [body, path] of cases) {
    assert.throws(
      () => parseApiBody(body),
      (error: unknown) => error instanceof MalformedBodyError && error.path === path,
      path,
    );
  }
});
