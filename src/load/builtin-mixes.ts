// The built-in request mixes, one per DeathStarBench application, in manifests/load-mixes/.
import { fileURLToPath } from 'node:url';
import type { BenchmarkName } from '../sim/topology-types.js';
import { readMixFile } from './mix-file.js';
import type { MixDefinition } from './mix-definition.js';

/** src/load/ and dist/load/ both sit two levels below the package root. */
export function builtinMixFile(benchmark: BenchmarkName): string {
  return fileURLToPath(new URL(`../../manifests/load-mixes/${benchmark}.yaml`, import.meta.url));
}

/** The mix file given, or the benchmark's built-in one. */
export function loadMix(benchmark: BenchmarkName, file?: string): MixDefinition {
  return readMixFile(file ?? builtinMixFile(benchmark));
}
