// `rescape recommend`: per service, CPU requests and limits (and GPUs) for the horizon after step T from a
// saved model's forecast, as a typed result and as validated Deployment apply configurations, with the
// replay against the VPA-style baseline over the run's test split.
import { DataError, UsageError } from '../core/errors.js';
import { readRun, type RunData } from '../dataset/run-reader.js';
import { seriesFromRun, type ServiceSeries, type TargetName } from '../dataset/series.js';
import { assertRunMatchesModel, loadForecaster, type LoadedForecaster } from '../model/load-forecaster.js';
import { ForecastErrors } from './forecast-errors.js';
import { forecastAfter, heldOutForecasts, type HeldOutForecasts } from './held-out-forecasts.js';
import { replayAgainstVpa } from './provisioning-replay.js';
import { replicaCapacities } from './replica-capacity.js';
import {
  MIN_CALIBRATION_WINDOWS,
  quantileLevels,
  validateRecommendOptions,
  type RecommendOptions,
} from './recommend-options.js';
import type { RecommendResult } from './recommend-types.js';
import { decideService, type DecisionSettings } from './service-decision.js';
import { ServiceHistory } from './service-history.js';
import { serviceOutput } from './service-recommendation.js';
import { parseWorkloadMap, resolveWorkloadNames } from './workload-names.js';

export async function recommendResources(options: RecommendOptions): Promise<RecommendResult> {
  validateRecommendOptions(options);
  const map = parseWorkloadMap(options.map);
  const forecaster = loadForecaster(options.modelDir);
  try {
    const run = readRun(options.runDir, { calls: 'summary' });
    assertRunMatchesModel(forecaster.card, run, options.runDir);
    const names = resolveWorkloadNames(map, forecaster.card.services);
    const { settings, series, capacitySource } = decisionSettings(forecaster, run, options);
    const at = checkAt(options.at, series, forecaster.card.config.window);
    const { card, model, normaliser } = forecaster;
    const shape = { window: card.config.window, horizon: card.config.horizon, stride: 1 };
    const heldOut = heldOutForecasts(model, normaliser, series, shape, card.split);
    const errors = calibratedUntil(settings, heldOut, at, options.runDir);
    const history = new ServiceHistory(series, settings.targets, settings.sizing);
    history.advanceTo(at);
    const forecast = forecastAfter(model, normaliser, series, shape.window, at, options.runDir);

    const context = { settings, history, forecast, namespace: options.namespace };
    const outputs = settings.services.map((_, s) =>
      serviceOutput(context, decideService(settings, errors, history, forecast, 0, s), names[s]!, s),
    );

    const start = Date.parse(run.manifest.startTime);
    const time = (step: number) => new Date(start + step * series.stepSeconds * 1000).toISOString();
    return {
      modelDir: options.modelDir,
      runDir: options.runDir,
      kind: card.kind,
      at,
      steps: Array.from({ length: shape.horizon }, (_, h) => ({
        timestamp: at + 1 + h,
        time: time(at + 1 + h),
      })),
      settings: {
        quantiles: settings.levels,
        headroom: options.headroom,
        minCpu: options.minCpu,
        maxCpu: options.maxCpu ?? null,
        peakFactor: options.peakFactor,
        namespace: options.namespace,
        capacitySource,
      },
      calibrationWindows: errors.windows,
      services: outputs.map((output) => output.recommendation),
      patches: outputs.flatMap((output) => (output.patch === null ? [] : [output.patch])),
      unpatched: outputs.flatMap((output) => (output.unpatched === null ? [] : [output.unpatched])),
      comparison: options.compareVpa
        ? replayAgainstVpa(settings, heldOut, series, MIN_CALIBRATION_WINDOWS)
        : null,
    };
  } finally {
    forecaster.model.dispose();
  }
}

function decisionSettings(
  { card }: LoadedForecaster,
  run: RunData,
  options: RecommendOptions,
): {
  settings: DecisionSettings;
  series: ServiceSeries;
  capacitySource: RecommendResult['settings']['capacitySource'];
} {
  const cpu = card.targets.indexOf('cpu');
  if (cpu < 0) {
    throw new DataError(
      `the model forecasts ${card.targets.join(', ')}, not cpu: CPU cannot be recommended from it`,
      { file: `${options.modelDir}/card.json`, field: 'targets' },
      { suggestion: 'Train a model that forecasts cpu (rescape train --targets cpu or cpu,gpu).' },
    );
  }
  const gpu = card.targets.indexOf('gpu');
  const series = seriesFromRun(run, { targets: card.targets as TargetName[], extraInputs: card.extraInputs });
  // The model's service order is the run's (assertRunMatchesModel checked the names; ms_id sorts them).
  const { capacities, source } = replicaCapacities(run, options.coresPerReplica);
  return {
    series,
    capacitySource: source,
    settings: {
      shape: { horizon: card.config.horizon, services: card.services.length, targets: card.targets.length },
      targets: { cpu, gpu: gpu < 0 ? null : gpu },
      levels: quantileLevels(options.quantile),
      sizing: {
        headroom: options.headroom,
        minCores: options.minCpu,
        maxCores: options.maxCpu ?? Infinity,
        peakFactor: options.peakFactor,
      },
      services: run.services,
      capacities,
    },
  };
}

function checkAt(at: number | undefined, series: ServiceSeries, window: number): number {
  const last = at ?? series.steps - 1;
  if (last < window - 1 || last >= series.steps) {
    throw new UsageError(
      `--at ${last}: the model needs ${window} steps up to T, and the run has steps 0..${series.steps - 1}`,
      {
        suggestion: `Give --at between ${window - 1} and ${series.steps - 1}, or leave it out for the last step.`,
      },
    );
  }
  return last;
}

/** The forecast errors known at T; too few of them is an error that says from which step on there are enough. */
function calibratedUntil(
  settings: DecisionSettings,
  heldOut: HeldOutForecasts,
  at: number,
  runDir: string,
): ForecastErrors {
  const errors = new ForecastErrors(settings.shape, heldOut);
  errors.observeUntil(at);
  if (errors.windows >= MIN_CALIBRATION_WINDOWS) return errors;
  const enough = heldOut.lastSteps[MIN_CALIBRATION_WINDOWS - 1];
  if (enough === undefined) {
    throw new DataError(
      `the run's validation and test splits hold ${heldOut.count} complete windows; the error quantiles need at least ${MIN_CALIBRATION_WINDOWS}`,
      { file: `${runDir}/ms_metric.csv` },
      {
        suggestion:
          'Recommend from a longer run (the held-out splits are the last 30 % of its steps by default).',
      },
    );
  }
  throw new UsageError(
    `--at ${at}: only ${errors.windows} held-out windows (validation and test) have ended by then; the error quantiles need ${MIN_CALIBRATION_WINDOWS}`,
    {
      suggestion: `Give --at ${enough + settings.shape.horizon} or later, or leave it out for the last step.`,
    },
  );
}
