// DeathStarBench mediaMicroservices (C++ Thrift services behind an OpenResty nginx-web-server).
//
// compose-review follows wrk2 scripts/media-microservices/compose-review.lua → nginx-web-server/lua-scripts/
// wrk2-api/review/compose.lua, which calls four services at once: UniqueIdHandler.h, UserHandler.h
// (UploadUserWithUsername: user-memcached, user-mongodb on a miss), MovieIdHandler.h (UploadMovieId:
// movie-id-memcached, movie-id-mongodb on a miss, then RatingHandler.h's UploadRating → rating-redis) and
// TextHandler.h. Each of the five review components (unique id, user, movie id, rating, text) is uploaded to
// ComposeReviewHandler.h, which keeps it and a counter in compose-review-memcached; the upload that completes
// the review (the rating, on the longest path) reads the components back and stores the review through
// ReviewStorageHandler.h, UserReviewHandler.h and MovieReviewHandler.h (MongoDB update, then the redis list).
//
// read-page follows src/PageService/PageHandler.h (ReadPage): movie info, cast info and plot (each memcached,
// MongoDB on a miss) and the movie's reviews (movie-review-redis, then ReviewStorageHandler.h's ReadReviews).
// DeathStarBench ships a wrk2 script for compose-review only, so the 80 / 20 split is assumed: compose-review
// dominates, as in the benchmark's own load, and page reads keep the movie-info tier busy.
import type { CallSpec, Topology } from '../topology-types.js';
import { cacheWrite, endpoint, lookup, readThrough, rpc, thrift } from './call-builders.js';
import { memcached, mongodb, redis, service } from './service-builders.js';

/** A component upload: compose-review stores the field and bumps the review's counter (two memcached writes). */
const uploadComponent = (andThen: readonly CallSpec[] = []): CallSpec =>
  thrift('compose-review-service', [
    cacheWrite('memcached', 'compose-review-memcached', { count: 2 }),
    ...andThen,
  ]);

/** Stores the completed review: the components read back, then the review and both per-user/per-movie lists. */
const storeReview: CallSpec[] = [
  lookup('memcached', 'compose-review-memcached', 1),
  thrift('review-storage-service', [rpc('mongodb', 'review-storage-mongodb')]),
  thrift('user-review-service', [
    rpc('mongodb', 'user-review-mongodb'),
    cacheWrite('redis', 'user-review-redis'),
  ]),
  thrift('movie-review-service', [
    rpc('mongodb', 'movie-review-mongodb'),
    cacheWrite('redis', 'movie-review-redis'),
  ]),
];

const composeReview: CallSpec[] = [
  thrift('unique-id-service', [uploadComponent()]),
  thrift('user-service', [
    readThrough('user-memcached', 'memcached', 0.9, 'user-mongodb', 'mongodb'),
    uploadComponent(),
  ]),
  thrift('movie-id-service', [
    readThrough('movie-id-memcached', 'memcached', 0.92, 'movie-id-mongodb', 'mongodb'),
    uploadComponent(),
    thrift('rating-service', [cacheWrite('redis', 'rating-redis'), uploadComponent(storeReview)]),
  ]),
  thrift('text-service', [uploadComponent()]),
];

/** A service answering one read from its memcached, MongoDB on a miss. */
const readInfo = (name: string, hitRate: number): CallSpec =>
  thrift(`${name}-service`, [
    readThrough(`${name}-memcached`, 'memcached', hitRate, `${name}-mongodb`, 'mongodb'),
  ]);

const readPage: CallSpec[] = [
  thrift('page-service', [
    readInfo('movie-info', 0.9),
    readInfo('cast-info', 0.88),
    readInfo('plot', 0.9),
    thrift('movie-review-service', [
      readThrough('movie-review-redis', 'redis', 0.85, 'movie-review-mongodb', 'mongodb'),
      thrift('review-storage-service', [
        readThrough('review-storage-memcached', 'memcached', 0.85, 'review-storage-mongodb', 'mongodb'),
      ]),
    ]),
  ]),
];

