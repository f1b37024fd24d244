// Pods for the fake API server beyond what fake-kube-controllers.ts scripts: followed logs (GET …/log?follow=true
// streams what the container writes until it ends) and a fake kubelet for training Jobs. The kubelet takes over
// the pod the Job controller made and either scripts a state (unschedulable, image pull failure, OOMKilled,
// deadline exceeded) or really runs the pod: its ConfigMap volumes are written to a directory (waiting, as a
// kubelet does, until the ConfigMaps exist), its emptyDir and claim volumes are directories, the mount paths in
// its arguments point there, downward-API environment is filled in from the pod, and `node bin/run.js <args>` runs
// with a kubeconfig for this server in place of the ServiceAccount mount (this server speaks plain HTTP). Its
// output is the pod log; its exit code ends the pod and the Job as the Job controller would.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../cli.js';
import type { FakeKubeApi } from './fake-kube-api.js';
import { containerStatus } from './fake-kube-controllers.js';
import { findKind } from './fake-kube-resources.js';
import { metadataOf, type Json } from './fake-kube-store.js';

const POD = findKind('v1', 'Pod')!;
const JOB = findKind('batch/v1', 'Job')!;
const CONFIG_MAP = findKind('v1', 'ConfigMap')!;

/** Log streams of `follow=true` requests, by "<namespace>/<pod>". */
export class FakePodLogStreams {
  private readonly followers = new Map<string, Set<ServerResponse>>();
  private readonly ended = new Set<string>();

  constructor(private readonly logs: Map<string, string>) {}

  follow(key: string, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.write(this.logs.get(key) ?? '');
    if (this.ended.has(key)) {
      res.end();
      return;
    }
    const set = this.followers.get(key) ?? new Set<ServerResponse>();
    set.add(res);
    this.followers.set(key, set);
    res.on('close', () => set.delete(res));
  }

  append(key: string, text: string): void {
    this.logs.set(key, (this.logs.get(key) ?? '') + text);
    for (const res of this.followers.get(key) ?? []) res.write(text);
  }

  end(key: string): void {
    this.ended.add(key);
    for (const res of this.followers.get(key) ?? []) res.end();
    this.followers.delete(key);
  }
}

export type TrainingPodPlan =
  | { run: true }
  | { unschedulable: string }
  | { waiting: { reason: string; message: string } }
  | { oomKilled: true }
  | { deadlineExceeded: true };

export class FakeKubelet {
  /** Exit codes of the pods it ran, by pod name. */
  readonly exits = new Map<string, number>();
  /** The arguments each pod ran with (paths as the pod saw them). */
  readonly args = new Map<string, string[]>();
  private readonly dirs: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  private readonly handled = new Set<string>();

