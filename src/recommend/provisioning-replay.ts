// Replays the test split: at the last input step T of every test window, what the forecast-based
// recommendation and the VPA-style baseline would each have provisioned (service-total cores: replicas ×
// per-replica request) for the horizon after T, against the usage that followed. Both see only the past:
// the errors of held-out windows that had ended by T, and the usage up to T.
import type { ServiceSeries } from '../dataset/series.js';
import { ForecastErrors } from './forecast-errors.js';
import type { HeldOutForecasts } from './held-out-forecasts.js';
import { ProvisioningTally } from './provisioning-tally.js';
import type { VpaComparison } from './recommend-types.js';
import { decideService, type DecisionSettings } from './service-decision.js';
import { ServiceHistory } from './service-history.js';

export function replayAgainstVpa(
  settings: DecisionSettings,
  heldOut: HeldOutForecasts,
  series: ServiceSeries,
  minCalibrationWindows: number,
): VpaComparison {
  const { shape, targets } = settings;
  const perWindow = shape.horizon * shape.services * shape.targets;
  const errors = new ForecastErrors(shape, heldOut);
  const history = new ServiceHistory(series, targets, settings.sizing);
  const tally = () => new ProvisioningTally(series.stepSeconds, shape.horizon);
  const perService = settings.services.map(() => ({ forecast: tally(), vpa: tally() }));
  let decisions = 0;
  let skippedForCalibration = 0;
  let firstStep = -1;
  let lastStep = -1;
  for (let k = 0; k < heldOut.count; k += 1) {
    if (heldOut.inTest[k] !== 1) continue;
    const at = heldOut.lastSteps[k] ?? 0;
    errors.observeUntil(at);
    history.advanceTo(at);
    if (errors.windows < minCalibrationWindows) {
      skippedForCalibration += 1;
      continue;
    }
    decisions += 1;
    if (firstStep < 0) firstStep = at + 1;
    lastStep = at + shape.horizon;
    settings.services.forEach((service, s) => {
      const { sizing } = decideService(settings, errors, history, heldOut.forecasts, k * perWindow, s);
      const ours = sizing.replicas * sizing.cpu.target;
      const vpa =
        Math.max(1, service.replicas) * (history.vpaRecommendation(s)?.target ?? settings.sizing.minCores);
      for (let h = 0; h < shape.horizon; h += 1) {
        const used =
          heldOut.truths[k * perWindow + (h * shape.services + s) * shape.targets + targets.cpu] ?? NaN;
        perService[s]!.forecast.add(ours, used);
        perService[s]!.vpa.add(vpa, used);
      }
    });
  }
  const total = { forecast: tally(), vpa: tally() };
  for (const entry of perService) {
    total.forecast.merge(entry.forecast);
    total.vpa.merge(entry.vpa);
  }
  return {
    decisions,
    skippedForCalibration,
    firstStep,
    lastStep,
    horizon: shape.horizon,
    stepSeconds: series.stepSeconds,
    totals: { forecast: total.forecast.totals(), vpa: total.vpa.totals() },
    perService: settings.services.map((service, s) => ({
      service: service.msName,
      forecast: perService[s]!.forecast.totals(),
      vpa: perService[s]!.vpa.totals(),
    })),
  };
}
