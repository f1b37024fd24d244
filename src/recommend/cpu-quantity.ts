// CPU amounts the way Kubernetes writes them: flags take "250m" or cores ("0.25", "2"); recommendations
// are whole millicores, rounded up, because the API rejects CPU precision finer than 1m and rounding
// down would under-provision by up to a millicore.
import { UsageError } from '../core/errors.js';

/** Slack for float noise: 0.1 + 0.2 cores must round to 300m, not 301m. */
const EPSILON = 1e-9;

/** Cores → whole millicores, rounded up. */
export function toMillicores(cores: number): number {
  return Math.max(0, Math.ceil(cores * 1000 - EPSILON));
}

/** Cores rounded up to whole millicores, back in cores. */
export function roundUpToMillicores(cores: number): number {
  return toMillicores(cores) / 1000;
}

/** A Kubernetes CPU quantity for cores: always millicores ("1500m"), a form every API version accepts. */
export function formatCpu(cores: number): string {
  return `${toMillicores(cores)}m`;
}

/** "250m" or "0.25" → 0.25 cores; a UsageError naming the flag for anything else or finer than 1m. */
export function parseCpuQuantity(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
  if (!Number.isFinite(value)) {
    throw new UsageError(`--${flag}: "${text}" is not a CPU amount`, {
      suggestion: `Give millicores or cores, e.g. --${flag} 250m or --${flag} 0.25.`,
    });
  }
  if (Math.abs(value * 1000 - Math.round(value * 1000)) > 1e-6) {
    throw new UsageError(`--${flag}: "${text}" is finer than a millicore, which Kubernetes does not allow`, {
      suggestion: `Round it to whole millicores, e.g. --${flag} ${Math.ceil(value * 1000)}m.`,
    });
  }
  return Math.round(value * 1000) / 1000;
}
