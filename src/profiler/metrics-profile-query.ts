// Substitution of $NS, $RATE and $STEP into a profile's PromQL. The namespace is checked to be a Kubernetes
// namespace name first: it is pasted inside a PromQL string literal, where a quote would change the query.
import { UsageError } from '../core/errors.js';
import type { MetricsProfile } from './metrics-profile.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkNamespace(namespace: string): void {
  if (namespace.length > 63 || !NAMESPACE.test(namespace)) {
    throw new UsageError(`--namespace "${namespace}" is not a Kubernetes namespace name`, {
      suggestion: 'Namespace names are lower-case letters, digits and "-", at most 63 characters.',
    });
  }
}

/** A step as a PromQL duration: whole seconds as "30s", otherwise milliseconds. */
export function promDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

export function renderQuery(
  query: string,
  profile: Pick<MetricsProfile, 'rateWindow'>,
  context: { namespace: string; stepSeconds: number },
): string {
  checkNamespace(context.namespace);
  const values: Record<string, string> = {
    NS: context.namespace,
    RATE: profile.rateWindow,
    STEP: promDuration(context.stepSeconds),
  };
  return query.replace(/\$([A-Z_]+)/g, (whole, name: string) => values[name] ?? whole);
}
