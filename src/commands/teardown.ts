import { Flags } from '@oclif/core';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseDurationSeconds } from '../core/duration.js';
import { openClusterSession } from '../cluster/cluster-session.js';
import { checkDeployableBenchmark } from '../cluster/manifest-set.js';
import { renderTeardown, teardownBenchmark, type TeardownOptions } from '../cluster/teardown-benchmark.js';
import type { DeletedObject, Propagation } from '../cluster/teardown.js';
import type { WatchStats } from '../cluster/watch-collection.js';
import { RescapeCommand } from '../cli/base-command.js';
import { benchmarkArg, benchmarkDryRun, clusterFlags, kubeconfigChoice } from '../cli/cluster-flags.js';

export type TeardownResult =
  | { dryRun: true; benchmark: string; namespace: string; objects: KubernetesObject[] }
  | {
      dryRun: false;
      benchmark: string;
      namespace: string;
      context: string;
      server: string;
      deleted: DeletedObject[];
      alreadyGone: number;
      namespaceDeleted: boolean;
      waited: boolean;
      watch: WatchStats;
      seconds: number;
    };

export default class Teardown extends RescapeCommand {
  static override summary = 'Delete what rescape deploy created for a benchmark, and wait until it is gone.';
  static override description = `Deletes the benchmark's objects and rescape's RBAC objects in --namespace (rendered as deploy renders them), workloads first, with --propagation Foreground (an object is gone once its pods are) or Background (pods are collected afterwards), then watches until every one is gone. Objects already gone are fine. --delete-namespace deletes the namespace too (it takes anything else in it with it).`;

  static override examples = [
    '<%= config.bin %> teardown social-network',
    '<%= config.bin %> teardown hotel-reservation --namespace hotel --delete-namespace --json',
  ];

  static override args = { benchmark: benchmarkArg };

  static override flags = {
    ...clusterFlags,
    'delete-namespace': Flags.boolean({ default: false, description: 'Delete the namespace as well.' }),
    propagation: Flags.string({
      options: ['Foreground', 'Background'],
      default: 'Foreground',
      description: 'How dependents (pods) are deleted.',
    }),
    timeout: Flags.string({ default: '5m', description: 'How long to wait until everything is gone.' }),
    wait: Flags.boolean({ default: true, allowNo: true, description: 'Wait until the objects are gone.' }),
  };

  async run(): Promise<TeardownResult> {
    const { args, flags } = await this.parse(Teardown);
    const benchmark = checkDeployableBenchmark(args.benchmark);
    const options: TeardownOptions = {
      benchmark,
      namespace: flags.namespace ?? benchmark,
      deleteNamespace: flags['delete-namespace'],
      propagation: flags.propagation as Propagation,
      wait: flags.wait,
      timeoutSeconds: parseDurationSeconds('timeout', flags.timeout),
    };
    const objects = renderTeardown(options);
    if (flags['dry-run']) return benchmarkDryRun((t) => this.log(t), benchmark, options.namespace, objects);
    const session = await openClusterSession(kubeconfigChoice(flags));
    const outcome = await teardownBenchmark(session.client, options, {
      signal: this.signal,
      onProgress: this.progress(),
    });
    const alreadyGone = outcome.deleted.filter((d) => d.outcome === 'already-gone').length;
    const summary = session.summary();
    this.log(
      `Deleted ${outcome.deleted.length - alreadyGone} objects of ${benchmark} from namespace ${options.namespace} (${alreadyGone} already gone)${options.wait ? `; all gone after ${summary.seconds.toFixed(1)} s` : ''}.`,
    );
    return {
      dryRun: false,
      benchmark,
      namespace: options.namespace,
      ...summary,
      deleted: outcome.deleted,
      alreadyGone,
      namespaceDeleted: options.deleteNamespace,
      waited: options.wait,
      watch: outcome.watch,
    };
  }
}
