// The axios transport (`--http-client axios`): the same keep-alive agent, deadline and error codes as the
// node:http one, for users who want axios' behaviour (or its interceptors, through `instance`).
import axios, { type AxiosInstance } from 'axios';
import { RequestTimeoutError } from './error-kinds.js';
import {
  ABORTED,
  basePath,
  keepAliveAgent,
  type HttpTransport,
  type TransportOptions,
} from './http-transport.js';

export function createAxiosTransport(
  target: URL,
  options: TransportOptions,
  instance?: AxiosInstance,
): HttpTransport {
  const agent = keepAliveAgent(target, options.maxSockets);
  const client =
    instance ??
    axios.create({
      baseURL: `${target.origin}${basePath(target)}`,
      httpAgent: agent,
      httpsAgent: agent,
      timeout: options.timeoutMs,
      // Every status is an answer to count, not an exception; redirects are answers too.
      validateStatus: () => true,
      maxRedirects: 0,
      // Loopback and cluster-internal targets: an HTTP(S)_PROXY from the environment must not reroute the load.
      proxy: false,
      responseType: 'arraybuffer',
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    });
  // One controller per request: axios adds an abort listener per request, and thousands of them on one shared
  // signal make every add and remove slow.
  const inFlight = new Set<AbortController>();
  return {
    send(request, done) {
      const headers: Record<string, string> = {};
      for (let index = 0; index < request.headers.length; index += 2) {
        headers[request.headers[index] as string] = request.headers[index + 1] as string;
      }
      const controller = new AbortController();
      inFlight.add(controller);
      client
        .request({
          method: request.method,
          url: request.path,
          headers,
          data: request.body,
          signal: controller.signal,
        })
        .then(
          (response) => {
            inFlight.delete(controller);
            done(response.status, undefined);
          },
          (error: unknown) => {
            inFlight.delete(controller);
            if (controller.signal.aborted) done(0, ABORTED);
            else
              done(
                0,
                axios.isAxiosError(error) && error.code === 'ETIMEDOUT'
                  ? new RequestTimeoutError(options.timeoutMs)
                  : error,
              );
          },
        );
    },
    abortAll() {
      for (const controller of [...inFlight]) controller.abort();
    },
    close() {
      agent.destroy();
    },
  };
}
