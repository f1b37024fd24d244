// Which services an import keeps: all it found, or those named by --services, or the N busiest by call
// volume (calls made or served) or by CPU (summed over the steps) — how a huge trace is cut to a graph a
// model can train on.
import { UsageError } from '../../core/errors.js';
import type { CallGrid } from './call-grid.js';
import type { MetricGrid } from './metric-grid.js';
import type { TopBy } from './import-types.js';

export interface SelectionOptions {
  services?: readonly string[];
  top?: number;
  topBy?: TopBy;
}

export function selectServices(
  found: readonly string[],
  metrics: MetricGrid,
  calls: CallGrid,
  options: SelectionOptions,
): string[] {
  let kept = [...found];
  if (options.services !== undefined) {
    const known = new Set(found);
    const unknown = options.services.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new UsageError(`--services names ${unknown.join(', ')}, which the data does not hold`, {
        suggestion: `Services found: ${found.slice(0, 20).join(', ')}${found.length > 20 ? ', …' : ''}.`,
      });
    }
    kept = [...new Set(options.services)];
  }
  if (options.top !== undefined && kept.length > options.top) {
    const byCalls = (options.topBy ?? 'calls') === 'calls' && calls.calls > 0;
    const score = new Map(
      kept.map((name) => [name, byCalls ? calls.callVolume(name) : metrics.cpuTotal(name)] as const),
    );
    kept.sort((a, b) => (score.get(b) ?? 0) - (score.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    kept = kept.slice(0, options.top);
  }
  return kept;
}
