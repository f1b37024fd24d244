// DeathStarBench socialNetwork (C++ Thrift services behind an OpenResty/nginx-thrift front end).
//
// Call paths follow the repository's sources:
// - compose-post: wrk2 scripts/social-network/compose-post.lua → nginx-web-server/lua-scripts/wrk2-api/post/
//   compose.lua → src/ComposePostService/ComposePostHandler.h, which fans out to UniqueIdHandler.h,
//   TextHandler.h (→ UrlShortenHandler.h, UserMentionHandler.h), MediaHandler.h, UserHandler.h, then stores
//   through PostStorageHandler.h and UserTimelineHandler.h and publishes the post for the home timelines.
// - The home-timeline write follows the releases that deliver it through write-home-timeline-rabbitmq to
//   src/WriteHomeTimelineService/WriteHomeTimelineService.cpp (→ SocialGraphHandler.h, home-timeline-redis);
//   recent releases make the same calls from HomeTimelineHandler.h's WriteHomeTimeline.
// - read-home-timeline: lua-scripts/wrk2-api/home-timeline/read.lua → HomeTimelineHandler.h → PostStorageHandler.h.
// - read-user-timeline: lua-scripts/wrk2-api/user-timeline/read.lua → UserTimelineHandler.h → PostStorageHandler.h.
// - The mix is wrk2 scripts/social-network/mixed-workload.lua: 60 % home timeline, 30 % user timeline, 10 % compose.
//   compose-post.lua draws 0–5 user mentions, 0–5 URLs and 0–4 media per post, hence the 5/6 probabilities.
//
// Three small endpoints (1 % of requests together) are not in the mixed workload; they keep the deployed media
// tier and the URL cache in the simulation with the light load they carry in a real deployment:
// get-media / upload-media go to media-frontend (nginx + lua, storing media in media-mongodb; reads go through
// media-memcached), expand-url is UrlShortenService's GetExtendedUrls (url-shorten-memcached, then mongodb).
import type { CallSpec, Topology } from '../topology-types.js';
import { cacheWrite, endpoint, lookup, readThrough, rpc, thrift } from './call-builders.js';
import { memcached, mongodb, redis, service } from './service-builders.js';

const MENTIONS_OR_URLS = 5 / 6;

// ReadPosts: one memcached multi-get for the timeline's posts; missing posts come from mongodb and are cached.
const readPosts: CallSpec = thrift('post-storage-service', [
  readThrough('post-storage-memcached', 'memcached', 0.85, 'post-storage-mongodb', 'mongodb'),
]);

// GetFollowers: the follower set from redis; on a miss from mongodb, then written back to redis.
const getFollowers: CallSpec = thrift('social-graph-service', [
  readThrough('social-graph-redis', 'redis', 0.9, 'social-graph-mongodb', 'mongodb'),
]);

const composePost: CallSpec[] = [
  thrift('compose-post-service', [
    thrift('unique-id-service'),
    thrift('text-service', [
      thrift('url-shorten-service', [
        rpc('mongodb', 'url-shorten-mongodb', [], { probability: MENTIONS_OR_URLS }),
      ]),
      thrift('user-mention-service', [
        lookup('memcached', 'user-memcached', 0.9, [rpc('mongodb', 'user-mongodb')], {
          probability: MENTIONS_OR_URLS,
        }),
      ]),
    ]),
    thrift('media-service'),
    thrift('user-service'),
    thrift('post-storage-service', [rpc('mongodb', 'post-storage-mongodb')]),
    thrift('user-timeline-service', [
      rpc('mongodb', 'user-timeline-mongodb'),
      cacheWrite('redis', 'user-timeline-redis'),
    ]),
    rpc('amqp', 'write-home-timeline-rabbitmq', [
      rpc('amqp', 'write-home-timeline-service', [getFollowers, cacheWrite('redis', 'home-timeline-redis')]),
    ]),
  ]),
];

// Home timelines live only in redis (no database behind them), so a read always answers from it.
const readHomeTimeline: CallSpec[] = [
  thrift('home-timeline-service', [lookup('redis', 'home-timeline-redis', 1), readPosts]),
];

const readUserTimeline: CallSpec[] = [
  thrift('user-timeline-service', [
    readThrough('user-timeline-redis', 'redis', 0.8, 'user-timeline-mongodb', 'mongodb'),
    readPosts,
  ]),
];

