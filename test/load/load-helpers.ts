// A load session against a simulated front end on 127.0.0.1, for the load generator's tests.
import { RequestMix } from '../../src/load/request-mix.js';
import { loadMix } from '../../src/load/builtin-mixes.js';
import type { HttpTransport } from '../../src/load/http-transport.js';
import { createTransport, DEFAULT_HTTP_CLIENT, type HttpClient } from '../../src/load/transport-factory.js';
import { LoadSession, type LoadSessionOptions, type LoadStep } from '../../src/load/load-session.js';
import type { LoadOptions } from '../../src/load/load-options.js';
import type { EndpointServer } from '../../src/sim/http-endpoints.js';

/** Valid `rescape load` options (a minute of the paper's closed loop), for tests to vary. */
export const EXAMPLE_LOAD_OPTIONS: LoadOptions = {
  target: 'http://127.0.0.1:8080',
  benchmark: 'social-network',
  durationSeconds: 60,
  stepSeconds: 30,
  mode: { kind: 'closed', min: 80, max: 220, redrawSeconds: 60 },
  seed: 1,
  timeoutSeconds: 10,
  maxInFlight: 4096,
  httpClient: 'node',
};

export type Benchmark = 'social-network' | 'hotel-reservation' | 'media-microservices';

export interface Run {
  session: LoadSession;
  transport: HttpTransport;
  steps: Promise<LoadStep[]>;
}

/**
 * Starts a session at the server; `steps` resolves with every step once the run is over. `onStep` sees each
 * step as it comes (and may stop the session).
 */
export function startLoad(
  server: EndpointServer,
  options: Omit<LoadSessionOptions, 'mix' | 'transport'> & {
    benchmark?: Benchmark;
    timeoutMs?: number;
    /** Default: the command's default client. */
    client?: HttpClient;
    onStep?: (step: LoadStep, session: LoadSession) => void;
  },
  signal?: AbortSignal,
): Run {
  const {
    benchmark = 'social-network',
    timeoutMs = 10_000,
    client = DEFAULT_HTTP_CLIENT,
    onStep,
    ...sessionOptions
  } = options;
  const settings = { maxSockets: 4096, timeoutMs };
  const transport = createTransport(client, new URL(server.url), settings);
  const session = LoadSession.start(
    { ...sessionOptions, mix: RequestMix.compile(loadMix(benchmark)), transport },
    signal === undefined ? {} : { signal },
  );
  const steps = (async () => {
    const all: LoadStep[] = [];
    try {
      for await (const step of session) {
        all.push(step);
        onStep?.(step, session);
      }
    } finally {
      transport.close();
    }
    return all;
  })();
  return { session, transport, steps };
}

/** Sums a counter over steps. */
export function total(steps: readonly LoadStep[], pick: (step: LoadStep) => number): number {
  return steps.reduce((sum, step) => sum + pick(step), 0);
}

/** Waits (up to 2 s) until `condition` holds, e.g. until the server has seen connections close. */
export async function settled(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 2000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still not so after 2 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
