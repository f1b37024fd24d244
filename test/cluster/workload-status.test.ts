// Readiness of workloads from their status, as kubectl rollout status reads it: table-driven over the real
// controllers' status shapes (zero counts omitted, as the API server omits them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { workloadState, type WorkloadPhase } from '../../src/cluster/workload-status.js';

const available = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' };
const unavailable = {
  type: 'Available',
  status: 'False',
  reason: 'MinimumReplicasUnavailable',
  message: 'Deployment does not have minimum availability.',
};

function object(kind: string, spec: object, status: object, generation = 1): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'x', generation },
    spec,
    status,
  } as KubernetesObject;
}

const CASES: [string, KubernetesObject, WorkloadPhase, string | RegExp][] = [
  [
    'Deployment available',
    object(
      'Deployment',
      { replicas: 2 },
      {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        conditions: [available],
      },
    ),
    'ready',
    '2/2 replicas available',
  ],
  [
    'Deployment new generation not observed yet',
    object(
      'Deployment',
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      2,
    ),
    'progressing',
    'waiting for the controller to observe generation 2',
  ],
  [
    'Deployment still updating',
    object(
      'Deployment',
      { replicas: 3 },
      { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
    ),
    'progressing',
    '1/3 replicas updated',
  ],
  [
    'Deployment old replicas terminating',
    object(
      'Deployment',
      { replicas: 2 },
      { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
    ),
    'progressing',
    '1 old replicas pending termination',
  ],
  [
    'Deployment with no ready pod (counts omitted)',
    object(
      'Deployment',
      {},
      {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        unavailableReplicas: 1,
        conditions: [unavailable],
      },
    ),
    'progressing',
    '0/1 replicas available',
  ],
  [
    'Deployment past its progress deadline',
    object(
      'Deployment',
      { replicas: 1 },
      {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "x-1" has timed out progressing.',
          },
        ],
      },
    ),
    'failed',
    /exceeded its progress deadline: ReplicaSet "x-1" has timed out progressing\./,
  ],
  [
    'StatefulSet ready',
    object(
      'StatefulSet',
      { replicas: 1 },
      {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'a',
      },
    ),
    'ready',
    '1/1 replicas ready',
  ],
  [
    'StatefulSet rolling to a new revision',
    object(
      'StatefulSet',
      { replicas: 1 },
      {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'b',
      },
    ),
    'progressing',
    'rolling to revision b',
  ],
  [
    'StatefulSet OnDelete only needs ready pods',
    object(
      'StatefulSet',
      { replicas: 2, updateStrategy: { type: 'OnDelete' } },
      { observedGeneration: 1, readyReplicas: 2 },
    ),
    'ready',
    '2/2 replicas ready',
  ],
  [
    'DaemonSet partly available',
    object(
      'DaemonSet',
      {},
      { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 1 },
    ),
    'progressing',
    '1/3 pods available',
  ],
  [
    'Job complete',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    } as KubernetesObject,
    'ready',
    'complete (1 succeeded)',
  ],
  [
    'Job failed',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      status: {
        failed: 1,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'DeadlineExceeded',
            message: 'Job was active longer than specified deadline',
          },
        ],
      },
    } as KubernetesObject,
    'failed',
    'failed: DeadlineExceeded: Job was active longer than specified deadline',
  ],
  [
    'Job running',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', generation: 1 },
      status: { active: 1 },
    } as KubernetesObject,
    'progressing',
    '1 active, 0 succeeded, 0 failed',
  ],
  [
    'a ConfigMap is ready once applied',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    'ready',
    'applied',
  ],
];

for (const [name, workload, phase, detail] of CASES) {
  test(`workload state: ${name}`, () => {
    const state = workloadState(workload);
    assert.equal(state.phase, phase);
    if (typeof detail === 'string') assert.equal(state.detail, detail);
    else assert.match(state.detail, detail);
  });
}

test('the conditions worth showing are the unwell ones', () => {
  const state = workloadState(
    object(
      'Deployment',
      {},
      {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        conditions: [unavailable, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
      },
    ),
  );
  assert.deepEqual(state.conditions, [
    'Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
  ]);
});
