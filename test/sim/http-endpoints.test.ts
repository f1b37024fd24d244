import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { EndpointServer } from '../../src/sim/http-endpoints.js';
import { routesOf } from '../../src/sim/http-routes.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { UsageError } from '../../src/core/errors.js';
import { BENCHMARKS } from '../../src/sim/topology-types.js';
import { EndpointLatencyModel } from '../../src/sim/http-latency.js';
import { Random } from '../../src/core/random.js';

interface Answer {
  status: number;
  ms: number;
}

/** One request on a fresh connection; resolves with the status or rejects with the socket error. */
function call(url: string, method = 'GET', body?: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent: false }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('every route of a DeathStarBench front end names an endpoint of its topology', () => {
  for (const benchmark of ['social-network', 'hotel-reservation', 'media-microservices'] as const) {
    const endpoints = new Set(getTopology(benchmark).endpoints.map((endpoint) => endpoint.name));
    for (const route of routesOf(benchmark))
      assert.ok(endpoints.has(route.endpoint), `${benchmark}: ${route.endpoint}`);
  }
  assert.throws(
    () => routesOf('hpc-ai500'),
    (error: unknown) => error instanceof UsageError && /no HTTP endpoints/.test(error.suggestion ?? ''),
  );
  assert.ok(BENCHMARKS.includes('ecommerce'));
  assert.throws(() => routesOf('ecommerce'), UsageError);
});

test('known routes are answered 200 after a simulated response time, others 404; requests are counted', async () => {
  await using server = await EndpointServer.start({
    benchmark: 'hotel-reservation',
    latencyScale: 1,
    seed: 3,
  });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const search = await call(`${server.url}/hotels?inDate=2015-04-09&outDate=2015-04-10&lat=38&lon=-122`);
  assert.equal(search.status, 200);
  assert.equal((await call(`${server.url}/user?username=Cornell_1&password=1111111111`, 'POST')).status, 200);
  assert.equal((await call(`${server.url}/hotels`, 'POST')).status, 404, 'wrong method');
  assert.equal((await call(`${server.url}/nowhere`)).status, 404);
  const stats = server.stats();
  assert.equal(stats.byEndpoint.search, 1);
  assert.equal(stats.byEndpoint.user, 1);
  assert.equal(stats.notFound, 2);
  assert.equal(stats.total, 4);
  assert.equal(stats.inFlight, 0);
});

test('the latency model: response times grow with the arrival rate, towards saturation', () => {
  const topology = getTopology('social-network');
  let now = 0;
  const model = new EndpointLatencyModel(topology, 1, Random.fromSeed(1), now);
  const home = model.indexOf('read-home-timeline');
  const idle = model.mean(home);
  assert.ok(idle > 1 && idle < 50, `idle mean ${idle} ms`);
  const meanAt = (rps: number): number => {
    for (let second = 0; second < 5; second += 1) {
      for (let index = 0; index < rps; index += 1) model.arrive(home, (now += 1000 / rps));
    }
    return model.mean(home);
  };
  const light = meanAt(200);
  const heavy = meanAt(16000);
  assert.ok(light >= idle && light < idle * 1.5, `200 req/s: ${light} ms vs idle ${idle} ms`);
  assert.ok(heavy > light * 1.5, `16000 req/s: ${heavy} ms vs 200 req/s: ${light} ms`);
  const samples = Array.from({ length: 2000 }, () => model.arrive(home, now));
  const sampleMean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  assert.ok(
    Math.abs(sampleMean / heavy - 1) < 0.15,
    `samples average ${sampleMean} ms around the mean ${heavy} ms`,
  );
});

test('the server answers after the scaled response time', async () => {
  await using slow = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 20, seed: 1 });
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => call(`${slow.url}/wrk2-api/home-timeline/read?user_id=1`)),
  );
  // Read-home-timeline's mean is a few ms; scaled ×20 no answer can come back in under 10 ms.
  assert.ok(
    answers.every((answer) => answer.status === 200 && answer.ms >= 10),
    JSON.stringify(answers.map((a) => Math.round(a.ms))),
  );
});

test('stall holds every answer; fail answers with the status; reset drops connections; stop refuses', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.1 });
  const home = `${server.url}/wrk2-api/home-timeline/read?user_id=1&start=0&stop=10`;

  server.stall(400);
  const [first, second] = await Promise.all([call(home), delay(100).then(() => call(home))]);
  assert.ok(
    first.ms >= 350 && second.ms >= 250,
    `stalled answers came after ${first.ms} and ${second.ms} ms`,
  );
  assert.ok((await call(home)).ms < 300, 'the stall is over');

  server.fail(2, 502);
  assert.deepEqual(
    [(await call(home)).status, (await call(home)).status, (await call(home)).status],
    [502, 502, 200],
  );

  server.reset(1);
  await assert.rejects(call(home), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET');
  assert.equal((await call(home)).status, 200);

  await server.stop();
  await assert.rejects(call(home), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
  await server.stop();
});

test('takeMaxInFlight reports the most concurrent requests since the last call', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.1 });
  server.stall(300);
  const home = `${server.url}/wrk2-api/home-timeline/read`;
  const pending = Promise.all(Array.from({ length: 7 }, () => call(home)));
  await delay(150);
  assert.equal(server.stats().inFlight, 7);
  await pending;
  assert.equal(server.takeMaxInFlight(), 7);
  assert.equal(server.takeMaxInFlight(), 0, 'restarts from the requests in flight');
});

test('the server listens on loopback only', async () => {
  await assert.rejects(EndpointServer.start({ benchmark: 'social-network', host: '0.0.0.0' }), UsageError);
});
