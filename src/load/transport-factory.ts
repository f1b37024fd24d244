// Builds the transport `--http-client` names. undici is the default: at 220 connections it costs the least CPU
// per request of the three (bench/load-speed.ts measures them side by side), and a load generator that runs out
// of CPU measures itself rather than the target. node:http and axios remain for comparison and for users who
// need their behaviour.
import { createAxiosTransport } from './axios-transport.js';
import { createNodeHttpTransport, type HttpTransport, type TransportOptions } from './http-transport.js';
import { createUndiciTransport } from './undici-transport.js';

export const HTTP_CLIENTS = ['undici', 'node', 'axios'] as const;
export type HttpClient = (typeof HTTP_CLIENTS)[number];
export const DEFAULT_HTTP_CLIENT: HttpClient = 'undici';

const FACTORIES: Record<HttpClient, (target: URL, options: TransportOptions) => HttpTransport> = {
  undici: createUndiciTransport,
  node: createNodeHttpTransport,
  axios: createAxiosTransport,
};

export function createTransport(client: HttpClient, target: URL, options: TransportOptions): HttpTransport {
  return FACTORIES[client](target, options);
}
