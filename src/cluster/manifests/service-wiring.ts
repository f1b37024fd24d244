// The service graph of a benchmark's manifests: the calls each workload declares (rescape.io/calls) and how the
// configuration its pods get makes each callee reachable. Tests compare it with the simulated topology; a
// declared call nothing wires, or a configured address that names no Service port, is a manifest bug.
import type { KubernetesObject, V1ConfigMap, V1Container, V1Service } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import {
  annotationOf,
  CALLS_ANNOTATION,
  COMPONENT_LABEL,
  INFRASTRUCTURE,
  isWorkload,
  labelOf,
  nameOf,
  podTemplateOf,
  type Workload,
} from './manifest-objects.js';

/**
 * How a caller's pods reach a callee:
 * - config: an addr/port entry or a host:port string in a config file the caller mounts (or an env value) names
 *   the callee's Service and one of its ports (DeathStarBench's service-config.json, hotelReservation's config.json);
 * - front-end-dns: an OpenResty front end whose lua scripts (DeathStarBench's own) address services as
 *   <name>$fqdn_suffix; the manifests give it fqdn_suffix and the callee a Service;
 * - consul: both sides mount a config with the consul agent's address: the callee registers, the caller resolves
 *   (hotelReservation's gRPC services);
 * - subscription: the callee's config names the caller's Service: a broker delivering to its consumer.
 */
export type Wiring = 'config' | 'front-end-dns' | 'consul' | 'subscription';

export interface Address {
  host: string;
  port: number;
}

interface WorkloadWiring {
  addresses: Address[];
  frontEndDns: boolean;
}

export interface ServiceGraph {
  /** The benchmark's own services (workloads not labelled infrastructure), sorted. */
  services: string[];
  /** caller>callee for every call declared in rescape.io/calls. */
  declaredEdges: Set<string>;
  /** How `caller` reaches `callee`, or undefined when nothing in the manifests wires it. */
  wiring(caller: string, callee: string): Wiring | undefined;
  /** Configured addresses that name no workload, or a port its Service does not expose ("workload: host:port"). */
  danglingAddresses: string[];
}

const HOST_PORT = /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?):(\d{1,5})$/;
const CONFIG_FILE = /\.(json|ya?ml)$/;
const CONSUL = 'consul';

export function manifestServiceGraph(objects: readonly KubernetesObject[]): ServiceGraph {
  const workloads = objects.filter(isWorkload);
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [nameOf(o), (o as V1ConfigMap).data ?? {}]),
  );
  const servicePorts = new Map(
    objects
      .filter((o) => o.kind === 'Service')
      .map((o) => [nameOf(o), new Set(((o as V1Service).spec?.ports ?? []).map((port) => port.port))]),
  );
  const wirings = new Map(workloads.map((w) => [nameOf(w), wiringOf(w, configMaps)]));
  const exposes = (host: string, port: number): boolean => servicePorts.get(host)?.has(port) === true;
  const addresses = (workload: string): Address[] => wirings.get(workload)?.addresses ?? [];
  const usesConsul = (workload: string): boolean =>
    addresses(workload).some((address) => address.host === CONSUL && exposes(CONSUL, address.port));

  const wiring = (caller: string, callee: string): Wiring | undefined => {
    if (addresses(caller).some((a) => a.host === callee && exposes(callee, a.port))) return 'config';
    if (wirings.get(caller)?.frontEndDns === true && servicePorts.has(callee)) return 'front-end-dns';
    if (usesConsul(caller) && usesConsul(callee) && servicePorts.has(callee)) return 'consul';
    if (addresses(callee).some((a) => a.host === caller && exposes(caller, a.port))) return 'subscription';
    return undefined;
  };

  const danglingAddresses = [...wirings].flatMap(([workload, { addresses: found }]) =>
    found
      .filter(({ host, port }) => !wirings.has(host) || (servicePorts.has(host) && !exposes(host, port)))
      .map(({ host, port }) => `${workload}: ${host}:${port}`),
  );

  return {
    services: workloads
      .filter((w) => labelOf(w, COMPONENT_LABEL) !== INFRASTRUCTURE)
      .map(nameOf)
      .sort(),
    declaredEdges: new Set(
      workloads.flatMap((w) => declaredCalls(w).map((callee) => `${nameOf(w)}>${callee}`)),
    ),
    wiring,
    danglingAddresses: [...new Set(danglingAddresses)].sort(),
  };
}

/** The callees listed in the workload's rescape.io/calls annotation. */
export function declaredCalls(workload: KubernetesObject): string[] {
  const calls = annotationOf(workload, CALLS_ANNOTATION) ?? '';
  return calls
    .split(',')
    .map((callee) => callee.trim())
    .filter((callee) => callee !== '');
}

function wiringOf(workload: Workload, configMaps: Map<string, Record<string, string>>): WorkloadWiring {
  const spec = podTemplateOf(workload).spec;
  const containers: V1Container[] = spec?.containers ?? [];
  const volumes = new Map((spec?.volumes ?? []).map((volume) => [volume.name, volume.configMap?.name]));
  const addresses: Address[] = [];
  for (const container of containers) {
    for (const mount of container.volumeMounts ?? []) {
      const data = configMaps.get(volumes.get(mount.name) ?? '') ?? {};
      const files =
        mount.subPath === undefined ? Object.entries(data) : [[mount.subPath, data[mount.subPath]]];
      for (const [file, text] of files) {
        if (file !== undefined && text !== undefined && CONFIG_FILE.test(file)) {
          collectAddresses(parseYaml(text), addresses);
        }
      }
    }
    for (const variable of container.env ?? []) collectAddresses(variable.value, addresses);
  }
  const frontEndDns = containers.some((c) =>
    (c.env ?? []).some((variable) => variable.name === 'fqdn_suffix'),
  );
  return { addresses, frontEndDns };
}

/** Every {addr, port} object and "host:port" string in a parsed config file (YAML parses JSON too). */
function collectAddresses(value: unknown, into: Address[]): void {
  if (typeof value === 'string') {
    const match = HOST_PORT.exec(value);
    if (match !== null) into.push({ host: match[1]!, port: Number(match[2]) });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entry = value as { addr?: unknown; port?: unknown };
  if (typeof entry.addr === 'string' && typeof entry.port === 'number') {
    into.push({ host: entry.addr, port: entry.port });
  }
  for (const child of Object.values(value)) collectAddresses(child, into);
}
