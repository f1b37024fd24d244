// Types of `rescape import`: the formats, the options the command passes and the summary it returns.

export const IMPORT_FORMATS = ['pod-csv', 'alibaba-2021', 'alibaba-2022', 'long-csv', 'gpu-long'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type TopBy = 'calls' | 'cpu';

export interface ImportOptions {
  format: ImportFormat;
  /** Files or directories (walked recursively); .gz files are decompressed on the fly. */
  paths: string[];
  out: string;
  /** Step in seconds; default: detected from the metric samples (Alibaba call graphs alone: 30 s). */
  stepSeconds?: number;
  /** Keep only these services (after pod → service mapping). */
  services?: string[];
  /** Keep the N busiest services, by call volume or by CPU (`topBy`). */
  top?: number;
  topBy?: TopBy;
  /** Logical column → header name, overriding the format's defaults (e.g. {timestamp: 'ts'}). */
  columns?: Record<string, string>;
  /** Turn every counted skip into a DataError naming the file and line. */
  strict?: boolean;
  /** run.json id and benchmark; default: derived from the format and the first path. */
  benchmark?: string;
}

/** Something about the clocks of an input file, detected and worked around. */
export interface ClockIssue {
  file: string;
  kind: 'epoch-offset' | 'epoch-disagrees' | 'repeated-timestamp' | 'unordered-timestamp';
  rows: number;
  message: string;
  /** For epoch-offset: the most common difference epoch − wall clock, in seconds. */
  offsetSeconds?: number;
}

export interface ServiceGap {
  service: string;
  /** Steps with no sample of any instance of the service (empty cells in ms_metric.csv). */
  missingSteps: number;
  firstMissingStep: number;
}

export interface SkipExample {
  reason: string;
  file: string;
  line: number;
  detail: string;
}

export interface ImportResult {
  runDir: string;
  format: ImportFormat;
  files: { metrics: number; calls: number; other: number; ignored: string[] };
  rowsRead: number;
  bytesRead: number;
  skipped: Record<string, number>;
  /** The first row skipped for each reason, so that a skip can be looked at. */
  skipExamples: SkipExample[];
  services: number;
  droppedServices: number;
  edges: number;
  staticEdges: number;
  steps: number;
  stepSeconds: number;
  stepDetected: boolean;
  startTime: string;
  gaps: ServiceGap[];
  gapCells: number;
  clockIssues: ClockIssue[];
  anomalies: number;
}
