// Benchmark: requests/s of the load generator at concurrency 220 against a minimal loopback HTTP server
// (node:http answering 200 at once, in a child process so it shares no event loop with the load), side by side
// with autocannon (programmatic API, 220 connections, same duration) against the same server in the same run.
// The generator runs through its real path (LoadSession, closed loop fixed at 220, a one-request GET / mix,
// HDR histograms, error accounting) with each transport (undici, the default; node:http; axios); bare loops of
// undici and node:http requests (no accounting) show what each HTTP client itself costs. Rounds alternate the
// clients so that the machine's other load touches each alike; figures are medians over the rounds. CPU is
// process.cpuUsage() over each client's run (the server's CPU is the child's, not counted). The load average is
// printed before and after, since the machine is shared.
// Goal: generator (default transport) / autocannon ≥ 0.9.
//
// Settings: LOAD_BENCH_SECONDS (default 5) per run, LOAD_BENCH_ROUNDS (default 3).
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Pool } from 'undici';
import { LoadSession } from '../src/load/load-session.js';
import { parseMix } from '../src/load/mix-file.js';
import { RequestMix } from '../src/load/request-mix.js';
import {
  createTransport,
  DEFAULT_HTTP_CLIENT,
  HTTP_CLIENTS,
  type HttpClient,
} from '../src/load/transport-factory.js';

const CONNECTIONS = 220;

