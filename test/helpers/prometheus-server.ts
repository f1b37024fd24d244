// A real Prometheus for tests: history is written as OpenMetrics, backfilled into a temporary TSDB with
// `promtool tsdb create-blocks-from openmetrics`, and served by the Debian `prometheus` binary on 127.0.0.1
// at a free port, with no scrape targets. History must lie in the past (promtool cuts it into 2 h blocks
// that the head block must not overlap): tests place it ending a few hours before now. In live mode it scrapes
// given 127.0.0.1 targets instead, every second by default.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stringify as stringifyYaml } from 'yaml';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';

const SERVE_OPTIONS = {
  stdin: 'ignore',
  stdout: 'ignore',
  stderr: 'pipe',
  buffer: false,
  reject: false,
} as const;
type Served = ResultPromise<typeof SERVE_OPTIONS>;

/** Builds an OpenMetrics text: one family at a time, each series' samples consecutive and in time order. */
export class OpenMetricsWriter {
  private readonly families = new Map<string, { type: 'counter' | 'gauge'; series: Map<string, string[]> }>();

  /** Adds a sample; `name` is the family name (a counter's samples get the `_total` suffix). */
  add(
    type: 'counter' | 'gauge',
    name: string,
    labels: Record<string, string>,
    value: number,
    timeSeconds: number,
  ): void {
    const family = this.families.get(name) ?? { type, series: new Map<string, string[]>() };
    this.families.set(name, family);
    const sampleName = type === 'counter' ? `${name}_total` : name;
    const labelText = Object.entries(labels)
      .map(
        ([key, text]) => `${key}="${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
      )
      .join(',');
    const key = `${sampleName}{${labelText}}`;
    const lines = family.series.get(key) ?? [];
    family.series.set(key, lines);
    lines.push(`${key} ${value} ${timeSeconds.toFixed(3)}`);
  }

  get sampleCount(): number {
    let count = 0;
    for (const family of this.families.values())
      for (const lines of family.series.values()) count += lines.length;
    return count;
  }

  text(): string {
    const out: string[] = [];
    for (const [name, family] of this.families) {
      out.push(`# TYPE ${name} ${family.type}`);
      for (const lines of family.series.values()) out.push(...lines);
    }
    out.push('# EOF', '');
    return out.join('\n');
  }
}

export interface PrometheusServer {
  url: string;
  port: number;
  /** Stops the server: SIGTERM, then SIGKILL after killAfterMs (default 3 s); `kill` sends SIGKILL at once. */
  stop(options?: { kill?: boolean; killAfterMs?: number }): Promise<void>;
  /** Starts it again on the same port and TSDB (after stop()). */
  restart(): Promise<void>;
  /** Stops it and deletes the temporary directory. */
  close(): Promise<void>;
  readonly pid: number | undefined;
}

export interface StartOptions {
  /** OpenMetrics history to backfill before starting. */
  openMetrics?: string;
  readyTimeoutMs?: number;
  /** Live mode: host:port targets (on 127.0.0.1) scraped at /metrics every scrapeIntervalSeconds. */
  scrapeTargets?: string[];
  /** Default 1 s, so that a test's steps of a few seconds get several samples each. */
  scrapeIntervalSeconds?: number;
}

/** The configuration: no scrape targets (backfilled history only), or one job scraping the given targets. */
function scrapeConfig(options: StartOptions): string {
  if (options.scrapeTargets === undefined || options.scrapeTargets.length === 0)
    return 'global:\n  scrape_interval: 15s\nscrape_configs: []\n';
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  return stringifyYaml({
    global: { scrape_interval: interval, scrape_timeout: interval },
    scrape_configs: [{ job_name: 'live', static_configs: [{ targets: options.scrapeTargets }] }],
  });
}

export async function startPrometheus(options: StartOptions = {}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rescape-prometheus-'));
  const tsdb = join(dir, 'data');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, scrapeConfig(options));
  try {
    if (options.openMetrics !== undefined) {
      const input = join(dir, 'history.om');
      writeFileSync(input, options.openMetrics);
      await execa(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, tsdb], {
        stdin: 'ignore',
      });
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${tsdb}`,
      // Backfilled blocks are hours old; the default 15 d retention would be enough, but a test machine
      // with a skewed clock must not see them deleted at startup.
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
    ];
    let child: Served | undefined;
    let log = '';
    const launch = async () => {
      log = '';
      const started = execa(PROMETHEUS_BIN, args, SERVE_OPTIONS);
      started.stderr?.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
      });
      child = started;
      await waitReady(url, started, () => log, options.readyTimeoutMs ?? 15_000);
    };
    const stop = async ({ kill = false, killAfterMs = 3_000 } = {}) => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      running.kill(kill ? 'SIGKILL' : 'SIGTERM');
      const killer = setTimeout(() => running.kill('SIGKILL'), killAfterMs);
      await running;
      clearTimeout(killer);
    };
    await launch();
    return {
      url,
      port,
      get pid() {
        return child?.pid;
      },
      stop,
      restart: launch,
      close: async () => {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function waitReady(url: string, child: Served, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited with ${child.exitCode} at startup:\n${log()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(50);
  }
  child.kill('SIGKILL');
  throw new Error(`prometheus was not ready at ${url} within ${timeoutMs} ms:\n${log()}`);
}

/** A port free at the time of asking (the OS picks it); Prometheus binds it right after. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
