import { Flags } from '@oclif/core';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseDurationSeconds } from '../core/duration.js';
import {
  deployBenchmark,
  parseReplicas,
  renderDeploy,
  type DeployOptions,
} from '../cluster/deploy-benchmark.js';
import { openClusterSession } from '../cluster/cluster-session.js';
import { checkDeployableBenchmark } from '../cluster/manifest-set.js';
import type { AppliedObject } from '../cluster/server-side-apply.js';
import type { WorkloadReport } from '../cluster/rollout-wait.js';
import type { WatchStats } from '../cluster/watch-collection.js';
import { RescapeCommand } from '../cli/base-command.js';
import { benchmarkArg, benchmarkDryRun, clusterFlags, kubeconfigChoice } from '../cli/cluster-flags.js';

export type DeployResult =
  | { dryRun: true; benchmark: string; namespace: string; objects: KubernetesObject[] }
  | {
      dryRun: false;
      benchmark: string;
      namespace: string;
      context: string;
      server: string;
      applied: AppliedObject[];
      created: number;
      configured: number;
      waited: boolean;
      workloads: WorkloadReport[];
      warnings: string[];
      watch: WatchStats;
      seconds: number;
    };

export default class Deploy extends RescapeCommand {
  static override summary =
    'Deploy a benchmark (DeathStarBench or HPC-AI500) to Kubernetes and wait until it is up.';
  static override description = `Renders rescape's RBAC objects and the benchmark's manifests for --namespace, ensures the namespace, and applies every object with server-side apply (field manager "rescape") in dependency order; then waits, with a watch, until every Deployment and StatefulSet is available and every Job has finished. Deploying again applies only what changed; fields another tool owns (an HPA's replicas, kubectl edit) are a conflict unless --force-conflicts.

A user with only the least-privilege Role of manifests/rbac/ deploys into a namespace an administrator created; the RBAC objects it may not change are skipped with a warning. Credentials from the kubeconfig are never printed.`;

  static override examples = [
    '<%= config.bin %> deploy social-network',
    '<%= config.bin %> deploy hotel-reservation --namespace hotel --replicas frontend=3 --timeout 15m',
    '<%= config.bin %> deploy social-network --dry-run > social-network.yaml',
    '<%= config.bin %> deploy hpc-ai500 --registry registry.example.com:5000/mirror --context gpu-cluster --json',
  ];

  static override args = { benchmark: benchmarkArg };

  static override flags = {
    ...clusterFlags,
    replicas: Flags.string({
      multiple: true,
      default: [],
      description: 'Replicas of a service, service=count (repeat, or separate with commas).',
    }),
    'default-replicas': Flags.integer({ description: 'Replicas of every other scalable service.' }),
    registry: Flags.string({
      description: 'Pull every image from this registry prefix (host[:port][/path]).',
    }),
    timeout: Flags.string({ default: '10m', description: 'How long to wait for the rollout.' }),
    wait: Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Wait for the rollout (--no-wait: apply only).',
    }),
    'force-conflicts': Flags.boolean({
      default: false,
      description: 'Take over fields another field manager owns (server-side apply force).',
    }),
  };

  async run(): Promise<DeployResult> {
    const { args, flags } = await this.parse(Deploy);
    const benchmark = checkDeployableBenchmark(args.benchmark);
    const options: DeployOptions = {
      benchmark,
      namespace: flags.namespace ?? benchmark,
      ...(flags.registry === undefined ? {} : { registry: flags.registry }),
      replicas: parseReplicas(flags.replicas),
      ...(flags['default-replicas'] === undefined ? {} : { defaultReplicas: flags['default-replicas'] }),
      forceConflicts: flags['force-conflicts'],
      wait: flags.wait,
      timeoutSeconds: parseDurationSeconds('timeout', flags.timeout),
    };
    // Rendering checks every option (namespace, registry, replicas) before anything is contacted.
    const objects = renderDeploy(options);
    if (flags['dry-run']) return benchmarkDryRun((t) => this.log(t), benchmark, options.namespace, objects);
    const session = await openClusterSession(kubeconfigChoice(flags));
    const outcome = await deployBenchmark(session.client, options, {
      signal: this.signal,
      onProgress: this.progress(),
    });
    const count = (operation: string): number =>
      outcome.applied.filter((a) => a.operation === operation).length;
    for (const warning of outcome.warnings) this.logToStderr(`warning: ${warning}`);
    const summary = session.summary();
    this.log(
      `Applied ${outcome.applied.length} objects of ${benchmark} to namespace ${options.namespace} (context ${summary.context}): ${count('created')} created, ${count('configured')} configured${count('skipped') === 0 ? '' : `, ${count('skipped')} skipped`}.`,
    );
    this.log(
      options.wait
        ? `${outcome.workloads.length} workloads ready in ${summary.seconds.toFixed(1)} s.`
        : 'Not waiting for the rollout (--no-wait).',
    );
    return {
      dryRun: false,
      benchmark,
      namespace: options.namespace,
      ...summary,
      applied: outcome.applied,
      created: count('created'),
      configured: count('configured'),
      waited: options.wait,
      workloads: outcome.workloads,
      warnings: outcome.warnings,
      watch: outcome.watch,
    };
  }
}
