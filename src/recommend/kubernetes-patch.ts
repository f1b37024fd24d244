// Recommendations as server-side apply configurations: per service a partial Deployment that sets only
// spec.replicas and the container's CPU (and GPU) requests and limits, so `kubectl apply --server-side
// --field-manager rescape -f -` changes those fields and leaves everything else to its owners. Every patch
// is checked against the Kubernetes API schema (kubernetes-models) before it is output.
import { Deployment } from 'kubernetes-models/apps/v1';
import { stringify } from 'yaml';
import { DataError } from '../core/errors.js';
import { formatCpu } from './cpu-quantity.js';
import type { WorkloadName } from './workload-names.js';

/** The extended resource NVIDIA's device plugin registers; GPUs go in limits (requests default to them). */
export const GPU_RESOURCE = 'nvidia.com/gpu';

export interface DeploymentPatch {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    template: {
      spec: {
        containers: {
          name: string;
          resources: { requests: Record<string, string>; limits: Record<string, string> };
        }[];
      };
    };
  };
}

export interface PatchSizing {
  replicas: number;
  /** Per replica, in cores. */
  requestCores: number;
  limitCores: number;
  gpus: number | null;
}

export function deploymentPatch(name: WorkloadName, namespace: string, sizing: PatchSizing): DeploymentPatch {
  const limits: Record<string, string> = { cpu: formatCpu(sizing.limitCores) };
  if (sizing.gpus !== null) limits[GPU_RESOURCE] = String(sizing.gpus);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: name.deployment, namespace },
    spec: {
      replicas: sizing.replicas,
      template: {
        spec: {
          containers: [
            {
              name: name.container,
              resources: { requests: { cpu: formatCpu(sizing.requestCores) }, limits },
            },
          ],
        },
      },
    },
  };
}

/**
 * Throws a DataError naming the first failing field when the patch is not a valid Deployment. The schema
 * describes whole objects and requires spec.selector, which an apply configuration leaves to the live
 * Deployment (it is immutable in apps/v1, so a recommender must not set it): an empty selector stands in
 * for it during the check only. Everything the patch does set is checked as it is.
 */
export function validateDeploymentPatch(patch: DeploymentPatch): void {
  const candidate = { ...patch, spec: { selector: {}, ...patch.spec } };
  try {
    new Deployment(candidate as unknown as ConstructorParameters<typeof Deployment>[0]).validate();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataError(
      `the patch for Deployment ${patch.metadata.namespace}/${patch.metadata.name} fails the Kubernetes schema: ${detail}`,
      { field: 'patches' },
      {
        suggestion: 'This is a bug in the recommendation: report it with the model and run used.',
        cause: error,
      },
    );
  }
}

export type PatchFormat = 'json' | 'yaml';

/** YAML: one document per Deployment. JSON: a v1 List, the form kubectl reads several objects from. */
export function renderPatches(patches: readonly DeploymentPatch[], format: PatchFormat): string {
  if (format === 'json')
    return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: patches }, null, 2)}\n`;
  return patches.map((patch) => stringify(patch)).join('---\n');
}
