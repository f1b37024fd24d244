// The monitoring servers a live profile exports from: a Prometheus client (counting its requests for the
// result) and, with --jaeger, a Jaeger client with the benchmark services it can search. Tokens go into the
// clients only; what run.json and messages show are the URLs without credentials (export-options.ts).
import type { ServiceRow } from '../dataset/run-format.js';
import type { JaegerApiChoice } from '../trace/jaeger-api.js';
import type { ExportClients } from './export-chunk.js';
import type { ExportCredentials } from './export-options.js';
import type { MetricsProfile } from './metrics-profile.js';
import { connectMonitoring } from './monitoring-clients.js';

export interface LiveSourceAddresses extends ExportCredentials {
  prometheusUrl: string;
  jaegerUrl?: string;
  jaegerApi: JaegerApiChoice;
}

export interface LiveSources {
  clients: ExportClients;
  /** Prometheus requests made so far. */
  prometheusRequests: () => number;
}

export async function connectLiveSources(
  addresses: LiveSourceAddresses,
  profile: MetricsProfile,
  services: readonly ServiceRow[],
  signal?: AbortSignal,
): Promise<LiveSources> {
  let requests = 0;
  // Searched per service: the run's services (the benchmark's), not Jaeger's own or other applications'.
  const known = new Set(services.map((service) => service.msName));
  const clients = await connectMonitoring(addresses, profile, {
    jaegerApi: addresses.jaegerApi,
    onPrometheusRequest: () => (requests += 1),
    traceServices: (names) => names.filter((name) => known.has(name)),
    signal,
  });
  return { clients, prometheusRequests: () => requests };
}
