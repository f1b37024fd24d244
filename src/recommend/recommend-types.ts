// The typed result of `rescape recommend` (schemas/recommend-result.schema.json).
import type { ServiceKind } from '../dataset/run-format.js';
import type { DeploymentPatch } from './kubernetes-patch.js';
import type { ProvisioningTotals } from './provisioning-tally.js';
import type { SizingBound } from './sizing.js';
import type { CpuBand } from './vpa-baseline.js';

/** Quantiles of the forecast distribution behind the lower bound, target and upper bound. */
export interface QuantileLevels {
  lower: number;
  target: number;
  upper: number;
}

export interface ServiceRecommendation {
  service: string;
  kind: ServiceKind;
  /** The workload the patch targets; null when the service has no valid name (see unpatched). */
  deployment: string | null;
  container: string | null;
  replicas: { current: number; recommended: number };
  /** What one replica can hold (null: not known), and where that came from. */
  capacity: { cores: number | null; gpus: number | null };
  cpu: {
    /** Service-total cores per forecast step: the model's point forecast, and it plus the target error quantile. */
    forecast: number[];
    quantileForecast: number[];
    /** The largest service-total usage up to T. */
    peak: number;
    /** Per replica, in cores (whole millicores), like the VPA's lowerBound / target / upperBound. */
    lower: number;
    target: number;
    upper: number;
    /** Kubernetes quantities: request = target, limit = upper bound. */
    request: string;
    limit: string;
    boundedBy: SizingBound[];
  };
  /** GPUs, for services with GPU usage when the model forecasts it; null otherwise. */
  gpu: { forecast: number[]; quantileForecast: number[]; peak: number; perReplica: number } | null;
  /** The VPA-style percentile-of-history recommendation per replica at the same T, for comparison. */
  vpa: CpuBand | null;
}

export interface MethodComparison {
  forecast: ProvisioningTotals;
  vpa: ProvisioningTotals;
}

export interface VpaComparison {
  /** Decisions replayed: one per test window, at its last input step. */
  decisions: number;
  /** Test windows left out because fewer held-out errors than needed were known by then. */
  skippedForCalibration: number;
  /** Steps whose usage was scored (first and last, inclusive). */
  firstStep: number;
  lastStep: number;
  horizon: number;
  stepSeconds: number;
  totals: MethodComparison;
  perService: ({ service: string } & MethodComparison)[];
}

export interface UnpatchedService {
  service: string;
  reason: string;
}

export interface RecommendResult {
  modelDir: string;
  runDir: string;
  kind: string;
  /** The last observed step T and its wall-clock time; the recommendation covers the horizon steps after it. */
  at: number;
  steps: { timestamp: number; time: string }[];
  settings: {
    quantiles: QuantileLevels;
    headroom: number;
    minCpu: number;
    maxCpu: number | null;
    peakFactor: number;
    namespace: string;
    capacitySource: 'flag' | 'topology' | 'unknown';
  };
  /** Held-out windows (validation and test) whose targets ended by T: their errors set the quantiles. */
  calibrationWindows: number;
  services: ServiceRecommendation[];
  patches: DeploymentPatch[];
  unpatched: UnpatchedService[];
  comparison: VpaComparison | null;
}
