// One service's entry in the result, and its Deployment patch (schema-checked) or why it has none.
import type { ServiceRow } from '../dataset/run-format.js';
import { formatCpu } from './cpu-quantity.js';
import { serviceSteps } from './forecast-errors.js';
import { deploymentPatch, validateDeploymentPatch, type DeploymentPatch } from './kubernetes-patch.js';
import type { ServiceRecommendation, UnpatchedService } from './recommend-types.js';
import type { DecisionSettings, ServiceDecision } from './service-decision.js';
import type { ServiceHistory } from './service-history.js';
import type { WorkloadName } from './workload-names.js';

export interface ServiceOutput {
  recommendation: ServiceRecommendation;
  patch: DeploymentPatch | null;
  unpatched: UnpatchedService | null;
}

/** What every service's output is made from: the decision settings, the history and forecast at T. */
export interface OutputContext {
  settings: DecisionSettings;
  history: ServiceHistory;
  /** [horizon × services × targets] after T. */
  forecast: Float32Array;
  namespace: string;
}

export function serviceOutput(
  { settings, history, forecast, namespace }: OutputContext,
  decision: ServiceDecision,
  name: WorkloadName | { problem: string },
  s: number,
): ServiceOutput {
  const service: ServiceRow = settings.services[s]!;
  const { sizing } = decision;
  const named = 'problem' in name ? null : name;
  const patch =
    named === null
      ? null
      : deploymentPatch(named, namespace, {
          replicas: sizing.replicas,
          requestCores: sizing.cpu.target,
          limitCores: sizing.cpu.upper,
          gpus: sizing.gpusPerReplica,
        });
  if (patch !== null) validateDeploymentPatch(patch);
  const peak = history.peak(s);
  const steps = (target: number) => serviceSteps(forecast, 0, settings.shape, s, target);
  const gpuTarget = settings.targets.gpu;
  return {
    patch,
    unpatched: 'problem' in name ? { service: service.msName, reason: name.problem } : null,
    recommendation: {
      service: service.msName,
      kind: service.kind,
      deployment: named?.deployment ?? null,
      container: named?.container ?? null,
      replicas: { current: service.replicas, recommended: sizing.replicas },
      capacity: settings.capacities[s]!,
      cpu: {
        forecast: steps(settings.targets.cpu),
        quantileForecast: decision.cpu.target.perStep,
        peak: peak.cpu,
        ...sizing.cpu,
        request: formatCpu(sizing.cpu.target),
        limit: formatCpu(sizing.cpu.upper),
        boundedBy: sizing.boundedBy,
      },
      gpu:
        decision.gpu === null || gpuTarget === null || sizing.gpusPerReplica === null
          ? null
          : {
              forecast: steps(gpuTarget),
              quantileForecast: decision.gpu.perStep,
              peak: peak.gpu,
              perReplica: sizing.gpusPerReplica,
            },
      vpa: history.vpaRecommendation(s),
    },
  };
}
