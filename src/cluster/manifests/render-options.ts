// Checks the flags that reach the manifests (namespace, image registry, replica counts) before anything is
// rendered, so a typo is a usage error naming the flag rather than an API server rejection later.
import { UsageError } from '../../core/errors.js';

/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX = 63;

/** A registry host (name or IP, optional port) and an optional path of lowercase repository components. */
const REGISTRY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function checkNamespace(namespace: string): void {
  if (namespace.length <= DNS_LABEL_MAX && DNS_LABEL.test(namespace)) return;
  throw new UsageError(`--namespace "${namespace}" is not a valid Kubernetes namespace name`, {
    suggestion:
      `Use at most ${DNS_LABEL_MAX} lowercase letters, digits and '-', starting and ending with a letter or ` +
      `digit, e.g. --namespace ${namespaceLike(namespace)}.`,
  });
}

/** The nearest valid name, for the suggestion. */
function namespaceLike(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, DNS_LABEL_MAX)
    .replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'rescape' : cleaned;
}

/** The registry prefix without a trailing slash. */
export function checkRegistry(registry: string): string {
  const trimmed = registry.replace(/\/+$/, '');
  if (REGISTRY.test(trimmed)) return trimmed;
  const scheme = /^[a-z]+:\/\//i.exec(trimmed);
  throw new UsageError(`--registry "${registry}" is not an image registry prefix`, {
    suggestion:
      scheme === null
        ? 'Give a registry host with an optional port and path, e.g. --registry registry.example.com:5000/mirror.'
        : `Leave out the scheme: --registry ${trimmed.slice(scheme[0].length)}.`,
  });
}

/**
 * A replica count must be a whole number of pods, at least one: zero would take a service out of the graph.
 * `flag` is how the user gave it, e.g. "--replicas nginx-thrift=0".
 */
export function checkReplicaCount(count: number, flag: string): void {
  if (Number.isSafeInteger(count) && count >= 1) return;
  throw new UsageError(`${flag}: a replica count must be a whole number of pods, at least 1`, {
    suggestion: 'Give a positive integer; to stop the benchmark, use rescape teardown.',
  });
}
