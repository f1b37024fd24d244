// Waits until applied workloads are available (Deployments, StatefulSets, DaemonSets) or finished (Jobs), with
// one watch per kind and namespace (watch-collection.ts) and one overall deadline. A workload that fails (a
// Job's Failed condition, a Deployment past its progress deadline) stops the wait at once with a ClusterError
// that says why, with the failed pod's log tail for Jobs. Running out of time is a TimeoutError naming every
// workload not ready, how far it got (replicas ready x/y), its conditions, and what its pods are stuck on.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ClusterError, InterruptedError, TimeoutError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import type { KubeClient } from './kube-client.js';
import { describeRef, type ObjectRef } from './object-ref.js';
import { jobLogTail, podProblems, podSelectorOf } from './pod-diagnostics.js';
import { newWatchStats, watchUntil, type WatchOptions, type WatchStats } from './watch-collection.js';
import { workloadState, type WorkloadPhase, type WorkloadState } from './workload-status.js';

export interface WaitOptions {
  timeoutSeconds: number;
  /** Ctrl-C: the wait stops with an InterruptedError. */
  signal: AbortSignal;
  onProgress?: ProgressListener;
  stats?: WatchStats;
  /** Log lines of a failed Job's pod put in the error (default 20). */
  logTailLines?: number;
  /** Reconnect backoff of the watches (tests shorten it). */
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
  /** Name of the phase in progress events (default "rollout"). */
  phase?: string;
}

export interface WorkloadReport {
  kind: string;
  namespace: string;
  name: string;
  phase: WorkloadPhase | 'missing';
  detail: string;
}

interface Tracked {
  ref: ObjectRef & { namespace: string };
  state: WorkloadState | undefined;
  object: KubernetesObject | undefined;
}

export async function waitForWorkloads(
  client: KubeClient,
  refs: ObjectRef[],
  options: WaitOptions,
): Promise<WorkloadReport[]> {
  const tracked = refs.map<Tracked>((ref) => ({
    ref: { ...ref, namespace: ref.namespace ?? 'default' },
    state: undefined,
    object: undefined,
  }));
  if (tracked.length === 0) return [];
  const stats = options.stats ?? newWatchStats();
  const phaseName = options.phase ?? 'rollout';
  const deadline = AbortSignal.timeout(options.timeoutSeconds * 1000);
  const stopAll = new AbortController();
  const signal = AbortSignal.any([options.signal, deadline, stopAll.signal]);
  const started = Date.now();
  const report = (): void => {
    const ready = tracked.filter((t) => t.state?.phase === 'ready').length;
    const waiting = tracked.find((t) => t.state?.phase !== 'ready');
    options.onProgress?.({
      phase: phaseName,
      done: ready,
      total: tracked.length,
      ...(waiting === undefined
        ? {}
        : {
            message: `waiting for ${describeRef(waiting.ref)} (${waiting.state?.detail ?? 'not seen yet'})`,
          }),
    });
  };
  report();
  const groups = new Map<string, Tracked[]>();
  for (const item of tracked) {
    const key = `${item.ref.apiVersion}|${item.ref.kind}|${item.ref.namespace}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const waits = [...groups.values()].map(async (members) => {
    const { apiVersion, kind, namespace } = members[0]!.ref;
    const outcome = await watchUntil(
      client,
      { apiVersion, kind, namespace },
      (objects) => {
        for (const member of members) {
          member.object = objects.get(member.ref.name);
          member.state = member.object === undefined ? undefined : workloadState(member.object);
        }
        report();
        if (members.some((m) => m.state?.phase === 'failed')) stopAll.abort();
        return members.every((m) => m.state?.phase === 'ready');
      },
      { ...options.watch, signal, stats },
    );
    return outcome.lastError;
  });
  let lastErrors: (Error | undefined)[];
  try {
    lastErrors = await Promise.all(waits);
  } catch (error) {
    stopAll.abort();
    throw error;
  }
  const failed = tracked.filter((t) => t.state?.phase === 'failed');
  if (failed.length > 0) throw await failureError(client, failed, options.logTailLines ?? 20);
  const pending = tracked.filter((t) => t.state?.phase !== 'ready');
  if (pending.length > 0) {
    if (options.signal.aborted) {
      throw new InterruptedError(
        `interrupted while waiting for ${pending.length} of ${tracked.length} workloads; what was applied stays`,
        { suggestion: 'Run the same command again to continue waiting, or rescape teardown to remove it.' },
      );
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    throw await timeoutError(
      client,
      tracked,
      pending,
      seconds,
      lastErrors.find((e) => e !== undefined),
    );
  }
  return tracked.map(toReport);
}

function toReport(item: Tracked): WorkloadReport {
  return {
    kind: item.ref.kind,
    namespace: item.ref.namespace,
    name: item.ref.name,
    phase: item.state?.phase ?? 'missing',
    detail: item.state?.detail ?? 'not found in the cluster',
  };
}

async function failureError(client: KubeClient, failed: Tracked[], tailLines: number): Promise<ClusterError> {
  const lines: string[] = [];
  for (const item of failed) {
    lines.push(`${describeRef(item.ref)} ${item.state?.detail ?? 'failed'}`);
    if (item.ref.kind === 'Job') {
      try {
        const tail = await jobLogTail(client, item.ref.namespace, item.ref.name, tailLines);
        lines.push(
          tail === undefined
            ? '  (no pod left to read a log from)'
            : `  last ${tailLines} log lines of pod ${tail.pod}:\n${indent(tail.log.trimEnd() || '(empty log)')}`,
        );
      } catch (error) {
        lines.push(`  (could not read its log: ${(error as Error).message})`);
      }
    } else {
      lines.push(...(await problemsOf(client, item)).map((line) => `  ${line}`));
    }
  }
  const first = failed[0]!.ref;
  return new ClusterError(lines.join('\n'), {
    suggestion:
      first.kind === 'Job'
        ? `Fix what the log shows and run the command again; kubectl -n ${first.namespace} describe job/${first.name} shows the events.`
        : `kubectl -n ${first.namespace} describe ${first.kind.toLowerCase()}/${first.name} shows the events; fix the cause and apply again.`,
  });
}

async function timeoutError(
  client: KubeClient,
  all: Tracked[],
  pending: Tracked[],
  seconds: number,
  lastError: Error | undefined,
): Promise<TimeoutError> {
  const lines = [`timed out after ${seconds} s waiting for ${pending.length} of ${all.length} workloads:`];
  // Pods are looked at for the first few only: a namespace with 30 stuck services would take 30 more requests.
  for (const [index, item] of pending.entries()) {
    const state = item.state;
    const conditions =
      state === undefined || state.conditions.length === 0 ? '' : `; ${state.conditions.join('; ')}`;
    lines.push(`  ${describeRef(item.ref)}: ${state?.detail ?? 'not found in the cluster'}${conditions}`);
    if (index < 5) lines.push(...(await problemsOf(client, item)).map((line) => `    ${line}`));
  }
  if (lastError !== undefined) lines.push(`  (the watch kept failing: ${lastError.message})`);
  const first = pending[0]!.ref;
  return new TimeoutError(lines.join('\n'), {
    suggestion: `Look at kubectl -n ${first.namespace} describe ${first.kind.toLowerCase()}/${first.name} and kubectl -n ${first.namespace} get events; if the cluster is only slow (image pulls), raise --timeout.`,
  });
}

async function problemsOf(client: KubeClient, item: Tracked): Promise<string[]> {
  const selector = item.object === undefined ? undefined : podSelectorOf(item.object);
  return selector === undefined ? [] : podProblems(client, item.ref.namespace, selector);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
