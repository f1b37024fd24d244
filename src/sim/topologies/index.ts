// The five simulated benchmarks, by name. The topologies are frozen: copy one before changing it.
import { UsageError } from '../../core/errors.js';
import { BENCHMARKS, type BenchmarkName, type Topology } from '../topology-types.js';
import { ECOMMERCE } from './ecommerce.js';
import { HOTEL_RESERVATION } from './hotel-reservation.js';
import { HPC_AI500 } from './hpc-ai500.js';
import { MEDIA_MICROSERVICES } from './media-microservices.js';
import { SOCIAL_NETWORK } from './social-network.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export const TOPOLOGIES: Readonly<Record<BenchmarkName, Topology>> = deepFreeze({
  'social-network': SOCIAL_NETWORK,
  'hotel-reservation': HOTEL_RESERVATION,
  'media-microservices': MEDIA_MICROSERVICES,
  'hpc-ai500': HPC_AI500,
  ecommerce: ECOMMERCE,
});

/** The topology of `name`; throws a UsageError for a name that is not a simulated benchmark. */
export function getTopology(name: BenchmarkName): Topology {
  if (!Object.hasOwn(TOPOLOGIES, name)) {
    throw new UsageError(`unknown benchmark "${String(name)}"`, {
      suggestion: `Use one of: ${BENCHMARKS.join(', ')}.`,
    });
  }
  return TOPOLOGIES[name];
}

export { ECOMMERCE, HOTEL_RESERVATION, HPC_AI500, MEDIA_MICROSERVICES, SOCIAL_NETWORK };
