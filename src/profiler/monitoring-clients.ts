// The Prometheus and Jaeger clients an export reads through, for `export` and the live `profile` alike. Tokens
// go into the clients only; run.json and messages show URLs without credentials (export-options.ts).
import { createJaegerClient, type JaegerApiChoice } from '../trace/jaeger-api.js';
import type { ExportClients } from './export-chunk.js';
import type { ExportCredentials } from './export-options.js';
import { PrometheusClient } from './prometheus-client.js';

export interface MonitoringAddresses extends ExportCredentials {
  prometheusUrl: string;
  jaegerUrl?: string;
}

export interface MonitoringOptions {
  jaegerApi: JaegerApiChoice;
  /** Called for every Prometheus request, for the result's request count. */
  onPrometheusRequest: () => void;
  /** Which of the services Jaeger knows get searched for traces. */
  traceServices: (jaegerServices: string[]) => string[];
  signal?: AbortSignal | undefined;
}

export async function connectMonitoring(
  addresses: MonitoringAddresses,
  profile: ExportClients['profile'],
  options: MonitoringOptions,
): Promise<ExportClients> {
  const prometheus = new PrometheusClient({
    url: addresses.prometheusUrl,
    ...(addresses.prometheusToken === undefined
      ? {}
      : { auth: { kind: 'bearer', token: addresses.prometheusToken } }),
    onRequest: options.onPrometheusRequest,
  });
  if (addresses.jaegerUrl === undefined) return { prometheus, profile };
  const client = await createJaegerClient(
    {
      baseUrl: addresses.jaegerUrl,
      ...(addresses.jaegerToken === undefined ? {} : { auth: { bearerToken: addresses.jaegerToken } }),
    },
    options.jaegerApi,
    options.signal,
  );
  const services = options.traceServices(await client.services(options.signal)).sort();
  return { prometheus, profile, jaeger: { client, services } };
}