export const SOCIAL_NETWORK: Topology = {
  benchmark: 'social-network',
  description:
    'DeathStarBench socialNetwork: nginx-thrift front end, C++ Thrift services, memcached/redis caches and ' +
    'MongoDB stores; paths from ComposePostHandler.h, HomeTimelineHandler.h, UserTimelineHandler.h, ' +
    'PostStorageHandler.h and WriteHomeTimelineService.cpp; mix from wrk2 mixed-workload.lua (10 % compose-post, ' +
    '60 % read-home-timeline, 30 % read-user-timeline) plus 1 % media and URL-expansion requests.',
  services: [
    // Front ends: OpenResty with lua Thrift clients (nginx-thrift) and the media server (media-frontend).
    service('nginx-thrift', 'gateway', { replicas: 2, cores: 2, cpuMs: 0.21, latencyMs: 3, memoryMiB: 55 }),
    service('media-frontend', 'gateway', { cores: 1, cpuMs: 0.4, latencyMs: 2, memoryMiB: 50 }),
    // Logic tier (C++ Thrift servers, tens of MiB each).
    service('compose-post-service', 'service', { cores: 1, cpuMs: 0.6, latencyMs: 2.5, memoryMiB: 40 }),
    service('text-service', 'service', { cores: 0.5, cpuMs: 0.12, latencyMs: 1, memoryMiB: 22 }),
    service('url-shorten-service', 'service', { cores: 0.5, cpuMs: 0.1, latencyMs: 0.7, memoryMiB: 26 }),
    service('user-mention-service', 'service', { cores: 0.5, cpuMs: 0.1, latencyMs: 0.7, memoryMiB: 24 }),
    service('media-service', 'service', { cores: 0.5, cpuMs: 0.06, latencyMs: 0.5, memoryMiB: 20 }),
    service('unique-id-service', 'service', { cores: 0.5, cpuMs: 0.05, latencyMs: 0.4, memoryMiB: 18 }),
    service('user-service', 'service', { cores: 0.5, cpuMs: 0.06, latencyMs: 0.5, memoryMiB: 28 }),
    service('social-graph-service', 'service', { cores: 0.5, cpuMs: 0.12, latencyMs: 0.8, memoryMiB: 30 }),
    service('post-storage-service', 'service', {
      replicas: 3,
      cores: 1,
      cpuMs: 0.16,
      latencyMs: 1.6,
      memoryMiB: 36,
    }),
    service('home-timeline-service', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.1,
      latencyMs: 1.5,
      memoryMiB: 30,
    }),
    service('user-timeline-service', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.12,
      latencyMs: 1.5,
      memoryMiB: 34,
    }),
    service('write-home-timeline-service', 'service', {
      cores: 0.5,
      cpuMs: 0.22,
      latencyMs: 1,
      memoryMiB: 30,
    }),
    // The AMQP broker between compose-post and write-home-timeline. No kind fits a message broker exactly:
    // 'cache' would demand a hit rate, 'database' a store that is queried; it forwards work like a service.
    service('write-home-timeline-rabbitmq', 'service', {
      cores: 1,
      cpuMs: 0.12,
      latencyMs: 0.6,
      idleCores: 0.02,
      memoryMiB: 130,
    }),
    // Caches.
    memcached('post-storage-memcached', { cpuMs: 0.03, latencyMs: 0.5, memoryMiB: 420 }),
    memcached('user-memcached', { memoryMiB: 160 }),
    memcached('url-shorten-memcached', { memoryMiB: 110 }),
    memcached('media-memcached', { memoryMiB: 140 }),
    redis('social-graph-redis', { memoryMiB: 180 }),
    redis('user-timeline-redis', { memoryMiB: 210 }),
    redis('home-timeline-redis', { cpuMs: 0.035, latencyMs: 0.5, memoryMiB: 300 }),
    // Stores.
    mongodb('post-storage-mongodb', { cpuMs: 0.3, latencyMs: 3, memoryMiB: 900 }),
    mongodb('user-mongodb', { memoryMiB: 330 }),
    mongodb('url-shorten-mongodb', { memoryMiB: 280 }),
    mongodb('media-mongodb', { cpuMs: 0.6, latencyMs: 4, memoryMiB: 600 }),
    mongodb('social-graph-mongodb', { memoryMiB: 420 }),
    mongodb('user-timeline-mongodb', { cpuMs: 0.3, latencyMs: 3, memoryMiB: 700 }),
  ],
  endpoints: [
    endpoint('compose-post', 10, 'nginx-thrift', composePost),
    endpoint('read-home-timeline', 60, 'nginx-thrift', readHomeTimeline),
    endpoint('read-user-timeline', 30, 'nginx-thrift', readUserTimeline),
    endpoint('get-media', 0.5, 'media-frontend', [
      readThrough('media-memcached', 'memcached', 0.8, 'media-mongodb', 'mongodb'),
    ]),
    endpoint('upload-media', 0.2, 'media-frontend', [rpc('mongodb', 'media-mongodb')]),
    endpoint('expand-url', 0.3, 'nginx-thrift', [
      thrift('url-shorten-service', [
        readThrough('url-shorten-memcached', 'memcached', 0.9, 'url-shorten-mongodb', 'mongodb'),
      ]),
    ]),
  ],
};
