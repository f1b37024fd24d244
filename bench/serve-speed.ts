// Benchmark: `rescape serve` answering GET /v1/forecast (every service's next 3 steps) to 50 concurrent
// clients over loopback, with autocannon in this process and serve in a child process, as deployed. The
// model is GAT-GRU at the paper's configuration (hidden 48, 4 heads) on the 30-service social network,
// trained for one epoch (its accuracy does not matter here). The input is a live run directory that grows by
// one step a second during the measurement, so the model also runs (once a second) while requests are
// answered. Reference measured in the same run: a minimal node:http server, also in a child process,
// answering every request with a static JSON body of the same size; the ratio is serve / reference.
// Needs `npm run build` first (serve runs from dist/ like the installed CLI).
import { execa } from 'execa';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdtempSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, rescape } from '../test/cli.js';
import { startServeProcess } from '../test/serve/serve-process.js';

const CONNECTIONS = 50;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;
const FIRST_STEP = 200;

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<CannonResult>;
// autocannon ships no types.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

if (!existsSync(join(repoRoot, 'dist', 'commands', 'serve.js'))) {
  console.error('dist/commands/serve.js is missing: run `npm run build` first.');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'rescape-bench-serve-'));
try {
  const runDir = join(dir, 'run');
  const modelDir = join(dir, 'model');
  const setup = performance.now();
  const profiled = await rescape([
    'profile',
    '--benchmark',
    'social-network',
    '--duration',
    '2h',
    '--seed',
    '7',
    '--out',
    runDir,
  ]);
  if (profiled.exitCode !== 0) throw new Error(profiled.stderr);
  const trained = await rescape(['train', runDir, '--model', 'gat-gru', '--epochs', '1', '--out', modelDir]);
  if (trained.exitCode !== 0) throw new Error(trained.stderr);
  const live = join(dir, 'live');
  const rows = liveRun(runDir, live);
  console.log(
    `setup (profile 2 h, train 1 epoch at the paper's configuration): ${((performance.now() - setup) / 1000).toFixed(1)} s`,
  );

  const serve = await startServeProcess([modelDir, '--run', live, '--port', '0', '--refresh', '1s']);
  let body: string;
  try {
    body = await waitForForecast(serve.url);
    const services = (JSON.parse(body) as { services: unknown[] }).services.length;
    console.log(`forecast body: ${Buffer.byteLength(body)} bytes, ${services} services × 3 horizons`);

    const reference = await startReference(body);
    let referenceResult: CannonResult;
    try {
      await autocannon({ url: reference.url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
      referenceResult = await autocannon({
        url: reference.url,
        connections: CONNECTIONS,
        duration: DURATION_SECONDS,
      });
    } finally {
      reference.child.kill('SIGTERM');
      await reference.child;
    }

    let step = FIRST_STEP + 1;
    const grow = setInterval(() => {
      rows.append(step);
      step += 1;
    }, 1_000);
    const url = `${serve.url}/v1/forecast`;
    let serveResult: CannonResult;
    try {
      await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
      serveResult = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
    } finally {
      clearInterval(grow);
    }
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    const stopped = await serve.stop('SIGTERM');
    if (stopped.exitCode !== 0) throw new Error(`serve exited with ${stopped.exitCode}: ${stopped.stderr}`);

    const line = (name: string, result: CannonResult) =>
      `${name.padEnd(34)} ${result.requests.average.toFixed(0).padStart(8)} req/s   p50 ${result.latency.p50.toFixed(1).padStart(5)} ms   p99 ${result.latency.p99.toFixed(1).padStart(5)} ms   non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`;
    console.log(
      `\n${CONNECTIONS} concurrent clients, ${DURATION_SECONDS} s each after a ${WARMUP_SECONDS} s warm-up, loopback:`,
    );
    console.log(line('rescape serve GET /v1/forecast', serveResult));
    console.log(line('reference: static body, node:http', referenceResult));
    console.log(
      `ratio serve / reference: throughput ${(serveResult.requests.average / referenceResult.requests.average).toFixed(2)}, p99 latency ${(serveResult.latency.p99 / referenceResult.latency.p99).toFixed(2)}`,
    );
    const inference = histogram(metrics, 'rescape_forecast_refresh_duration_seconds', 'inference');
    const read = histogram(metrics, 'rescape_forecast_refresh_duration_seconds', 'read');
    console.log(
      `during the measurement the run grew by ${step - FIRST_STEP - 1} steps: ${inference.count} forecasts made, one forward pass ${(1000 * inference.mean).toFixed(1)} ms on average, reading the window ${(1000 * read.mean).toFixed(1)} ms`,
    );
    const backend = /backend="([^"]+)"/.exec(metrics)?.[1] ?? 'unknown';
    console.log(`tfjs backend: ${backend}. No GPU was at hand: CPU figures only.`);
    // Both servers share the machine with autocannon; other load skews the ratio, so it is printed.
    console.log(
      `load average at the end: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(', ')}`,
    );
  } finally {
    if (serve.child.exitCode === null) await serve.stop('SIGKILL');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Steps 0..FIRST_STEP of the run copied into `live`; append(k) then writes step k as the run writer would. */
function liveRun(from: string, live: string) {
  mkdirSync(live);
  const tables = new Map<string, { header: string; byStep: Map<number, string[]> }>();
  for (const file of ['services.csv', 'run.json'])
    writeFileSync(join(live, file), readFileSync(join(from, file)));
  for (const file of ['ms_metric.csv', 'load.csv']) {
    const [header = '', ...lines] = readFileSync(join(from, file), 'utf8').trimEnd().split('\n');
    const byStep = new Map<number, string[]>();
    for (const line of lines) {
      const k = Number(line.slice(0, line.indexOf(',')));
      byStep.set(k, [...(byStep.get(k) ?? []), line]);
    }
    tables.set(file, { header, byStep });
    const kept = [...byStep].filter(([k]) => k <= FIRST_STEP).flatMap(([, rows]) => rows);
    writeFileSync(join(live, file), `${[header, ...kept].join('\n')}\n`);
  }
  return {
    append(step: number) {
      // Metrics first, the load row last: it marks the step complete.
      for (const file of ['ms_metric.csv', 'load.csv']) {
        const rows = tables.get(file)!.byStep.get(step);
        if (rows !== undefined) appendFileSync(join(live, file), `${rows.join('\n')}\n`);
      }
    },
  };
}

async function waitForForecast(url: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${url}/v1/forecast`);
    if (answer.status === 200) return answer.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('serve made no forecast within 30 s');
}

/** A minimal node:http server in a child process answering every request with `body`. */
async function startReference(body: string) {
  const code = `
    const body = Buffer.from(process.env.BODY);
    const server = require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  const child = execa(process.execPath, ['-e', code], { env: { BODY: body }, reject: false, buffer: false });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match !== null) resolve(Number(match[1]));
    });
    child.catch(reject);
  });
  return { url: `http://127.0.0.1:${port}/v1/forecast`, child };
}

function histogram(text: string, name: string, phase: string): { count: number; mean: number } {
  const value = (suffix: string) =>
    Number(new RegExp(`^${name}_${suffix}\\{phase="${phase}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const count = value('count');
  return { count, mean: value('sum') / count };
}