export const MEDIA_MICROSERVICES: Topology = {
  benchmark: 'media-microservices',
  description:
    'DeathStarBench mediaMicroservices: nginx-web-server front end, C++ Thrift services, memcached/redis ' +
    'caches and MongoDB stores; paths from review/compose.lua, ComposeReviewHandler.h and PageHandler.h; mix ' +
    'compose-review 80 % (wrk2 compose-review.lua) and read-page 20 % (assumed; no wrk2 script ships for it).',
  services: [
    service('nginx-web-server', 'gateway', {
      replicas: 2,
      cores: 1.5,
      cpuMs: 0.38,
      latencyMs: 3,
      memoryMiB: 50,
    }),
    service('compose-review-service', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.065,
      latencyMs: 0.8,
      memoryMiB: 34,
    }),
    service('unique-id-service', 'service', { cores: 0.5, cpuMs: 0.05, latencyMs: 0.4, memoryMiB: 18 }),
    service('user-service', 'service', { cores: 1, cpuMs: 0.08, latencyMs: 0.6, memoryMiB: 28 }),
    service('movie-id-service', 'service', { cores: 1, cpuMs: 0.08, latencyMs: 0.6, memoryMiB: 30 }),
    service('text-service', 'service', { cores: 1, cpuMs: 0.06, latencyMs: 0.4, memoryMiB: 20 }),
    service('rating-service', 'service', { cores: 1, cpuMs: 0.06, latencyMs: 0.5, memoryMiB: 22 }),
    service('review-storage-service', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.12,
      latencyMs: 0.8,
      memoryMiB: 36,
    }),
    service('user-review-service', 'service', { cores: 1, cpuMs: 0.08, latencyMs: 0.8, memoryMiB: 30 }),
    service('movie-review-service', 'service', { cores: 1.5, cpuMs: 0.1, latencyMs: 0.8, memoryMiB: 36 }),
    service('page-service', 'service', { cores: 0.5, cpuMs: 0.12, latencyMs: 1, memoryMiB: 34 }),
    service('movie-info-service', 'service', { cores: 0.5, cpuMs: 0.08, latencyMs: 0.7, memoryMiB: 30 }),
    service('cast-info-service', 'service', { cores: 0.5, cpuMs: 0.08, latencyMs: 0.7, memoryMiB: 28 }),
    service('plot-service', 'service', { cores: 0.5, cpuMs: 0.06, latencyMs: 0.6, memoryMiB: 26 }),
    memcached('compose-review-memcached', { cores: 2, cpuMs: 0.015, memoryMiB: 200 }),
    memcached('user-memcached', { memoryMiB: 160 }),
    memcached('movie-id-memcached', { memoryMiB: 150 }),
    memcached('review-storage-memcached', { memoryMiB: 320 }),
    memcached('movie-info-memcached', { memoryMiB: 240 }),
    memcached('cast-info-memcached', { memoryMiB: 220 }),
    memcached('plot-memcached', { memoryMiB: 180 }),
    redis('rating-redis', { memoryMiB: 90 }),
    redis('user-review-redis', { memoryMiB: 170 }),
    redis('movie-review-redis', { memoryMiB: 190 }),
    mongodb('user-mongodb', { memoryMiB: 330 }),
    mongodb('movie-id-mongodb', { memoryMiB: 300 }),
    mongodb('review-storage-mongodb', { cores: 3, cpuMs: 0.2, memoryMiB: 760 }),
    mongodb('user-review-mongodb', { cores: 3, cpuMs: 0.2, memoryMiB: 520 }),
    mongodb('movie-review-mongodb', { cores: 3, cpuMs: 0.2, memoryMiB: 540 }),
    mongodb('movie-info-mongodb', { memoryMiB: 620 }),
    mongodb('cast-info-mongodb', { memoryMiB: 450 }),
    mongodb('plot-mongodb', { memoryMiB: 400 }),
  ],
  endpoints: [
    endpoint('compose-review', 80, 'nginx-web-server', composeReview),
    endpoint('read-page', 20, 'nginx-web-server', readPage),
  ],
};
