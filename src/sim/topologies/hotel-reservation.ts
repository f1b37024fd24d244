// DeathStarBench hotelReservation (Go gRPC services behind a Go HTTP front end).
//
// Call paths follow services/frontend/server.go (searchHandler, recommendHandler, userHandler,
// reservationHandler) and the handlers they call: services/search/server.go (Nearby → geo, rate),
// services/rate/server.go and services/profile/server.go (memcached GetMulti, MongoDB on a miss, then Set),
// services/reservation/server.go (CheckAvailability / MakeReservation: per-hotel reserved counts and capacities
// from memcached-reserve, falling back to mongodb-reservation; a booking inserts and updates the counts).
// The mix is wrk2 scripts/hotel-reservation/mixed-workload_type_1.lua: search 60 %, recommend 39 %, user
// login 0.5 %, reserve 0.5 %.
//
// geo, recommendation and user answer from memory: they load mongodb-geo, mongodb-recommendation and
// mongodb-user when they start (geo builds its k-nearest index then) and do not query them per request. Their
// calls to those databases are therefore rare (DB_REFRESH of requests) stand-ins that keep the databases in the
// call graph with the light load they carry, rather than a query on every request.
import type { CallSpec, Topology } from '../topology-types.js';
import { cacheWrite, endpoint, grpc, readThrough, rpc } from './call-builders.js';
import { memcached, mongodb, service } from './service-builders.js';

const DB_REFRESH = 0.01;

const getProfiles: CallSpec = grpc('profile', [
  readThrough('memcached-profile', 'memcached', 0.97, 'mongodb-profile', 'mongodb'),
]);

// Reserved room counts and hotel capacities: two memcached reads, each backed by mongodb-reservation.
const reservedCounts = readThrough('memcached-reserve', 'memcached', 0.95, 'mongodb-reservation', 'mongodb', {
  count: 2,
});

const checkUser: CallSpec = grpc('user', [rpc('mongodb', 'mongodb-user', [], { probability: DB_REFRESH })]);

const search: CallSpec[] = [
  grpc('search', [
    grpc('geo', [rpc('mongodb', 'mongodb-geo', [], { probability: DB_REFRESH })]),
    grpc('rate', [readThrough('memcached-rate', 'memcached', 0.95, 'mongodb-rate', 'mongodb')]),
  ]),
  grpc('reservation', [reservedCounts]),
  getProfiles,
];

const recommend: CallSpec[] = [
  grpc('recommendation', [rpc('mongodb', 'mongodb-recommendation', [], { probability: DB_REFRESH })]),
  getProfiles,
];

const reserve: CallSpec[] = [
  checkUser,
  grpc('reservation', [
    reservedCounts,
    cacheWrite('memcached', 'memcached-reserve'),
    rpc('mongodb', 'mongodb-reservation'),
  ]),
];

export const HOTEL_RESERVATION: Topology = {
  benchmark: 'hotel-reservation',
  description:
    'DeathStarBench hotelReservation: Go frontend and gRPC services (search, geo, rate, profile, ' +
    'recommendation, user, reservation) with memcached and MongoDB; paths from services/*/server.go; mix from ' +
    'wrk2 mixed-workload_type_1.lua (search 60 %, recommend 39 %, login 0.5 %, reserve 0.5 %).',
  services: [
    service('frontend', 'gateway', { replicas: 2, cores: 2, cpuMs: 0.12, latencyMs: 1.5, memoryMiB: 42 }),
    service('search', 'service', { replicas: 2, cores: 1, cpuMs: 0.06, latencyMs: 0.6, memoryMiB: 28 }),
    service('geo', 'service', { cores: 1.5, cpuMs: 0.05, latencyMs: 0.8, memoryMiB: 38 }),
    service('rate', 'service', { replicas: 2, cores: 1, cpuMs: 0.05, latencyMs: 0.6, memoryMiB: 30 }),
    service('profile', 'service', { replicas: 2, cores: 1.5, cpuMs: 0.085, latencyMs: 0.7, memoryMiB: 36 }),
    service('recommendation', 'service', { cores: 1, cpuMs: 0.05, latencyMs: 0.7, memoryMiB: 34 }),
    service('user', 'service', { cores: 0.5, cpuMs: 0.08, latencyMs: 0.6, memoryMiB: 30 }),
    service('reservation', 'service', { replicas: 2, cores: 1, cpuMs: 0.06, latencyMs: 0.7, memoryMiB: 30 }),
    memcached('memcached-rate', { memoryMiB: 180 }),
    memcached('memcached-profile', { cores: 2, cpuMs: 0.025, memoryMiB: 260 }),
    memcached('memcached-reserve', { cores: 2, memoryMiB: 220 }),
    mongodb('mongodb-geo', { cpuMs: 0.4, memoryMiB: 260 }),
    mongodb('mongodb-profile', { memoryMiB: 380 }),
    mongodb('mongodb-rate', { memoryMiB: 300 }),
    mongodb('mongodb-recommendation', { cpuMs: 0.4, memoryMiB: 270 }),
    mongodb('mongodb-reservation', { memoryMiB: 420 }),
    mongodb('mongodb-user', { memoryMiB: 240 }),
  ],
  endpoints: [
    endpoint('search', 60, 'frontend', search),
    endpoint('recommend', 39, 'frontend', recommend),
    endpoint('user', 0.5, 'frontend', [checkUser]),
    endpoint('reserve', 0.5, 'frontend', reserve),
  ],
};
