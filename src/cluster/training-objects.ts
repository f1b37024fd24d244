// Everything `rescape train --on-cluster` sends, checked against the Kubernetes API schema (kubernetes-models)
// before anything is sent: a Job the API server would refuse is a bug in rescape, reported as such with the
// failing field, not a half-applied training run. Order: the trainer's RBAC, the work claim, the Job, then the run
// bundle's ConfigMaps (owned by the Job, so they need its uid; the pod waits for them as it waits for any volume).
import type { KubernetesObject, V1ConfigMap, V1Job, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DataError } from '../core/errors.js';
import { describeRef, refOf } from './object-ref.js';
import type { Bundle } from './training-bundle.js';
import { bundleConfigMaps } from './training-configmaps.js';
import { trainerRbac, trainingJob, workClaim, type TrainingJobSettings } from './training-job.js';

export interface TrainingObjects {
  rbac: KubernetesObject[];
  claim: V1PersistentVolumeClaim | undefined;
  job: V1Job;
  /** The run bundle's ConfigMaps, to be owned by the Job once its uid is known. */
  runConfigMaps: (owner?: { name: string; uid: string }) => V1ConfigMap[];
}

type Validator = new (data: never) => { validate: () => void };

const SCHEMAS: Record<string, Validator> = {
  'batch/v1 Job': Job as unknown as Validator,
  'v1 ConfigMap': ConfigMap as unknown as Validator,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim as unknown as Validator,
  'v1 ServiceAccount': ServiceAccount as unknown as Validator,
  'rbac.authorization.k8s.io/v1 Role': Role as unknown as Validator,
  'rbac.authorization.k8s.io/v1 RoleBinding': RoleBinding as unknown as Validator,
};

export function trainingObjects(settings: TrainingJobSettings, bundle: Bundle): TrainingObjects {
  const rbac = trainerRbac(settings.namespace);
  const claim = workClaim(settings);
  const job = trainingJob(settings);
  const runConfigMaps = (owner?: { name: string; uid: string }): V1ConfigMap[] => {
    const configMaps = bundleConfigMaps(bundle, {
      namespace: settings.namespace,
      job: settings.job,
      role: 'run',
      ...(owner === undefined ? {} : { owner }),
    });
    validateObjects(configMaps);
    return configMaps;
  };
  validateObjects([...rbac, ...(claim === undefined ? [] : [claim]), job]);
  return { rbac, claim, job, runConfigMaps };
}

/** Every object as one list, in apply order (for --dry-run). */
export function allTrainingObjects(objects: TrainingObjects): KubernetesObject[] {
  return [
    ...objects.rbac,
    ...(objects.claim === undefined ? [] : [objects.claim]),
    objects.job,
    ...objects.runConfigMaps(),
  ];
}

/** Throws a DataError naming the object and the failing field when one fails the Kubernetes schema. */
export function validateObjects(objects: readonly KubernetesObject[]): void {
  for (const object of objects) {
    const ref = refOf(object);
    const Model = SCHEMAS[`${ref.apiVersion} ${ref.kind}`];
    if (Model === undefined)
      throw new DataError(`no schema to check ${describeRef(ref)} against`, { field: ref.kind });
    try {
      // client-node's types and kubernetes-models' differ in detail (Date vs string): the JSON is what is checked.
      new Model(JSON.parse(JSON.stringify(object)) as never).validate();
    } catch (error) {
      throw new DataError(
        `${describeRef(ref)} fails the Kubernetes schema: ${error instanceof Error ? error.message : String(error)}`,
        { field: ref.kind },
        { suggestion: 'This is a bug in rescape: report it with the command you ran.', cause: error },
      );
    }
  }
}
