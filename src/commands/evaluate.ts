import { Args, Flags } from '@oclif/core';
import { renderEvaluation } from '../cli/evaluation-table.js';
import { evaluateModelDir, type EvaluateResult } from '../model/evaluate-model-dir.js';
import { selectBackend } from '../model/tf.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Evaluate extends RescapeCommand {
  static override summary =
    'Score a trained model on the test split: MAE, MSE, MAPE, weighted MAPE per horizon, against last value.';
  static override examples = [
    '<%= config.bin %> evaluate models/gat-gru',
    '<%= config.bin %> evaluate models/gat-gru runs/other-day --json',
  ];
  static override strict = false;
  static override args = {
    modelDir: Args.string({ required: true, description: 'Model directory written by `rescape train`.' }),
    runDir: Args.string({
      description: 'Run directories to score on (default: those the model was trained on).',
    }),
  };

  static override flags = {
    'exclude-anomalies': Flags.boolean({
      default: false,
      description:
        'Leave out test windows whose targets touch an annotated anomaly (run.json cluster.incidents / cluster.anomalies).',
    }),
  };

  async run(): Promise<EvaluateResult> {
    const { argv, flags } = await this.parse(Evaluate);
    const [modelDir, ...runDirs] = argv as string[];
    await selectBackend();
    const result = await evaluateModelDir(modelDir!, runDirs, {
      excludeAnomalies: flags['exclude-anomalies'],
    });
    this.log(`${result.kind} from ${result.modelDir} on ${result.runDirs.join(', ')}`);
    if (flags['exclude-anomalies'])
      this.log(`${result.excludedAnomalyWindows} test windows touching annotated anomalies left out`);
    this.log(renderEvaluation(result.test));
    return result;
  }
}
