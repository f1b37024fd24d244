// How --dry-run shows objects: a multi-document YAML stream that kubectl apply -f - accepts, or the objects
// themselves for --json. Secret values never appear: a Secret's data and stringData keep their keys, but every
// value is replaced, so the output can go to a terminal, a CI log or a file.
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export const REDACTED_VALUE = '[redacted]';

export function withoutSecretValues(objects: readonly KubernetesObject[]): KubernetesObject[] {
  return objects.map((object) => {
    if (object.kind !== 'Secret') return object;
    const secret = object as KubernetesObject & {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    };
    const mask = (values: Record<string, string> | undefined): Record<string, string> | undefined =>
      values === undefined
        ? undefined
        : Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED_VALUE]));
    const data = mask(secret.data);
    const stringData = mask(secret.stringData);
    return {
      ...secret,
      ...(data === undefined ? {} : { data }),
      ...(stringData === undefined ? {} : { stringData }),
    };
  });
}

/** One YAML document per object, separated by ---, Secret values redacted. */
export function toYamlStream(objects: readonly KubernetesObject[]): string {
  return withoutSecretValues(objects)
    .map((object) => stringify(object, { lineWidth: 0 }))
    .join('---\n');
}
