// The per-pod layout of root-cause-analysis datasets (Nezha's Online Boutique and Train-Ticket data):
// metric/<pod>_metric.csv, trace/*.csv spans, metric/dependency.csv and a *fault_list.json. Files are told
// apart by their headers; other CSVs of the layout (front_service.csv, source_50.csv…) are ignored.
import { headerHas } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import type { FileKind, FormatReader } from './format-reader.js';
import { readDependencies, readFaultList } from './pod-csv-extras.js';
import { readPodMetrics } from './pod-metric-import.js';
import { readSpans } from './span-import.js';

function kindOf(file: string, header: CsvRow | undefined): FileKind {
  if (header === undefined) return file.endsWith('.json') ? 'other' : 'ignored';
  if (headerHas(header, 'TraceID', 'SpanID') || headerHas(header, 'trace_id', 'span_id')) return 'calls';
  if (headerHas(header, 'PodName') && !headerHas(header, 'TraceID')) return 'metrics';
  if (headerHas(header, 'Source', 'Target')) return 'other';
  return 'ignored';
}

export const podCsvFormat: FormatReader = {
  fallbackStep: 60,
  columnKeys: [
    'time',
    'epoch',
    'pod',
    'cpu',
    'memory',
    'trace',
    'span',
    'parent',
    'start',
    'end',
    'source',
    'target',
  ],
  classify: kindOf,
  async readCsv(kind, file, header, rows, ctx) {
    if (kind === 'metrics') return readPodMetrics(file, header, rows, ctx);
    if (kind === 'calls') return readSpans(file, header, rows, ctx);
    return readDependencies(file, header, rows, ctx);
  },
  readOther: readFaultList,
};
