// What the cluster commands (deploy, build, teardown, endpoints) share: their flags, the benchmark argument,
// the kubeconfig choice and the --dry-run output.
import { Args, Flags } from '@oclif/core';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeconfigChoice } from '../cluster/kubeconfig.js';
import { toYamlStream, withoutSecretValues } from '../cluster/manifest-output.js';
import { DEPLOYABLE_BENCHMARKS } from '../cluster/manifest-set.js';

/** The flags every cluster command has; build, teardown and endpoints use them too. */
export const clusterFlags = {
  namespace: Flags.string({ char: 'n', description: 'Namespace to work in (default: the benchmark name).' }),
  kubeconfig: Flags.string({
    description: 'Kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).',
  }),
  context: Flags.string({ description: 'Kubeconfig context (default: its current-context).' }),
  'dry-run': Flags.boolean({
    default: false,
    description: 'Print the objects (YAML, or JSON with --json) and contact nothing.',
  }),
};

/** --kubeconfig and --context as kubeconfig.ts takes them. */
export function kubeconfigChoice(flags: {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}): KubeconfigChoice {
  return {
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
  };
}

/** --dry-run: the objects as a YAML stream for people, and (returned) with Secret values redacted for --json. */
export function dryRunObjects<T extends KubernetesObject>(log: (text: string) => void, objects: T[]): T[] {
  log(toYamlStream(objects).trimEnd());
  return withoutSecretValues(objects) as T[];
}

/** The --dry-run record of deploy and teardown (printing the YAML stream for people). */
export function benchmarkDryRun(
  log: (text: string) => void,
  benchmark: string,
  namespace: string,
  objects: KubernetesObject[],
): { dryRun: true; benchmark: string; namespace: string; objects: KubernetesObject[] } {
  return { dryRun: true, benchmark, namespace, objects: dryRunObjects(log, objects) };
}

/** The benchmark argument of deploy, teardown and endpoints. */
export const benchmarkArg = Args.string({
  required: true,
  options: [...DEPLOYABLE_BENCHMARKS],
  description: 'Benchmark to work on.',
});
