// The model directory: model.json (tfjs weights manifest + the model's config as its topology),
// weights.bin (float32 weights, tfjs layout) and card.json. Written with tfjs-core's own weight
// encoding, so no tfjs-node is needed, and each file is replaced atomically.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { tf } from './tfjs.cjs';
import { DataError } from '../core/errors.js';
import { toolVersion } from '../core/version.js';
import type { ModelConfig } from './model-types.js';

export const MODEL_FORMAT = 'rescape.model/v1';
const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const CARD_JSON = 'card.json';

interface ModelJson {
  format: string;
  generatedBy: string;
  convertedBy: null;
  modelTopology: { config: ModelConfig };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Writes the weights of `variables` (by their names) and the config to `dir`. */
export async function saveWeights(
  dir: string,
  config: ModelConfig,
  variables: readonly tf.Variable[],
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const named: tf.NamedTensorMap = {};
  for (const variable of variables) named[variable.name] = variable;
  const { data, specs } = await tf.io.encodeWeights(named);
  const manifest: ModelJson = {
    format: 'rescape-graph-forecast',
    generatedBy: `rescape ${toolVersion}`,
    convertedBy: null,
    modelTopology: { config },
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
  };
  await writeFileAtomic(join(dir, WEIGHTS_BIN), Buffer.from(data));
  await writeFileAtomic(join(dir, MODEL_JSON), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads the config and the weights (as tensors by name; the caller disposes them). */
export function loadWeights(dir: string): { config: ModelConfig; weights: tf.NamedTensorMap } {
  const file = join(dir, MODEL_JSON);
  const manifest = parseJsonFile(file) as Partial<ModelJson>;
  const group = manifest.weightsManifest?.[0];
  const config = manifest.modelTopology?.config;
  if (group === undefined || config === undefined || typeof config.kind !== 'string') {
    throw new DataError(
      'not a rescape model: weightsManifest or modelTopology.config is missing',
      { file },
      {
        suggestion: 'Point to a directory written by `rescape train`.',
      },
    );
  }
  const bytes = readModelFile(join(dir, group.paths[0] ?? WEIGHTS_BIN));
  const expected = group.weights.reduce((sum, spec) => sum + 4 * spec.shape.reduce((n, d) => n * d, 1), 0);
  if (bytes.length !== expected) {
    throw new DataError(
      `weights.bin holds ${bytes.length} bytes, model.json describes ${expected}`,
      { file: join(dir, WEIGHTS_BIN) },
      {
        suggestion: 'The model directory is damaged; train the model again.',
      },
    );
  }
  // A fresh ArrayBuffer holding exactly the file (a Buffer may be a view into a larger shared pool).
  const buffer = new Uint8Array(bytes).buffer;
  return { config, weights: tf.io.decodeWeights(buffer, group.weights) };
}

export async function saveCard(dir: string, card: object): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(
    join(dir, CARD_JSON),
    `${JSON.stringify({ format: MODEL_FORMAT, ...card }, null, 2)}\n`,
  );
}

export function loadCard<Card>(dir: string): Card {
  const file = join(dir, CARD_JSON);
  const card = parseJsonFile(file) as { format?: unknown };
  if (card.format !== MODEL_FORMAT) {
    throw new DataError(
      `format is ${JSON.stringify(card.format)}, expected "${MODEL_FORMAT}"`,
      { file, field: 'format' },
      {
        suggestion: 'Point to a directory written by `rescape train` of this version.',
      },
    );
  }
  return card as Card;
}

function readModelFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new DataError(
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      {
        suggestion:
          'Point to a model directory written by `rescape train` (it holds model.json, weights.bin and card.json).',
        cause: error,
      },
    );
  }
}

function parseJsonFile(file: string): unknown {
  const text = readModelFile(file).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DataError(
      `not valid JSON: ${(error as Error).message}`,
      { file },
      {
        suggestion: 'The model directory is damaged; train the model again.',
        cause: error,
      },
    );
  }
}
