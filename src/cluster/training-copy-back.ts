// Brings the model a training pod published (ConfigMaps <job>-model-NNN) to the local model directory: every
// chunk and file is checked against its sha256, the files are written to a new directory beside --out, and that
// directory replaces --out in one rename, so --out is either the old model or the whole new one, never a mix.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ClusterError } from '../core/errors.js';
import type { KubeClient } from './kube-client.js';
import { unpackBundle, type BundleFile } from './training-bundle.js';
import { bundleFromConfigMaps, bundleSelector } from './training-configmaps.js';

export interface CopiedModel {
  dir: string;
  /** ConfigMaps it was read from. */
  configMaps: string[];
  files: BundleFile[];
}

export async function copyModelBack(
  client: KubeClient,
  namespace: string,
  job: string,
  out: string,
  localRunDirs: readonly string[],
): Promise<CopiedModel> {
  const configMaps = (
    await client.list<V1ConfigMap>('v1', 'ConfigMap', namespace, bundleSelector(job, 'model'))
  ).items;
  if (configMaps.length === 0) {
    throw new ClusterError(`training Job ${namespace}/${job} finished but published no model ConfigMaps`, {
      suggestion: `The pod could not create them: check that the trainer account may (manifests/train/trainer-rbac.yaml) and look at kubectl -n ${namespace} logs job/${job}.`,
    });
  }
  const names = configMaps.map((c) => c.metadata?.name ?? '').sort();
  const { manifest, chunkOf } = bundleFromConfigMaps(configMaps, `ConfigMaps ${namespace}/${job}-model-*`);
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.incoming-`));
  try {
    const [modelDir] = unpackBundle(manifest, chunkOf, staging, `ConfigMaps ${namespace}/${job}-model-*`);
    pointCardAtLocalRuns(modelDir!, localRunDirs);
    replaceDirectory(modelDir!, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return {
    dir: out,
    configMaps: names,
    files: manifest.files.map((file) => ({ ...file, path: file.path.replace(/^model\//, '') })),
  };
}

/**
 * The pod trained on its copies of the runs, unpacked in the order given, and its card names those copies. Here
 * they are the user's run directories, so that `rescape evaluate <model>` finds them without arguments.
 */
function pointCardAtLocalRuns(modelDir: string, localRunDirs: readonly string[]): void {
  const file = join(modelDir, 'card.json');
  const card = JSON.parse(readFileSync(file, 'utf8')) as { trainedOn?: { runDir?: unknown }[] };
  if (card.trainedOn?.length !== localRunDirs.length) return;
  card.trainedOn.forEach((run, index) => (run.runDir = localRunDirs[index]));
  writeFileSync(file, `${JSON.stringify(card, null, 2)}\n`);
}

/** Moves `from` to `to`; an existing `to` is moved aside first and removed after. */
function replaceDirectory(from: string, to: string): void {
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  const aside = `${to}.replaced-${process.pid}-${Date.now()}`;
  renameSync(to, aside);
  try {
    renameSync(from, to);
  } catch (error) {
    renameSync(aside, to);
    throw error;
  }
  rmSync(aside, { recursive: true, force: true });
}
