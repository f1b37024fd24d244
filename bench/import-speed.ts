// Benchmark: `rescape import alibaba-2022` on a generated Alibaba v2022 MSCallGraph file (default 1024 MB,
// `--size-mb N` for another size), run as a user would (the built CLI in a child process; `npm run build`
// first). Prints throughput (MB/s, MB = 2^20 bytes) and the child's peak RSS, so memory can be seen to stay
// bounded as the file grows. References measured in the same run on the same file: counting its lines with
// a plain Node read stream and with `wc -l`, so the ratio shows what parsing and aggregating cost over
// reading the bytes. The file is read first by the references, so every pass finds it in the page cache.
// The generated file and the imported run are deleted at the end.
import { execa } from 'execa';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MB = 1024 * 1024;
const HEADER = 'timestamp,traceid,service,rpc_id,rpctype,um,uminstanceid,interface,dm,dminstanceid,rt\n';
const SPAN_MS = 3 * 3600 * 1000; // the trace covers 3 hours
const SERVICES = 300;
const ONLINE_SERVICES = 60;

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '1024' } } });
const sizeMb = Number(values['size-mb']);
if (!Number.isFinite(sizeMb) || sizeMb <= 0) throw new Error(`--size-mb ${values['size-mb']}: not a size`);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'bin', 'run.js');

/** mulberry32: a small seeded generator, so every run writes the same file. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(2022);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const token = (length: number): string =>
  Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');

interface Service {
  name: string;
  pods: number;
  interfaces: string[];
  /** Downstream services it calls, with the rpc type of each call. */
  calls: { service: number; type: string }[];
}

/** A call graph of SERVICES microservices: a few entry services, a layered DAG below them, stores at the leaves. */
function buildServices(): Service[] {
  const names = new Set<string>();
  while (names.size < SERVICES) names.add(`MS_${10000 + Math.floor(random() * 90000)}`);
  const services: Service[] = [...names].map((name) => ({
    name,
    pods: 1 + Math.floor(random() ** 2 * 80),
    interfaces: Array.from({ length: 1 + Math.floor(random() * 6) }, () => token(10)),
    calls: [],
  }));
  services.forEach((service, index) => {
    if (index >= SERVICES * 0.8) return; // the last fifth are leaves
    const fanOut = 1 + Math.floor(random() * 4);
    for (let call = 0; call < fanOut; call += 1) {
      const target = index + 1 + Math.floor(random() * Math.min(80, SERVICES - index - 1));
      const type =
        target >= SERVICES * 0.8 ? pick(['db', 'mc', 'mc', 'rpc']) : pick(['rpc', 'rpc', 'rpc', 'mq']);
      service.calls.push({ service: target, type });
    }
    // Some services call themselves (another instance of the same microservice), as in the real trace.
    if (random() < 0.05) service.calls.push({ service: index, type: 'rpc' });
  });
  return services;
}

const services = buildServices();
const onlineServices = Array.from({ length: ONLINE_SERVICES }, () => `S_${Math.floor(random() * 2e8)}`);
/** Entry services, most traffic on a few (a skewed draw over the first 120). */
const entry = (): number => Math.floor(120 * random() ** 2);
const pod = (service: Service): string => `${service.name}_POD_${Math.floor(random() * service.pods)}`;
const rt = (): string => `${Math.floor(Math.exp(random() * random() * 7))}.0`;

/** Writes one trace's rows (root call from USER, then a depth-first walk of the graph) into `rows`. */
function writeTrace(rows: string[], traceNumber: number, startMs: number): void {
  const trace = `T_${traceNumber}`;
  const onlineService = onlineServices[entry() % ONLINE_SERVICES]!;
  const firstIndex = entry();
  const first = services[firstIndex]!;
  let time = startMs;
  let calls = 0;
  const emit = (
    rpc: string,
    type: string,
    um: string,
    umPod: string,
    iface: string,
    dm: string,
    dmPod: string,
  ) => {
    const row = `${time},${trace},${onlineService},${rpc},${type},${um},${umPod},${iface},${dm},${dmPod},${rt()}\n`;
    rows.push(row);
    // Both sides of an RPC logged it (an identical second record) now and then.
    if (random() < 0.12) rows.push(row);
    calls += 1;
  };
  emit('0', 'http', 'USER', 'USER', pick(first.interfaces), first.name, pod(first));
  const walk = (callerIndex: number, callerPod: string, rpc: string, depth: number): void => {
    if (depth > 4) return;
    const caller = services[callerIndex]!;
    caller.calls.forEach((call, index) => {
      if (calls >= 40 || random() < 0.3) return;
      time += Math.floor(random() * 3);
      const callee = services[call.service]!;
      const calleePod = pod(callee);
      const id = `${rpc}.${index + 1}`;
      const roll = random();
      if (roll < 0.06)
        emit(id, call.type, 'UNKNOWN', 'UNAVAILABLE', pick(callee.interfaces), callee.name, calleePod);
      else if (roll < 0.07)
        emit(id, call.type, caller.name, callerPod, pick(callee.interfaces), '(?)', '(?)');
      else if (roll < 0.075) emit(id, call.type, caller.name, callerPod, '', 'UNKNOWN', 'UNAVAILABLE');
      else emit(id, call.type, caller.name, callerPod, pick(callee.interfaces), callee.name, calleePod);
      if (call.service !== callerIndex) walk(call.service, calleePod, id, depth + 1);
    });
  };
  walk(firstIndex, pod(first), '0', 1);
}

