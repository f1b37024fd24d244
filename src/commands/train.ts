import { Args, Flags } from '@oclif/core';
import { NORMALISER_KINDS, type NormaliserKind } from '../dataset/normalisation.js';
import { EXTRA_INPUTS, TARGET_NAMES } from '../dataset/series.js';
import { parseList, parseNumberList } from '../cli/list-flags.js';
import { MODEL_KINDS, type ModelKind } from '../model/model-types.js';
import { BACKEND_NAMES, type BackendName } from '../model/tf.js';
import { PRESETS } from '../model/training-presets.js';
import {
  PAPER_DEFAULTS,
  trainForecaster,
  validateTrainOptions,
  type TrainOptions,
  type TrainResult,
} from '../model/train-forecaster.js';
import { join } from 'node:path';
import { renderComparison, renderEvaluation } from '../cli/evaluation-table.js';
import { RescapeCommand } from '../cli/base-command.js';
import { dryRunObjects, kubeconfigChoice } from '../cli/cluster-flags.js';
import { clusterTrainingFromFlags, forwardedArgs, trainClusterFlags } from '../cli/train-cluster-flags.js';
import type { ProgressListener } from '../core/progress.js';
import { KubeClient } from '../cluster/kube-client.js';
import { loadKubeconfig } from '../cluster/kubeconfig.js';
import { unpackMountedBundle } from '../cluster/training-bundle.js';
import { podLogFollower } from '../cluster/training-log-follow.js';
import { allTrainingObjects, trainingObjects } from '../cluster/training-objects.js';
import { publishModel, publishTargetFromEnv } from '../cluster/training-pod.js';
import { ndjsonProgress } from '../cluster/training-progress.js';
import { trainOnCluster, type ClusterTrainingOutcome } from '../cluster/training-run.js';
import { packDirectories } from '../cluster/training-bundle.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import { UsageError } from '../core/errors.js';
import { loadCard } from '../model/model-files.js';
import type { ModelCard } from '../model/model-card.js';

export interface TrainComparison {
  models: TrainResult[];
}

export type TrainOnClusterResult =
  | { dryRun: true; namespace: string; job: string; objects: KubernetesObject[] }
  | (ClusterTrainingOutcome & { dryRun: false; context: string; server: string; seconds: number });

/** The flags that shape the model; --on-cluster passes them on to the pod as given. */
const modelFlags = {
  compare: Flags.string({
    description:
      'Train several models (comma-separated kinds) into <out>/<kind> and print them side by side.',
    exclusive: ['model'],
  }),
  model: Flags.string({ options: [...MODEL_KINDS], default: 'gat-gru', description: 'Model to train.' }),
  out: Flags.string({ required: true, description: 'Model directory to write.' }),
  targets: Flags.string({
    description: `Forecast targets, comma-separated (${TARGET_NAMES.join(', ')}); default: those with signal.`,
  }),
  inputs: Flags.string({ description: `Extra inputs besides the targets (${EXTRA_INPUTS.join(', ')}).` }),
  window: Flags.integer({ default: PAPER_DEFAULTS.window, description: 'Input window, in steps.' }),
  horizon: Flags.integer({ default: PAPER_DEFAULTS.horizon, description: 'Steps forecast.' }),
  split: Flags.string({
    default: '0.7,0.1,0.2',
    description: 'Train, validation and test fractions (chronological).',
  }),
  normaliser: Flags.string({
    options: [...NORMALISER_KINDS],
    description: `Per-service scaling (default ${PRESETS.default.normaliser}; --paper: ${PRESETS.paper.normaliser}).`,
  }),
  graph: Flags.string({
    options: ['symmetric', 'directed'],
    default: 'symmetric',
    description: 'Call graph used by graph models.',
  }),
  'edge-weights': Flags.string({
    options: ['binary', 'calls'],
    default: 'binary',
    description: 'Edge weights of the graph.',
  }),
  hidden: Flags.integer({ default: PAPER_DEFAULTS.hidden }),
  heads: Flags.integer({ default: PAPER_DEFAULTS.heads, description: 'Graph attention heads.' }),
  dropout: Flags.string({ default: String(PAPER_DEFAULTS.dropout), description: 'Dropout of the GCN.' }),
  'batch-size': Flags.integer({ default: PAPER_DEFAULTS.batchSize }),
  'learning-rate': Flags.string({ default: String(PAPER_DEFAULTS.learningRate) }),
  epochs: Flags.integer({ default: PAPER_DEFAULTS.epochs }),
  patience: Flags.integer({
    description: `Stop after this many epochs without a better validation loss (default ${PRESETS.default.patience}; --paper: never).`,
  }),
  'clip-norm': Flags.string({
    description: `Clip the global gradient norm (default ${PRESETS.default.clipNorm}; --paper: no clipping).`,
  }),
  loss: Flags.string({
    options: ['mse', 'huber'],
    description: `Training loss (default ${PRESETS.default.loss}; --paper: ${PRESETS.paper.loss}).`,
  }),
  'weight-decay': Flags.string({
    description: `Decoupled weight decay of the kernels (default ${PRESETS.default.weightDecay}; --paper: 0).`,
  }),
  'lr-schedule': Flags.string({
    options: ['constant', 'cosine'],
    description: `Learning-rate schedule over the epochs (default ${PRESETS.default.learningRateSchedule}; --paper: constant).`,
  }),
  residual: Flags.boolean({
    allowNo: true,
    description: 'Predict the change from the last value (default on; --paper: off).',
  }),
  paper: Flags.boolean({
    default: false,
    description:
      "Start from the paper's exact configuration (no residual, min-max, MSE, no clipping, no early stopping, no weight decay, constant learning rate); explicit flags still apply.",
  }),
  season: Flags.integer({
    description: 'Season of the seasonal-naive model, in steps (default: the window).',
  }),
  seed: Flags.integer({ default: 1 }),
  ensemble: Flags.integer({
    default: 1,
    description: 'Train this many models (seeds --seed, --seed + 1, …) and forecast their mean.',
  }),
  'exclude-anomalies': Flags.boolean({
    default: false,
    description:
      'Score the test split without windows whose targets touch an annotated anomaly (run.json cluster.incidents / cluster.anomalies).',
  }),
  backend: Flags.string({
    options: [...BACKEND_NAMES],
    description: 'Force a TensorFlow.js backend (default: the best available).',
  }),
};

