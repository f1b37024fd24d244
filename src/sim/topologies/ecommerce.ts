// The e-commerce application of the GNN-MSOrchest paper's discrete-event evaluation. The paper names four
// microservices — payment processing, user authentication, inventory management and order fulfilment — and
// gives neither call paths nor a request mix, so both are assumed here, kept to what the four services imply:
// - an api-gateway (the entry point every request needs) that authenticates each request and then calls the
//   services the request type needs, in order;
// - one database, orders-db, where order fulfilment records orders; inventory and sessions are held by their
//   services. Nothing else is added.
// Request types: browse (authenticate, list stock), checkout (authenticate, reserve stock, charge, create the
// order), login (authenticate), track-order (authenticate, read the order); mix 50 / 20 / 15 / 15 %, a browse-
// heavy shop mix.
import type { CallSpec, Topology } from '../topology-types.js';
import { endpoint, http, rpc } from './call-builders.js';
import { mongodb, service } from './service-builders.js';

const authenticate: CallSpec = http('user-authentication');

export const ECOMMERCE: Topology = {
  benchmark: 'ecommerce',
  description:
    'GNN-MSOrchest e-commerce application: api-gateway, payment-processing, user-authentication, ' +
    'inventory-management and order-fulfilment, with orders-db; paths and mix (browse 50 %, checkout 20 %, ' +
    'login 15 %, track-order 15 %) assumed, as the paper gives neither.',
  services: [
    service('api-gateway', 'gateway', { replicas: 2, cores: 2, cpuMs: 0.19, latencyMs: 1, memoryMiB: 60 }),
    service('user-authentication', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.07,
      latencyMs: 2,
      memoryMiB: 45,
    }),
    service('inventory-management', 'service', {
      replicas: 3,
      cores: 1,
      cpuMs: 0.15,
      latencyMs: 3,
      memoryMiB: 50,
    }),
    service('payment-processing', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.3,
      latencyMs: 8,
      memoryMiB: 55,
    }),
    service('order-fulfilment', 'service', {
      replicas: 2,
      cores: 1,
      cpuMs: 0.24,
      latencyMs: 4,
      memoryMiB: 60,
    }),
    mongodb('orders-db', { cores: 4, cpuMs: 0.25, latencyMs: 3, memoryMiB: 768 }),
  ],
  endpoints: [
    endpoint('browse', 50, 'api-gateway', [authenticate, http('inventory-management')]),
    endpoint('checkout', 20, 'api-gateway', [
      authenticate,
      http('inventory-management'),
      http('payment-processing'),
      http('order-fulfilment', [rpc('mongodb', 'orders-db')]),
    ]),
    endpoint('login', 15, 'api-gateway', [authenticate]),
    endpoint('track-order', 15, 'api-gateway', [
      authenticate,
      http('order-fulfilment', [rpc('mongodb', 'orders-db')]),
    ]),
  ],
};
