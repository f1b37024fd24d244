// `rescape serve` as a user starts it, in a child process on a free loopback port: waits for its
// "serving … on http://…" line, and stops it with a signal. Also a tiny model trained on a simulated run
// for the serve tests and benchmark, and a poll helper for states the background refresher reaches.
import { execa } from 'execa';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot, rescape } from '../cli.js';

const SERVE_OPTIONS = { reject: false, stdin: 'ignore', buffer: false, cwd: repoRoot } as const;

export interface ServeProcess {
  url: string;
  child: ReturnType<typeof spawnServe>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
}

function spawnServe(args: string[], env: NodeJS.ProcessEnv) {
  return execa(process.execPath, [join(repoRoot, 'bin', 'run.js'), 'serve', ...args], {
    ...SERVE_OPTIONS,
    env,
  });
}

export async function startServeProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
): Promise<ServeProcess> {
  const child = spawnServe(args, options.env ?? process.env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  let url: string | undefined;
  while (url === undefined) {
    url = /serving .* on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (url !== undefined) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await child;
      throw new Error(`rescape serve did not start (exit ${child.exitCode}):\n${stderr}${stdout}`);
    }
    await delay(25);
  }
  return {
    url,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      const result = await child;
      return { exitCode: result.exitCode, stdout, stderr };
    },
  };
}

/** Calls `probe` until `done` holds for its value (every 50 ms, up to timeoutMs); returns that value. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await delay(50);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 500)}`);
}

/**
 * A simulated 2 h HPC-AI500 run (11 services, 5 with GPUs) and a GAT-GRU trained on it for one epoch with a
 * small hidden state: the forecasts are poor, but every layer of the real model runs.
 */
export async function runAndTinyModel(dir: string): Promise<{ runDir: string; modelDir: string }> {
  const runDir = join(dir, 'run');
  const modelDir = join(dir, 'model');
  const profiled = await rescape([
    'profile',
    '--benchmark',
    'hpc-ai500',
    '--duration',
    '2h',
    '--seed',
    '11',
    '--out',
    runDir,
  ]);
  if (profiled.exitCode !== 0) throw new Error(`profile failed: ${profiled.stderr}`);
  const trained = await rescape([
    'train',
    runDir,
    ...['--model', 'gat-gru', '--epochs', '1', '--hidden', '8', '--heads', '2', '--batch-size', '32'],
    ...['--out', modelDir],
  ]);
  if (trained.exitCode !== 0) throw new Error(`train failed: ${trained.stderr}`);
  return { runDir, modelDir };
}
