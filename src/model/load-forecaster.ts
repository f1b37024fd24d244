// A saved model directory back in memory: card, graph, normaliser and a model with its weights, plus
// the check that a run to forecast has the services and call graph the model was trained on.
import { DataError } from '../core/errors.js';
import { graphFromEdges, type CallGraph } from '../dataset/call-graph.js';
import { Normaliser } from '../dataset/normalisation.js';
import type { RunData } from '../dataset/run-reader.js';
import { createModel } from './create-model.js';
import { loadCard, loadWeights } from './model-files.js';
import type { ModelCard } from './model-card.js';
import type { ForecastModel } from './model-types.js';

export interface LoadedForecaster {
  card: ModelCard;
  graph: CallGraph;
  normaliser: Normaliser;
  model: ForecastModel;
}

export function loadForecaster(modelDir: string): LoadedForecaster {
  const card = loadCard<ModelCard>(modelDir);
  const index = new Map(card.services.map((name, id) => [name, id]));
  const edges = card.edges.map((edge) => ({
    um: index.get(edge.um) ?? -1,
    dm: index.get(edge.dm) ?? -1,
    calls: edge.calls,
  }));
  const graph = graphFromEdges(card.services.length, edges, card.graph);
  const normaliser = Normaliser.fromJSON(card.normalisation, `${modelDir}/card.json`);
  const { config, weights } = loadWeights(modelDir);
  const model = createModel(config, graph);
  try {
    for (const variable of model.variables) {
      const value = weights[variable.name];
      if (value === undefined || value.shape.join() !== variable.shape.join()) {
        throw new DataError(
          `weight ${variable.name} is ${value === undefined ? 'missing' : `shaped [${value.shape.join(', ')}], expected [${variable.shape.join(', ')}]`}`,
          { file: `${modelDir}/weights.bin` },
          {
            suggestion: 'The model directory is damaged or from another version; train the model again.',
          },
        );
      }
      variable.assign(value);
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    Object.values(weights).forEach((tensor) => tensor.dispose());
  }
  return { card, graph, normaliser, model };
}

/** Throws a DataError naming the differences when the run's services or call edges are not the model's. */
export function assertRunMatchesModel(card: ModelCard, run: RunData, runDir: string): void {
  const runServices = run.services.map((service) => service.msName);
  const missing = card.services.filter((name) => !runServices.includes(name));
  const extra = runServices.filter((name) => !card.services.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new DataError(
      `the run's services differ from the model's: missing ${missing.join(', ') || 'none'}; not in the model ${extra.join(', ') || 'none'}`,
      { file: `${runDir}/services.csv` },
      {
        suggestion:
          'A model forecasts only the services (and graph) it was trained on: train one on this benchmark.',
      },
    );
  }
  const known = new Set(card.edges.map((edge) => `${edge.um}>${edge.dm}`));
  // Sampled traces may miss rare edges, so only edges the model has never seen are an error.
  const unknown = run.callSummary.edges
    .map((edge) => `${runServices[edge.um]}>${runServices[edge.dm]}`)
    .filter((edge) => !known.has(edge));
  if (unknown.length > 0) {
    throw new DataError(
      `the run's call graph has edges the model was not trained on: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` (+${unknown.length - 10} more)` : ''}`,
      { file: `${runDir}/ms_callgraph.csv` },
      {
        suggestion: 'Retrain the model on runs that include these calls.',
      },
    );
  }
}