/** Streams about `bytes` bytes of call graph to `file`, waiting for the stream to drain when it asks. */
async function generate(file: string, bytes: number): Promise<{ rows: number; bytes: number }> {
  const stream = createWriteStream(file, { highWaterMark: MB });
  let written = 0;
  let rows = 0;
  let traceNumber = 10_000_000;
  if (!stream.write(HEADER)) await once(stream, 'drain');
  written += HEADER.length;
  while (written < bytes) {
    const chunk: string[] = [];
    let chunkBytes = 0;
    while (chunkBytes < MB && written + chunkBytes < bytes) {
      const before = chunk.length;
      // Traces start in time order over the span (the file's position), with a little jitter.
      const startMs = Math.floor(((written + chunkBytes) / bytes) * SPAN_MS + random() * 2000);
      writeTrace(chunk, traceNumber, startMs);
      traceNumber += 1 + Math.floor(random() * 50);
      for (let index = before; index < chunk.length; index += 1) chunkBytes += chunk[index]!.length;
    }
    rows += chunk.length;
    written += chunkBytes;
    if (!stream.write(chunk.join(''))) await once(stream, 'drain');
  }
  stream.end();
  await finished(stream);
  return { rows, bytes: written };
}

/** Counts newlines with a plain read stream: the floor for any streaming importer written in Node. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: MB }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  }
  return lines;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** Polls /proc/<pid>/status for VmHWM (the process' peak RSS so far) until it exits; in MB. */
function pollPeakRss(pid: number): { stop: () => number } {
  let peak = 0;
  const read = (): void => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]) / 1024);
    } catch {
      // exited between polls
    }
  };
  const timer = setInterval(read, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

interface ImportSummary {
  rowsRead: number;
  skipped: Record<string, number>;
  services: number;
  edges: number;
  steps: number;
}

/** Runs the built CLI's import in a child process: wall seconds, the child's peak RSS (MB) and its summary. */
async function runImport(file: string, out: string, timeLog: string) {
  const hasTime = (await execa('sh', ['-c', 'command -v /usr/bin/time'], { reject: false })).exitCode === 0;
  const args = [bin, 'import', 'alibaba-2022', file, '--out', out, '--json'];
  const started = performance.now();
  const child = hasTime
    ? execa('/usr/bin/time', ['-v', '-o', timeLog, process.execPath, ...args], {
        reject: false,
        stdin: 'ignore',
      })
    : execa(process.execPath, args, { reject: false, stdin: 'ignore' });
  const poller = hasTime || child.pid === undefined ? undefined : pollPeakRss(child.pid);
  const result = await child;
  const seconds = (performance.now() - started) / 1000;
  const polled = poller?.stop() ?? 0;
  if (result.exitCode !== 0) {
    throw new Error(`import exited ${result.exitCode}: ${String(result.stderr).slice(-2000)}`);
  }
  let peakMb = polled;
  let method = '/proc VmHWM polled every 20 ms';
  if (hasTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeLog, 'utf8'));
    if (!match) throw new Error(`no peak RSS in the output of /usr/bin/time -v (${timeLog})`);
    peakMb = Number(match[1]) / 1024;
    method = '/usr/bin/time -v';
  }
  return { seconds, peakMb, method, summary: JSON.parse(String(result.stdout)) as ImportSummary };
}

const root = mkdtempSync(join(tmpdir(), 'rescape-bench-import-'));
try {
  const file = join(root, 'MSCallGraph_0.csv');
  const generated = await timed(() => generate(file, sizeMb * MB));
  const bytes = statSync(file).size;
  const mb = bytes / MB;
  console.log(
    `generated ${file}: ${mb.toFixed(0)} MB, ${generated.value.rows.toLocaleString('en-US')} rows in ${generated.seconds.toFixed(1)} s`,
  );

  const nodeRead = await timed(() => countLines(file));
  const wc = await timed(() => execa('wc', ['-l', file]));
  const wcLines = Number(String(wc.value.stdout).trim().split(/\s+/)[0]);
  if (nodeRead.value !== generated.value.rows + 1 || wcLines !== nodeRead.value) {
    throw new Error(
      `line counts disagree: generated ${generated.value.rows + 1}, node ${nodeRead.value}, wc ${wcLines}`,
    );
  }

  const imported = await runImport(file, join(root, 'run'), join(root, 'time.log'));
  const { summary } = imported;
  if (summary.rowsRead !== generated.value.rows) {
    throw new Error(`import read ${summary.rowsRead} rows of ${generated.value.rows}`);
  }
  const skipped = Object.entries(summary.skipped)
    .map(([reason, count]) => `${reason} ${count.toLocaleString('en-US')}`)
    .join(', ');

  console.log(`rescape import alibaba-2022, ${mb.toFixed(0)} MB (MB = 2^20 bytes), page cache warm`);
  console.log(
    `  import:        ${imported.seconds.toFixed(1).padStart(6)} s  ${(mb / imported.seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${imported.peakMb.toFixed(0)} MB (${imported.method})`,
  );
  console.log(
    `  node read:     ${nodeRead.seconds.toFixed(1).padStart(6)} s  ${(mb / nodeRead.seconds).toFixed(1).padStart(7)} MB/s  (read stream, newline count)`,
  );
  console.log(
    `  wc -l:         ${wc.seconds.toFixed(1).padStart(6)} s  ${(mb / wc.seconds).toFixed(1).padStart(7)} MB/s`,
  );
  console.log(
    `  ratio:         import / node read ${(imported.seconds / nodeRead.seconds).toFixed(1)}×, import / wc -l ${(imported.seconds / wc.seconds).toFixed(1)}×`,
  );
  console.log(
    `  run:           ${summary.rowsRead.toLocaleString('en-US')} rows → ${summary.services} services, ${summary.edges} edges, ${summary.steps} steps; skipped: ${skipped}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
