// The HTTP front ends of the simulated DeathStarBench applications: which method and path reach which request
// type (endpoint) of the topology. Paths are those of the applications' front ends, as their wrk2 scripts call
// them: nginx-thrift's /wrk2-api/… (socialNetwork, mediaMicroservices) and the Go frontend's handlers
// (hotelReservation, services/frontend/server.go).
import { UsageError } from '../core/errors.js';
import type { BenchmarkName } from './topology-types.js';

export interface Route {
  method: string;
  path: string;
  /** Endpoint (request type) of the topology it serves. */
  endpoint: string;
}

export const HTTP_ROUTES: Readonly<Partial<Record<BenchmarkName, readonly Route[]>>> = {
  'social-network': [
    { method: 'POST', path: '/wrk2-api/post/compose', endpoint: 'compose-post' },
    { method: 'GET', path: '/wrk2-api/home-timeline/read', endpoint: 'read-home-timeline' },
    { method: 'GET', path: '/wrk2-api/user-timeline/read', endpoint: 'read-user-timeline' },
    // media-frontend's locations (socialNetwork/media-frontend/lua-scripts/{get,upload}-media.lua).
    { method: 'GET', path: '/get-media', endpoint: 'get-media' },
    { method: 'POST', path: '/upload-media', endpoint: 'upload-media' },
  ],
  'hotel-reservation': [
    { method: 'GET', path: '/hotels', endpoint: 'search' },
    { method: 'GET', path: '/recommendations', endpoint: 'recommend' },
    { method: 'POST', path: '/user', endpoint: 'user' },
    { method: 'POST', path: '/reservation', endpoint: 'reserve' },
  ],
  'media-microservices': [{ method: 'POST', path: '/wrk2-api/review/compose', endpoint: 'compose-review' }],
};

/** Benchmarks whose simulated front end can be served over HTTP. */
export const HTTP_BENCHMARKS = Object.keys(HTTP_ROUTES) as BenchmarkName[];

export function routesOf(benchmark: BenchmarkName): readonly Route[] {
  const routes = HTTP_ROUTES[benchmark];
  if (routes === undefined) {
    throw new UsageError(`the simulated ${benchmark} has no HTTP front end to serve`, {
      suggestion:
        benchmark === 'hpc-ai500'
          ? 'HPC-AI500 has no HTTP endpoints: its load is concurrent training/inference Jobs (see src/load/job-schedule.ts).'
          : `Serve one of: ${HTTP_BENCHMARKS.join(', ')}.`,
    });
  }
  return routes;
}