if (process.argv[2] === 'serve') {
  const server = http.createServer({ keepAliveTimeout: 120_000 }, (request, response) => {
    request.resume();
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
    response.end('ok');
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

interface Measure {
  rps: number;
  cpuSeconds: number;
  requests: number;
  errors: number;
}

async function main(): Promise<void> {
  const seconds = Number(process.env.LOAD_BENCH_SECONDS ?? 5);
  const rounds = Number(process.env.LOAD_BENCH_ROUNDS ?? 3);
  // autocannon ships no types; required here rather than declared for the whole project.
  const autocannon = createRequire(import.meta.url)('autocannon') as (
    options: object,
  ) => Promise<{ requests: { total: number }; duration: number; errors: number; non2xx: number }>;
  const child = fork(process.argv[1] as string, ['serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (message) => resolve(message as number)),
  );
  const url = `http://127.0.0.1:${port}`;
  const mix = RequestMix.compile(
    parseMix(
      'format: rescape.load-mix/v1\nname: root\nrequests:\n  - { name: root, weight: 1, method: GET, path: / }\n',
      'bench',
    ),
  );

  const generator = async (client: HttpClient, runSeconds: number): Promise<Measure> => {
    const transport = createTransport(client, new URL(url), { maxSockets: CONNECTIONS, timeoutMs: 10_000 });
    const cpu = process.cpuUsage();
    const session = LoadSession.start({
      schedule: {
        mode: 'closed',
        concurrency: { min: CONNECTIONS, max: CONNECTIONS, redrawSeconds: runSeconds },
      },
      stepSeconds: runSeconds,
      steps: 1,
      seed: 1,
      mix,
      transport,
    });
    const step = await session.nextStep();
    const used = process.cpuUsage(cpu);
    transport.close();
    if (step === undefined) throw new Error('no step measured');
    return {
      rps: step.measure.requests / step.measure.seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      requests: step.measure.requests,
      errors: step.measure.errors,
    };
  };
  const viaAutocannon = async (runSeconds: number): Promise<Measure> => {
    const cpu = process.cpuUsage();
    const result = await autocannon({ url: `${url}/`, connections: CONNECTIONS, duration: runSeconds });
    const used = process.cpuUsage(cpu);
    return {
      rps: result.requests.total / result.duration,
      cpuSeconds: (used.user + used.system) / 1e6,
      requests: result.requests.total,
      errors: result.errors + result.non2xx,
    };
  };

  // 220 loops of bare requests, nothing recorded: `loop` runs one connection's requests until `end`.
  const bareLoops = async (
    runSeconds: number,
    loop: (end: number, tally: { requests: number; errors: number }) => Promise<void>,
  ): Promise<Measure> => {
    const tally = { requests: 0, errors: 0 };
    const cpu = process.cpuUsage();
    const started = performance.now();
    const end = started + runSeconds * 1000;
    await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(end, tally)));
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { rps: tally.requests / elapsed, cpuSeconds: (used.user + used.system) / 1e6, ...tally };
  };

  // The floor of any node:http client: requests on a keep-alive agent.
  const plainNodeHttp = async (runSeconds: number): Promise<Measure> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, scheduling: 'lifo' });
    const measure = await bareLoops(runSeconds, async (end, tally) => {
      while (performance.now() < end) {
        await new Promise<void>((resolve) => {
          const request = http.get(`${url}/`, { agent }, (response) => {
            response.resume();
            response.on('end', resolve);
          });
          request.on('error', () => {
            tally.errors += 1;
            resolve();
          });
        });
        tally.requests += 1;
      }
    });
    agent.destroy();
    return measure;
  };

  // undici's own connection pool (what the undici transport replaces with its idle-connection stack):
  // dispatches on one Pool.
  const plainUndiciPool = async (runSeconds: number): Promise<Measure> => {
    const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
    const measure = await bareLoops(
      runSeconds,
      (end, tally) =>
        new Promise<void>((resolve) => {
          const next = (): void => {
            if (performance.now() >= end) {
              resolve();
              return;
            }
            pool.dispatch(
              { path: '/', method: 'GET' },
              {
                onConnect: () => undefined,
                onHeaders: () => true,
                onData: () => true,
                onComplete: () => {
                  tally.requests += 1;
                  next();
                },
                onError: () => {
                  tally.errors += 1;
                  next();
                },
              },
            );
          };
          next();
        }),
    );
    await pool.destroy();
    return measure;
  };

  const generatorName = (client: HttpClient): string =>
    `rescape load (${client === 'node' ? 'node:http' : client}${client === DEFAULT_HTTP_CLIENT ? ', default' : ''})`;
  const clients: [string, (runSeconds: number) => Promise<Measure>][] = [
    ...HTTP_CLIENTS.map((client): [string, (runSeconds: number) => Promise<Measure>] => [
      generatorName(client),
      (runSeconds) => generator(client, runSeconds),
    ]),
    ['autocannon', viaAutocannon],
    ['bare undici Pool loop (reference)', plainUndiciPool],
    ['plain node:http loop (reference)', plainNodeHttp],
  ];
  const loadAverage = (): string =>
    os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  const loadBefore = loadAverage();
  try {
    // Warm-up: JIT, sockets, the server's connection handling.
    for (const [, run] of clients) await run(1);
    const measured = new Map<string, Measure[]>(clients.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, run] of clients) measured.get(name)?.push(await run(seconds));
    }
    const median = (values: number[]): number => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    };
    const reference = median((measured.get('autocannon') ?? []).map((m) => m.rps));
    console.log(
      `${CONNECTIONS} connections, ${seconds} s per run, ${rounds} rounds; Node ${process.version}; ${os.cpus().length} CPUs; server: node:http in a child process`,
    );
    console.log(`load average (1/5/15 min): before ${loadBefore}, after ${loadAverage()}\n`);
    console.log(
      '| client | req/s (median) | runs | ratio to autocannon | CPU s per run | µs CPU per request | errors |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const [name] of clients) {
      const runs = measured.get(name) ?? [];
      const rps = median(runs.map((m) => m.rps));
      const cpu = median(runs.map((m) => m.cpuSeconds));
      const perRequest = median(runs.map((m) => (m.cpuSeconds / Math.max(1, m.requests)) * 1e6));
      const errors = runs.reduce((sum, m) => sum + m.errors, 0);
      console.log(
        `| ${name} | ${rps.toFixed(0)} | ${runs.map((m) => m.rps.toFixed(0)).join(' / ')} | ${(rps / reference).toFixed(2)} | ${cpu.toFixed(2)} | ${perRequest.toFixed(1)} | ${errors} |`,
      );
    }
    const ourRuns = measured.get(generatorName(DEFAULT_HTTP_CLIENT)) ?? [];
    const ours = median(ourRuns.map((m) => m.rps));
    // Each round's ratio against the autocannon run next to it: steadier than the ratio of medians when the
    // machine's other load drifts between rounds.
    const paired = ourRuns.map((m, round) => m.rps / (measured.get('autocannon')?.[round]?.rps ?? NaN));
    const perRequest = (runs: Measure[]): number =>
      median(runs.map((m) => (m.cpuSeconds / Math.max(1, m.requests)) * 1e6));
    console.log(
      `\nratio ${generatorName(DEFAULT_HTTP_CLIENT)} / autocannon = ${(ours / reference).toFixed(2)} (goal ≥ 0.9); per round ${paired.map((ratio) => ratio.toFixed(2)).join(' / ')}; CPU per request ${(perRequest(ourRuns) / perRequest(measured.get('autocannon') ?? [])).toFixed(2)}× autocannon's`,
    );
  } finally {
    child.disconnect();
    child.kill();
  }
}