/** Flags whose false is said --no-<flag>. */
const NEGATABLE = ['residual'];

export default class Train extends RescapeCommand {
  static override summary =
    'Train a forecasting model (GAT-GRU, GAT-LSTM, GRU, LSTM, FC, GCN, or a naive baseline) on run directories.';
  static override description = `Builds windows of --window steps in and --horizon steps out from each run (chronological train/validation/test split, normalisation fitted on the training steps only), trains with Adam keeping the best validation epoch, and writes model.json, weights.bin and card.json to --out. The test split is then scored against the last-value and seasonal-naive forecasts: MAE, MSE, MAPE and weighted MAPE per horizon, and skill = 1 − error / error(last value).

Shapes are the RESCAPE paper's (window 10 → 3, hidden 48, 4 heads, batch 48, Adam 0.001, 50 epochs). Training is made robust for real traces by default: learned models predict the change from the last observed value (--residual, so an untrained model is the last-value forecast), robust per-service scaling (median / IQR), Huber loss, gradient clipping, early stopping with the best validation epoch restored, decoupled weight decay and a cosine learning-rate schedule. --paper starts from the paper's exact configuration instead; explicit flags override either. An interrupted train resumes from its last finished epoch when run again with the same settings.`;

  static override examples = [
    '<%= config.bin %> train runs/demo --model gat-gru --out models/gat-gru',
    '<%= config.bin %> train runs/demo --model gru --epochs 10 --patience 3 --out models/gru --json',
  ];

  static override strict = false;
  static override args = {
    runDir: Args.string({ required: true, description: 'Run directory (several may be given).' }),
  };

  static override flags = {
    ...modelFlags,
    ...trainClusterFlags,
  };

  async run(): Promise<TrainResult | TrainComparison | TrainOnClusterResult> {
    const { argv, flags } = await this.parse(Train);
    const number = (flag: string, value: string): number => parseNumberList(flag, value, 1)[0]!;
    const [train, validation, test] = parseNumberList('split', flags.split, 3) as [number, number, number];
    const preset = PRESETS[flags.paper ? 'paper' : 'default'];
    const options: TrainOptions = {
      runDirs: argv as string[],
      kind: flags.model as ModelKind,
      out: flags.out,
      ...(flags.targets === undefined ? {} : { targets: parseList('targets', flags.targets, TARGET_NAMES) }),
      extraInputs: flags.inputs === undefined ? [] : parseList('inputs', flags.inputs, EXTRA_INPUTS),
      window: flags.window,
      horizon: flags.horizon,
      split: { train, validation, test },
      normaliser: (flags.normaliser as NormaliserKind | undefined) ?? preset.normaliser,
      graph: {
        direction: flags.graph as 'symmetric' | 'directed',
        selfLoops: true,
        weighting: flags['edge-weights'] as 'binary' | 'calls',
      },
      hidden: flags.hidden,
      heads: flags.heads,
      dropout: number('dropout', flags.dropout),
      residual: flags.residual ?? preset.residual,
      ...(flags.season === undefined ? {} : { seasonSteps: flags.season }),
      training: {
        epochs: flags.epochs,
        batchSize: flags['batch-size'],
        learningRate: number('learning-rate', flags['learning-rate']),
        patience: flags.patience ?? preset.patience,
        clipNorm:
          flags['clip-norm'] === undefined ? preset.clipNorm : number('clip-norm', flags['clip-norm']),
        loss: (flags.loss as 'mse' | 'huber' | undefined) ?? preset.loss,
        weightDecay:
          flags['weight-decay'] === undefined
            ? preset.weightDecay
            : number('weight-decay', flags['weight-decay']),
        learningRateSchedule:
          (flags['lr-schedule'] as 'constant' | 'cosine' | undefined) ?? preset.learningRateSchedule,
        seed: flags.seed,
      },
      ...(flags.backend === undefined ? {} : { backend: flags.backend as BackendName }),
      excludeAnomalies: flags['exclude-anomalies'],
      members: flags.ensemble,
    };
    if (flags['on-cluster']) {
      validateTrainOptions(options);
      return this.trainOnCluster(flags, options);
    }
    if (flags.bundle !== undefined) options.runDirs = this.unpackBundle(flags.bundle, options.runDirs);
    const onProgress = flags['json-progress']
      ? ndjsonProgress((line) => process.stderr.write(line))
      : this.progress();
    let outcome: TrainResult | TrainComparison;
    if (flags.compare !== undefined) {
      const kinds = parseList('compare', flags.compare, MODEL_KINDS);
      const models: TrainResult[] = [];
      for (const kind of kinds) {
        const result = await this.trainOne({ ...options, kind, out: join(flags.out, kind) }, onProgress);
        models.push(result);
        if (result.interrupted) break;
      }
      this.log(renderComparison(models.map((result) => result.test)));
      outcome = { models };
    } else {
      outcome = await this.trainOne(options, onProgress);
      this.log(renderEvaluation(outcome.test));
    }
    const publishTo = flags['publish-to-configmap'];
    if (publishTo !== undefined && process.exitCode !== 130) {
      const client = await KubeClient.connect({});
      const published = await publishModel(client, flags.out, publishTargetFromEnv(publishTo, process.env));
      this.logToStderr(
        `Published ${published.files} files (${published.bytes} bytes) as ConfigMaps ${published.configMaps.join(', ')}`,
      );
    }
    return outcome;
  }

