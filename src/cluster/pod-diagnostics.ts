// Why pods are not running, in a line each, for errors that would otherwise only say "not ready": container
// waiting reasons (ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError), failed terminations with
// exit codes, unschedulable pods (Insufficient nvidia.com/gpu); and the log tail of a failed Job's pod.
// Best effort: a failure to look is reported as such, never in place of the error being explained.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from './kube-client.js';

/** The label the Job controller puts on its pods (both the old and the batch.kubernetes.io/ form exist). */
export const JOB_NAME_LABEL = 'job-name';

/** A label selector for the pods of a workload: its spec.selector.matchLabels, or the Job's name label. */
export function podSelectorOf(workload: KubernetesObject): string | undefined {
  if (workload.kind === 'Job') return `${JOB_NAME_LABEL}=${workload.metadata?.name ?? ''}`;
  const labels = (workload as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec
    ?.selector?.matchLabels;
  if (labels === undefined || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Up to `limit` lines saying what is wrong with the pods that `selector` picks. */
export async function podProblems(
  client: KubeClient,
  namespace: string,
  selector: string,
  limit = 3,
): Promise<string[]> {
  let pods: V1Pod[];
  try {
    pods = (await client.list<V1Pod>('v1', 'Pod', namespace, selector)).items;
  } catch (error) {
    return [`(could not list its pods: ${(error as Error).message})`];
  }
  if (pods.length === 0)
    return ['no pods yet (check the ReplicaSet/Job events: quota, admission, service account)'];
  return pods
    .flatMap((pod) => problemsOf(pod))
    .slice(0, limit)
    .map((line) => client.redactor.redact(line));
}

export function problemsOf(pod: V1Pod): string[] {
  const name = pod.metadata?.name ?? '?';
  const lines: string[] = [];
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  if (unschedulable !== undefined) {
    lines.push(
      `pod ${name}: unschedulable: ${unschedulable.reason ?? ''} ${unschedulable.message ?? ''}`.trim(),
    );
  }
  for (const status of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (
      waiting?.reason !== undefined &&
      waiting.reason !== 'ContainerCreating' &&
      waiting.reason !== 'PodInitializing'
    ) {
      lines.push(
        `pod ${name}: container ${status.name} waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`,
      );
    } else if (terminated !== undefined && terminated.exitCode !== 0) {
      lines.push(
        `pod ${name}: container ${status.name} exited ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}${status.restartCount ? `, ${status.restartCount} restarts` : ''}`,
      );
    }
  }
  return lines;
}

/** The last `tailLines` log lines of the failed (else the newest) pod of a Job, with its name; undefined if none. */
export async function jobLogTail(
  client: KubeClient,
  namespace: string,
  job: string,
  tailLines: number,
): Promise<{ pod: string; log: string } | undefined> {
  const pods = (await client.list<V1Pod>('v1', 'Pod', namespace, `${JOB_NAME_LABEL}=${job}`)).items;
  const created = (pod: V1Pod): number => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
  const newestFirst = [...pods].sort((a, b) => created(b) - created(a));
  const pod = newestFirst.find((p) => p.status?.phase === 'Failed') ?? newestFirst[0];
  const name = pod?.metadata?.name;
  if (name === undefined) return undefined;
  const container = pod?.spec?.containers[0]?.name;
  return { pod: name, log: await client.podLog(namespace, name, container, tailLines) };
}
