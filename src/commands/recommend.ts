import { Args, Flags } from '@oclif/core';
import { parseNumberList } from '../cli/list-flags.js';
import { selectBackend } from '../model/tf.js';
import { parseCpuQuantity } from '../recommend/cpu-quantity.js';
import { renderPatches, type PatchFormat } from '../recommend/kubernetes-patch.js';
import {
  parseFraction,
  RECOMMEND_DEFAULTS,
  validateRecommendOptions,
} from '../recommend/recommend-options.js';
import { recommendResources } from '../recommend/recommend-resources.js';
import { renderRecommendation } from '../recommend/recommend-table.js';
import type { RecommendResult } from '../recommend/recommend-types.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Recommend extends RescapeCommand {
  static override summary =
    "Recommend each service's CPU request/limit, GPUs and replicas for the next horizon from a model's forecast.";
  static override description = `The models give point forecasts; the target is the forecast plus the --quantile of the model's own errors for that service and horizon step, measured on the run's held-out (validation and test) windows that had ended by T (split-conformal). The largest such value over the horizon, plus --headroom, capped at --peak-factor × the busiest step seen, gives the service's cores; replicas follow from the per-replica capacity, and per-replica amounts are clamped to --min-cpu/--max-cpu and rounded up to millicores. Lower and upper bounds, like the VPA's, use the median and the (1 + q)/2 quantile; the request is the target and the limit the upper bound.

--format prints the Deployment apply configurations (validated against the Kubernetes schema) for \`kubectl apply --server-side --field-manager rescape -f -\`. The test split is also replayed against a VPA-style recommendation (90th percentile of the decaying usage history + 15 %): over- and under-provisioned core-seconds of both.`;

  static override examples = [
    '<%= config.bin %> recommend models/gat-gru --run runs/demo',
    '<%= config.bin %> recommend models/gat-gru --run runs/demo --namespace social-network --format yaml | kubectl apply --server-side --field-manager rescape -f -',
    '<%= config.bin %> recommend models/gat-gru --run runs/demo --quantile 0.95 --max-cpu 4 --map user-service=users/app --json',
  ];

  static override args = {
    modelDir: Args.string({ required: true, description: 'Model directory written by `rescape train`.' }),
  };

  static override flags = {
    run: Flags.string({ required: true, description: 'Run directory to recommend for.' }),
    at: Flags.integer({ description: 'Decision step T (default: the last step of the run).' }),
    quantile: Flags.string({
      default: String(RECOMMEND_DEFAULTS.quantile),
      description: 'Quantile of the forecast to provision for, in (0, 1).',
    }),
    headroom: Flags.string({
      default: '15%',
      description: 'Added on top of the forecast quantile (15% or 0.15).',
    }),
    'min-cpu': Flags.string({ default: '25m', description: 'Smallest CPU per replica (250m or 0.25).' }),
    'max-cpu': Flags.string({ description: 'Largest CPU per replica (default: none).' }),
    'peak-factor': Flags.string({
      default: String(RECOMMEND_DEFAULTS.peakFactor),
      description: "Never recommend more than this multiple of the history's peak.",
    }),
    'cores-per-replica': Flags.string({
      description:
        "CPU one replica can hold (default: the simulated topology's, else keep the run's replicas).",
    }),
    namespace: Flags.string({
      default: RECOMMEND_DEFAULTS.namespace,
      description: 'Namespace of the Deployments.',
    }),
    map: Flags.string({
      multiple: true,
      default: [],
      description: 'SERVICE=DEPLOYMENT[/CONTAINER] where the names differ from the service (repeatable).',
    }),
    format: Flags.string({
      options: ['json', 'yaml'],
      description: 'Print the Deployment patches (JSON List or YAML documents) instead of the table.',
    }),
    'compare-vpa': Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Replay the test split against the VPA-style baseline (default on).',
    }),
  };

  async run(): Promise<RecommendResult> {
    const { args, flags } = await this.parse(Recommend);
    const number = (flag: string, value: string): number => parseNumberList(flag, value, 1)[0]!;
    const options = {
      modelDir: args.modelDir,
      runDir: flags.run,
      ...(flags.at === undefined ? {} : { at: flags.at }),
      quantile: number('quantile', flags.quantile),
      headroom: parseFraction('headroom', flags.headroom),
      minCpu: parseCpuQuantity('min-cpu', flags['min-cpu']),
      ...(flags['max-cpu'] === undefined ? {} : { maxCpu: parseCpuQuantity('max-cpu', flags['max-cpu']) }),
      peakFactor: number('peak-factor', flags['peak-factor']),
      ...(flags['cores-per-replica'] === undefined
        ? {}
        : { coresPerReplica: parseCpuQuantity('cores-per-replica', flags['cores-per-replica']) }),
      namespace: flags.namespace,
      map: flags.map,
      compareVpa: flags['compare-vpa'],
    };
    validateRecommendOptions(options); // before the backend loads, so a bad flag fails at once
    await selectBackend();
    const result = await recommendResources(options);
    if (this.jsonEnabled()) return result;
    if (flags.format === undefined) {
      this.log(renderRecommendation(result));
      return result;
    }
    // stdout holds only the patches, for kubectl; what was left out goes to stderr.
    for (const skipped of result.unpatched)
      this.logToStderr(`no patch for ${skipped.service}: ${skipped.reason}`);
    process.stdout.write(renderPatches(result.patches, flags.format as PatchFormat));
    return result;
  }
}