  /** The pod's side: the run bundle mounted at `bundle` unpacked into the one run-directory argument. */
  private unpackBundle(bundle: string, runDirs: string[]): string[] {
    if (runDirs.length !== 1) {
      throw new UsageError('--bundle takes one run-directory argument: where the runs are unpacked', {
        suggestion: 'E.g. rescape train /work/runs --bundle /bundle --out /work/model.',
      });
    }
    return unpackMountedBundle(bundle, runDirs[0]!);
  }

  private async trainOnCluster(
    flags: Parameters<typeof clusterTrainingFromFlags>[0] & {
      kubeconfig?: string | undefined;
      context?: string | undefined;
      'dry-run': boolean;
    } & Record<string, unknown>,
    options: TrainOptions,
  ): Promise<TrainOnClusterResult> {
    const names = Object.keys(modelFlags).filter((name) => name !== 'out');
    const training = clusterTrainingFromFlags(
      flags,
      options.runDirs,
      options.out,
      forwardedArgs(flags, names, NEGATABLE),
    );
    const { namespace, job } = training.settings;
    if (flags['dry-run']) {
      const bundle = packDirectories(options.runDirs.map((dir, index) => ({ name: String(index), dir })));
      const objects = trainingObjects(
        { ...training.settings, runChunks: bundle.manifest.chunks.length },
        bundle,
      );
      return {
        dryRun: true,
        namespace,
        job,
        objects: dryRunObjects((t) => this.log(t), allTrainingObjects(objects)),
      };
    }
    const started = Date.now();
    const loaded = loadKubeconfig(kubeconfigChoice(flags));
    const client = await KubeClient.create(loaded);
    const outcome = await trainOnCluster(client, training, {
      signal: this.signal,
      onProgress: this.progress(),
      onWarning: (message) => this.warn(message),
      followLog: podLogFollower(loaded.kubeConfig, client.redactor),
    });
    const card = loadCard<ModelCard>(outcome.model.dir);
    this.log(renderEvaluation(card.metrics));
    this.log(
      `Trained ${card.kind} on ${card.backend} in Job ${namespace}/${job} (${outcome.gpus} GPU${outcome.gpus === 1 ? '' : 's'}, image ${outcome.image}) → ${outcome.model.dir}`,
    );
    return {
      dryRun: false,
      context: client.context,
      server: client.server,
      seconds: (Date.now() - started) / 1000,
      ...outcome,
    };
  }

  private async trainOne(options: TrainOptions, onProgress: ProgressListener): Promise<TrainResult> {
    const result = await trainForecaster(options, { signal: this.signal, onProgress });
    for (const fallback of result.backendFallbacks) this.logToStderr(`backend: ${fallback}`);
    if (result.interrupted) {
      process.exitCode = 130;
      this.logToStderr(`Interrupted after epoch ${result.epochs}; run the same command again to resume.`);
    }
    this.log(
      `Trained ${result.kind} on ${result.backend}: ${result.services} services, ${result.edges} edges, ${result.windows.train}/${result.windows.validation}/${result.windows.test} windows; ${result.epochs} epochs (best ${result.bestEpoch}), ${result.trainSeconds.toFixed(1)} s → ${result.modelDir}`,
    );
    return result;
  }
}
