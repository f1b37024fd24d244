import { Args, Flags } from '@oclif/core';
import { buildReport, DEFAULT_CURVE_SERVICES, type ReportResult } from '../report/build-report.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Report extends RescapeCommand {
  static override summary =
    'Write one self-contained HTML report about a run, its forecasting models and a simulation study.';
  static override description = `The page shows the run (benchmark, cluster, duration, services, call edges), its load over time (concurrency, req/s, p50/p99 latency, errors), per-service CPU/GPU small multiples and a services × time heat map, and the call graph with edge width by call volume. Each --model is scored on the run's test split exactly as \`rescape evaluate\` scores it (MAE, MAPE, MSE per horizon against last value and seasonal naive, all models side by side) and its forecasts are drawn against the truth for the busiest services (or --services). --simulation adds the policies of a \`rescape simulate\` result side by side over time and their summary.

Charts are inline SVG and the styles inline CSS, in light and dark mode: the file opens anywhere, offline, and fetches nothing.`;

  static override examples = [
    '<%= config.bin %> report runs/demo --out report.html',
    '<%= config.bin %> report runs/sn12 --model models/gat-gru --model models/gru --services nginx-thrift,compose-post-service --out sn12.html',
    '<%= config.bin %> report runs/sn12 --simulation results/policies.json --out study.html --json',
  ];

  static override args = {
    runDir: Args.string({
      required: true,
      description: 'Run directory (written by profile, export or import).',
    }),
  };

  static override flags = {
    model: Flags.string({
      multiple: true,
      default: [],
      description: 'Model directory written by `rescape train` (repeat for several).',
    }),
    simulation: Flags.string({ description: 'Result file written by `rescape simulate`.' }),
    services: Flags.string({
      description: `Services whose forecasts are drawn against the truth, comma-separated (default: the ${DEFAULT_CURVE_SERVICES} busiest).`,
    }),
    out: Flags.string({ required: true, description: 'HTML file to write (replaced atomically).' }),
    threads: Flags.integer({
      min: 1,
      description:
        'Threads scoring the models side by side, the main one included (default: one per core; 1: the main thread only).',
    }),
  };

  async run(): Promise<ReportResult> {
    const { args, flags } = await this.parse(Report);
    const result = await buildReport(
      {
        runDir: args.runDir,
        modelDirs: flags.model,
        ...(flags.simulation === undefined ? {} : { simulation: flags.simulation }),
        ...(flags.services === undefined
          ? {}
          : { services: flags.services.split(',').map((name) => name.trim()) }),
        out: flags.out,
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      },
      { signal: this.signal, onProgress: this.progress() },
    );
    this.log(
      `Wrote ${result.out}: ${(result.bytes / 1024).toFixed(0)} KiB, sections ${result.sections.join(', ')}, in ${result.seconds.toFixed(2)} s.`,
    );
    return result;
  }
}
