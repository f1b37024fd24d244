import { Args, Flags } from '@oclif/core';
import { parseDurationSeconds } from '../core/duration.js';
import { parseColumnMap } from '../dataset/import/column-map.js';
import { FORMAT_READERS, importTrace } from '../dataset/import/import-trace.js';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
  type TopBy,
} from '../dataset/import/import-types.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Import extends RescapeCommand {
  static override summary = 'Import public microservice traces into a run directory.';
  static override description = `Formats: pod-csv (per-pod metric CSVs + span CSVs + dependency.csv + fault list, e.g. Nezha's Online Boutique data), alibaba-2021 and alibaba-2022 (MSCallGraph and MSResource files), long-csv (timestamp, service, cpu/memory/gpu columns) and gpu-long (value, timestamp, container id; GPU utilisation in percent). Paths may be files or folders (walked recursively); .gz files are decompressed on the fly and everything is streamed.

Samples are aggregated onto the --step grid (default: the data's own step, detected): per instance the mean over the step, summed over a service's instances. Missing samples stay empty cells and are reported as gaps; rows that cannot be used are counted by reason (--strict makes them errors); clock quirks are reported. Calls are written per step and edge (trace_id "agg:<n>"), static dependency edges at step 0 (rpc_type "static"), injected faults into run.json cluster.anomalies.`;

  static override examples = [
    '<%= config.bin %> import pod-csv ../shared/datasets/onlineboutique-2022-08-22 --out runs/ob',
    '<%= config.bin %> import alibaba-2021 MSCallGraph_0.csv.gz MSResource_0.csv.gz --top 30 --out runs/ali --json',
    '<%= config.bin %> import long-csv metrics.csv --columns timestamp=ts,service=svc,cpu=cpu_cores --out runs/mine',
  ];

  static override args = {
    format: Args.string({ required: true, options: [...IMPORT_FORMATS], description: 'Input format.' }),
  };

  static override strict = false;

  static override flags = {
    out: Flags.string({
      required: true,
      description: 'Run directory to create; an existing non-empty one is never overwritten.',
    }),
    step: Flags.string({ description: 'Step of the run, e.g. 30s or 1m (default: detected from the data).' }),
    services: Flags.string({
      description: 'Comma-separated services to keep (after pod → service mapping).',
    }),
    top: Flags.integer({ min: 1, description: 'Keep the N busiest services.' }),
    'top-by': Flags.string({
      options: ['calls', 'cpu'],
      default: 'calls',
      description: 'What --top ranks by (calls falls back to cpu without call data).',
    }),
    columns: Flags.string({
      description: 'Column names of the input, e.g. timestamp=ts,service=svc,cpu=cpu_cores.',
    }),
    benchmark: Flags.string({
      description: "Benchmark name recorded in run.json (default: the first path's name).",
    }),
    strict: Flags.boolean({
      default: false,
      description: 'Fail on the first unusable row instead of counting it.',
    }),
  };

  async run(): Promise<ImportResult> {
    const { args, argv, flags } = await this.parse(Import);
    const format = args.format as ImportFormat;
    const options: ImportOptions = {
      format,
      paths: argv.slice(1).map(String),
      out: flags.out,
      topBy: flags['top-by'] as TopBy,
      strict: flags.strict,
      ...(flags.step === undefined ? {} : { stepSeconds: parseDurationSeconds('step', flags.step) }),
      ...(flags.services === undefined
        ? {}
        : {
            services: flags.services
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== ''),
          }),
      ...(flags.top === undefined ? {} : { top: flags.top }),
      ...(flags.columns === undefined
        ? {}
        : { columns: parseColumnMap(flags.columns, FORMAT_READERS[format].columnKeys) }),
      ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
    };
    const result = await importTrace(options, { signal: this.signal, onProgress: this.progress() });
    this.log(renderImport(result));
    return result;
  }
}

function renderImport(result: ImportResult): string {
  const skipped = Object.entries(result.skipped);
  const lines = [
    `Imported ${result.format}: ${result.rowsRead} rows → ${result.runDir}`,
    `  ${result.services} services (${result.droppedServices} left out), ${result.edges} call edges (${result.staticEdges} static), ${result.steps} steps of ${result.stepSeconds} s${result.stepDetected ? ' (detected)' : ''} from ${result.startTime}`,
    `  gaps: ${result.gapCells} missing service-steps${result.gaps.length === 0 ? '' : ` in ${result.gaps.map((gap) => `${gap.service} (${gap.missingSteps})`).join(', ')}`}`,
    `  skipped: ${skipped.length === 0 ? 'none' : skipped.map(([reason, count]) => `${reason} ${count}`).join(', ')}`,
    ...result.clockIssues.map((issue) => `  clock: ${issue.file}: ${issue.message}`),
  ];
  if (result.anomalies > 0)
    lines.push(`  ${result.anomalies} fault windows recorded in run.json (cluster.anomalies)`);
  return lines.join('\n');
}
