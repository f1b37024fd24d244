import { Args } from '@oclif/core';
import { inspectRun, type InspectResult } from '../dataset/inspect-run.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Inspect extends RescapeCommand {
  static override summary =
    'Validate a run directory and summarise its services, steps, call graph and load.';
  static override description =
    'Reads every file of the run directory, stops at the first malformed line (naming the file, line and field), and reports warnings such as missing samples, an unfinished run or calls outside the benchmark topology.';

  static override examples = [
    '<%= config.bin %> inspect runs/social-network-20261123T120000Z-s7',
    '<%= config.bin %> inspect runs/demo --json',
  ];

  static override args = {
    runDir: Args.string({ required: true, description: 'Run directory (holds run.json).' }),
  };

  async run(): Promise<InspectResult> {
    const { args } = await this.parse(Inspect);
    const result = await inspectRun(args.runDir);
    this.log(renderInspection(result));
    return result;
  }
}

function renderInspection(result: InspectResult): string {
  const number = (value: number | null, digits = 3): string => (value === null ? '–' : value.toFixed(digits));
  const lines = [
    `Run ${result.id}: ${result.benchmark} on ${result.cluster}, status ${result.status}`,
    `  ${result.steps}/${result.samples} steps of ${result.stepSeconds} s (${(result.durationSeconds / 3600).toFixed(2)} h), ${result.services.length} services, ${result.edges.length} call edges, ${result.traces} traces (${result.callRows} calls)`,
    `  load: concurrency ${number(result.load.concurrencyMin, 0)}–${number(result.load.concurrencyMax, 0)} (mean ${number(result.load.concurrencyMean, 1)}), ${result.load.requests} requests, ${result.load.errors} errors, p50 ${number(result.load.latencyP50MeanMs, 1)} ms, worst p99 ${number(result.load.latencyP99MaxMs, 1)} ms`,
    '',
    `  ${'service'.padEnd(34)} ${'kind'.padEnd(9)} rep  cpu mean  cpu max  gpu mean  missing`,
    ...result.services.map(
      (service) =>
        `  ${service.msName.padEnd(34)} ${service.kind.padEnd(9)} ${String(service.replicas).padStart(3)}  ${number(service.cpuMean).padStart(8)}  ${number(service.cpuMax).padStart(7)}  ${number(service.gpuMean).padStart(8)}  ${String(service.missingSamples).padStart(7)}`,
    ),
  ];
  lines.push(
    '',
    result.problems.length === 0 ? '  No problems found.' : `  ${result.problems.length} problem(s):`,
  );
  for (const problem of result.problems) {
    lines.push(
      `  - ${problem.severity}: ${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`,
    );
  }
  return lines.join('\n');
}