  constructor(
    private readonly api: FakeKubeApi,
    private readonly kubeconfig: string,
    private readonly plan: TrainingPodPlan,
  ) {
    // The Job controller makes the pod and keeps it running; this kubelet decides what happens in it.
    api.controllers.setJob(undefined, { never: true });
    this.unsubscribe = api.store.subscribe((event) => {
      if (event.resource !== POD || event.type !== 'ADDED') return;
      const name = String(metadataOf(event.object).name);
      if (this.handled.has(name)) return;
      this.handled.add(name);
      const task = this.take(event.namespace!, event.object).catch((error: unknown) => {
        console.error('fake kubelet:', error);
      });
      this.running.add(task);
      void task.finally(() => this.running.delete(task));
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all(this.running);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }

  private async take(namespace: string, pod: Json): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const labels = (metadataOf(pod).labels ?? {}) as Record<string, string>;
    const jobName = labels['job-name']!;
    const job = this.api.store.get(JOB, namespace, jobName);
    if (job === undefined) return;
    const template = (job.spec as Json).template as Json;
    const spec = template.spec as Json;
    const container = (spec.containers as Json[])[0]!;
    const full: Json = {
      ...pod,
      metadata: { ...metadataOf(pod), namespace },
      spec: { ...spec },
      status: { phase: 'Pending' },
    };
    const plan = this.plan;
    if ('unschedulable' in plan) {
      this.setPod(namespace, full, {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: plan.unschedulable },
        ],
      });
      return;
    }
    if ('waiting' in plan) {
      this.setPod(namespace, full, podStatus('Pending', container, { waiting: plan.waiting }));
      return;
    }
    if ('oomKilled' in plan) {
      this.setPod(namespace, full, podStatus('Failed', container, terminated(137, 'OOMKilled')));
      this.finishJob(
        namespace,
        jobName,
        false,
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      );
      return;
    }
    if ('deadlineExceeded' in plan) {
      this.setPod(namespace, full, podStatus('Failed', container, terminated(143, 'Error')));
      this.finishJob(
        namespace,
        jobName,
        false,
        'DeadlineExceeded',
        'Job was active longer than specified deadline',
      );
      return;
    }
    await this.runPod(namespace, full, jobName, container, spec);
  }

  private async runPod(
    namespace: string,
    pod: Json,
    jobName: string,
    container: Json,
    spec: Json,
  ): Promise<void> {
    const podName = String(metadataOf(pod).name);
    const root = mkdtempSync(join(tmpdir(), 'rescape-kubelet-'));
    this.dirs.push(root);
    const mounts = new Map<string, string>();
    for (const volume of spec.volumes as Json[]) {
      const dir = join(root, String(volume.name));
      mkdirSync(dir, { recursive: true });
      const sources = ((volume.projected as Json | undefined)?.sources ?? []) as Json[];
      for (const source of sources) {
        const name = String((source.configMap as Json).name);
        const configMap = await this.configMap(namespace, name);
        for (const [key, value] of Object.entries((configMap.data ?? {}) as Record<string, string>))
          writeFileSync(join(dir, key), value);
        for (const [key, value] of Object.entries((configMap.binaryData ?? {}) as Record<string, string>))
          writeFileSync(join(dir, key), Buffer.from(value, 'base64'));
      }
      const mount = (container.volumeMounts as Json[]).find((m) => m.name === volume.name);
      if (mount !== undefined) mounts.set(String(mount.mountPath), dir);
    }
    // Longest mount path first, so /var/run/rescape/work/… is not taken for /var/run/rescape/….
    const ordered = [...mounts].sort(([a], [b]) => b.length - a.length);
    const local = (arg: string): string => {
      for (const [path, dir] of ordered)
        if (arg === path || arg.startsWith(`${path}/`)) return dir + arg.slice(path.length);
      return arg;
    };
    const args = (container.args as string[]).map(local);
    this.args.set(podName, container.args as string[]);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', KUBECONFIG: this.kubeconfig };
    for (const variable of (container.env ?? []) as Json[]) {
      const fieldPath = ((variable.valueFrom as Json | undefined)?.fieldRef as Json | undefined)?.fieldPath;
      env[String(variable.name)] =
        fieldPath === undefined
          ? local(String(variable.value))
          : this.field(pod, String(fieldPath), namespace);
    }
    this.setPod(
      namespace,
      pod,
      podStatus('Running', container, { running: { startedAt: new Date().toISOString() } }),
    );
    const key = `${namespace}/${podName}`;
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => this.api.podLogStreams.append(key, chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => this.api.podLogStreams.append(key, chunk.toString('utf8')));
      child.on('close', (exit) => resolve(exit ?? 1));
    });
    this.exits.set(podName, code);
    this.setPod(
      namespace,
      pod,
      podStatus(
        code === 0 ? 'Succeeded' : 'Failed',
        container,
        terminated(code, code === 0 ? 'Completed' : 'Error'),
      ),
    );
    this.api.podLogStreams.end(key);
    this.finishJob(
      namespace,
      jobName,
      code === 0,
      'BackoffLimitExceeded',
      'Job has reached the specified backoff limit',
    );
  }

  /** The ConfigMap once it exists (a kubelet retries the mount until then). */
  private async configMap(namespace: string, name: string): Promise<Json> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const found = this.api.store.get(CONFIG_MAP, namespace, name);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`ConfigMap ${namespace}/${name} never appeared`);
  }

  private field(pod: Json, path: string, namespace: string): string {
    if (path === 'metadata.namespace') return namespace;
    const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
    if (label !== null)
      return String(((metadataOf(pod).labels ?? {}) as Record<string, string>)[label[1]!] ?? '');
    throw new Error(`fake kubelet: fieldRef ${path} is not supported`);
  }

  private setPod(namespace: string, pod: Json, status: Json): void {
    this.api.store.put(POD, namespace, { ...pod, status });
  }

  private finishJob(
    namespace: string,
    name: string,
    succeeded: boolean,
    reason: string,
    message: string,
  ): void {
    const at = new Date().toISOString();
    this.api.store.update(JOB, namespace, name, (object) => {
      const status = (object.status ?? {}) as Json;
      delete status.active;
      status.ready = 0;
      const types = succeeded ? ['SuccessCriteriaMet', 'Complete'] : ['FailureTarget', 'Failed'];
      if (succeeded) {
        status.succeeded = 1;
        status.completionTime = at;
      } else status.failed = 1;
      status.conditions = types.map((type) => ({
        type,
        status: 'True',
        reason: succeeded ? 'CompletionsReached' : reason,
        message: succeeded ? 'Reached expected number of succeeded pods' : message,
        lastProbeTime: at,
        lastTransitionTime: at,
      }));
      object.status = status;
    });
  }
}

function podStatus(phase: string, container: Json, state: Json): Json {
  return {
    phase,
    conditions: [{ type: 'PodScheduled', status: 'True' }],
    containerStatuses: [containerStatus(container, phase, state)],
  };
}

function terminated(exitCode: number, reason: string): Json {
  const at = new Date().toISOString();
  return { terminated: { exitCode, reason, startedAt: at, finishedAt: at } };
}
