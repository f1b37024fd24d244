// Reads the Kubernetes YAML under manifests/: every document of every *.yaml file of a directory, in file-name
// order, each checked to be an object with apiVersion, kind and metadata.name so errors name the file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { LineCounter, parseAllDocuments } from 'yaml';
import { DataError } from '../../core/errors.js';

/** src/cluster/manifests/ and dist/cluster/manifests/ both sit three levels below the package root. */
export const MANIFESTS_ROOT = fileURLToPath(new URL('../../../manifests/', import.meta.url));

export interface ManifestDocument {
  object: KubernetesObject;
  /** Path as the directory was given (relative to manifests/), for messages. */
  file: string;
  /** 1-based line where the document starts. */
  line: number;
}

/**
 * Every object in <directory>/*.yaml, the directory relative to manifests/ (or absolute); a fresh copy on each
 * call, so callers may change them.
 */
export function loadManifestDirectory(directory: string): ManifestDocument[] {
  const absolute = resolve(MANIFESTS_ROOT, directory);
  let files: string[];
  try {
    files = readdirSync(absolute).filter((file) => file.endsWith('.yaml'));
  } catch (error) {
    throw new DataError(`cannot read the manifests directory`, { file: absolute }, { cause: error });
  }
  return files.sort().flatMap((file) => parseManifestFile(join(absolute, file), join(directory, file)));
}

function parseManifestFile(path: string, file: string): ManifestDocument[] {
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  const documents: ManifestDocument[] = [];
  for (const document of parseAllDocuments(text, { lineCounter })) {
    const error = document.errors[0];
    if (error !== undefined) {
      const line = lineCounter.linePos(error.pos[0]).line;
      throw new DataError(`invalid YAML: ${error.message.split('\n')[0]}`, { file, line });
    }
    const object: unknown = document.toJS();
    const line = lineCounter.linePos(document.contents?.range[0] ?? 0).line;
    if (object === null || object === undefined) continue; // a document of comments only
    documents.push({ object: checkObject(object, file, line), file, line });
  }
  return documents;
}

function checkObject(value: unknown, file: string, line: number): KubernetesObject {
  const object = value as KubernetesObject;
  const missing = [
    typeof object.apiVersion === 'string' ? undefined : 'apiVersion',
    typeof object.kind === 'string' ? undefined : 'kind',
    typeof object.metadata?.name === 'string' ? undefined : 'metadata.name',
  ].find((field) => field !== undefined);
  if (typeof value !== 'object' || Array.isArray(value) || missing !== undefined) {
    throw new DataError('not a Kubernetes object', { file, line, field: missing ?? 'document' });
  }
  return object;
}
