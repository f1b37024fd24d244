import { Args, Flags } from '@oclif/core';
import { predictNext, type PredictResult } from '../model/predict-next.js';
import { selectBackend } from '../model/tf.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Predict extends RescapeCommand {
  static override summary =
    "Forecast every service's next steps from a run's latest window (or the window ending at --at).";
  static override examples = [
    '<%= config.bin %> predict models/gat-gru --run runs/demo',
    '<%= config.bin %> predict models/gat-gru --run runs/demo --at 600 --json',
  ];
  static override args = {
    modelDir: Args.string({ required: true, description: 'Model directory written by `rescape train`.' }),
  };
  static override flags = {
    run: Flags.string({ required: true, description: 'Run directory to forecast from.' }),
    at: Flags.integer({ description: 'Last observed step T (default: the last step of the run).' }),
  };

  async run(): Promise<PredictResult> {
    const { args, flags } = await this.parse(Predict);
    await selectBackend();
    const result = await predictNext(args.modelDir, flags.run, flags.at);
    this.log(
      `${result.kind}: forecast after step ${result.at} for ${result.steps.map((step) => `${step.timestamp} (${step.time})`).join(', ')}`,
    );
    for (const service of result.services) {
      for (const target of service.targets) {
        this.log(
          `  ${service.service.padEnd(34)} ${target.target.padEnd(4)} last ${target.last.toFixed(3).padStart(8)}  next ${target.forecast.map((value) => value.toFixed(3).padStart(8)).join(' ')}`,
        );
      }
    }
    return result;
  }
}
