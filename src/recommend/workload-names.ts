// Which Deployment and container carry each service: by default both are named like the service, and
// --map SERVICE=DEPLOYMENT[/CONTAINER] overrides that. Kubernetes names Deployments with DNS-1123
// subdomains and containers and namespaces with DNS-1123 labels; the schema check does not look at names,
// so they are checked here, before anything is read.
import { UsageError } from '../core/errors.js';

export interface WorkloadName {
  deployment: string;
  container: string;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && LABEL.test(name);
}

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((part) => LABEL.test(part));
}

export function checkNamespace(namespace: string): void {
  if (!isDnsLabel(namespace)) {
    throw new UsageError(`--namespace: "${namespace}" is not a Kubernetes namespace name`, {
      suggestion:
        'Use lower-case letters, digits and "-", at most 63 characters, e.g. --namespace social-network.',
    });
  }
}

/** Parses the --map entries (syntax and names only: which services exist is known once the run is read). */
export function parseWorkloadMap(entries: readonly string[]): Map<string, WorkloadName> {
  const map = new Map<string, WorkloadName>();
  for (const entry of entries) {
    const match = /^([^=]+)=([^/]+)(?:\/(.+))?$/.exec(entry.trim());
    const fail = (problem: string): never => {
      throw new UsageError(`--map "${entry}": ${problem}`, {
        suggestion:
          'Write SERVICE=DEPLOYMENT or SERVICE=DEPLOYMENT/CONTAINER, e.g. --map user-service=users/app.',
      });
    };
    if (match === null) return fail('not SERVICE=DEPLOYMENT[/CONTAINER]');
    const [, service = '', deployment = '', container = deployment] = match;
    if (!isDnsSubdomain(deployment)) fail(`"${deployment}" is not a Kubernetes Deployment name`);
    if (!isDnsLabel(container)) fail(`"${container}" is not a Kubernetes container name`);
    if (map.has(service)) fail(`${service} is mapped twice`);
    map.set(service, { deployment, container });
  }
  return map;
}

/** Each service's workload name, or why it has none; a mapped service that the run lacks is a usage error. */
export function resolveWorkloadNames(
  map: ReadonlyMap<string, WorkloadName>,
  services: readonly string[],
): (WorkloadName | { problem: string })[] {
  const unknown = [...map.keys()].filter((service) => !services.includes(service));
  if (unknown.length > 0) {
    throw new UsageError(`--map: the run has no service ${unknown.join(', ')}`, {
      suggestion: `Map services of the run: ${services.slice(0, 8).join(', ')}${services.length > 8 ? ', …' : ''}.`,
    });
  }
  return services.map((service) => {
    const mapped = map.get(service);
    if (mapped !== undefined) return mapped;
    return isDnsLabel(service)
      ? { deployment: service, container: service }
      : {
          problem: `"${service}" is not a valid Deployment/container name; give one with --map ${service}=NAME`,
        };
  });
}
