// Everything `rescape deploy <benchmark>` applies and `rescape teardown <benchmark>` deletes: rescape's RBAC
// objects and the benchmark's manifests, rendered for a namespace (manifest-set.ts, which checks the options),
// with a Namespace object in front (it is ensured first, and only deleted on request). Rendering is pure, so
// teardown finds the same objects deploy created.
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderBenchmark, renderRbac, type DeployableBenchmark, type RenderOptions } from './manifest-set.js';
import { namespaceObject } from './server-side-apply.js';

export interface BenchmarkObjects {
  namespace: KubernetesObject;
  /** RBAC first, then the benchmark, each in its apply order. */
  objects: KubernetesObject[];
}

export function benchmarkObjects(benchmark: DeployableBenchmark, options: RenderOptions): BenchmarkObjects {
  return {
    namespace: namespaceObject(options.namespace),
    objects: [...renderRbac({ namespace: options.namespace }), ...renderBenchmark(benchmark, options)],
  };
}
