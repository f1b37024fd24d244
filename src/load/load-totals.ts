// A load run's running totals over its steps: what load-result.json reports. A resumed run starts from the
// totals of the steps it keeps (read back from load-detail.csv) and adds the steps it measures.
import { emptyErrorCounts, type ErrorCounts } from './error-kinds.js';
import type { LoadStep } from './load-session.js';

export interface LoadTotals {
  requests: number;
  errors: number;
  errorsByKind: ErrorCounts;
  statusCounts: Record<string, number>;
  aborted: number;
  /** Measured seconds (a partial step counts its own length). */
  seconds: number;
  steps: number;
}

export function emptyTotals(): LoadTotals {
  return {
    requests: 0,
    errors: 0,
    errorsByKind: emptyErrorCounts(),
    statusCounts: {},
    aborted: 0,
    seconds: 0,
    steps: 0,
  };
}

export function addStep(totals: LoadTotals, step: LoadStep): void {
  const { measure } = step;
  totals.steps += 1;
  totals.requests += measure.requests;
  totals.errors += measure.errors;
  totals.aborted += measure.aborted;
  totals.seconds += measure.seconds;
  for (const [kind, count] of Object.entries(measure.errorsByKind))
    totals.errorsByKind[kind as keyof ErrorCounts] += count;
  for (const [status, count] of Object.entries(measure.statusCounts))
    totals.statusCounts[status] = (totals.statusCounts[status] ?? 0) + count;
}
